"""Demo stories and leads, in Chinese, as member organisations would write them."""

from __future__ import annotations

# Each: kind, organisation, status, campaigns, title, summary, body, people, place, event date,
# keywords, credit. Status is the state the demo walks the item to.
ITEMS: list[dict[str, object]] = [
    {
        "kind": "story", "org": "北京市科学技术协会", "status": "approved",
        "campaigns": ["kxjjs", "zuimei"], "featured": True,
        "title": "八十岁院士坚守实验室：把科学家精神写在祖国大地上",
        "summary": "年逾八旬的材料科学家仍每天走进实验室，带领青年团队攻关关键材料。",
        "body": "清晨七点，实验楼的灯已经亮了。八十岁的院士推开实验室的门，和往常一样先查看昨晚的"
                "实验数据。\n\n几十年来，他带领团队攻克了多项关键材料技术难题，培养了一百多名研究生。"
                "他常说：“科学家精神不是挂在墙上的口号，而是每天的坚持。”\n\n如今，他把更多精力放在"
                "培养青年科技工作者上，每周都要和学生讨论课题，逐字修改论文。",
        "people": "陈立新（中国科学院院士）", "place": "北京市海淀区", "event_date": "2026-04-18",
        "keywords": "院士, 科学家精神, 新材料, 青年人才", "credit": "北京市科协 文/赵敏",
    },
    {
        "kind": "story", "org": "四川省科学技术协会", "status": "approved",
        "campaigns": ["fupin"], "featured": True,
        "title": "科技特派员扎根大凉山：一颗土豆里的脱贫攻坚故事",
        "summary": "农业专家十年如一日驻村指导，马铃薯良种让彝族群众走上致富路。",
        "body": "海拔两千六百米的山坡上，科技特派员蹲在地头，和村民一起查看马铃薯的长势。\n\n"
                "十年前，这里的马铃薯亩产不足一千公斤；引进脱毒种薯和科学种植技术后，亩产翻了一番。"
                "脱贫攻坚战取得全面胜利后，他又带着新品种投入乡村振兴。\n\n"
                "“农民信的不是专家的头衔，而是地里长出来的东西。”他说。",
        "people": "杨建国（四川省农业科学院研究员）", "place": "四川省凉山彝族自治州",
        "event_date": "2026-03-02", "keywords": "脱贫攻坚, 乡村振兴, 科技特派员, 马铃薯",
        "credit": "四川省科协 文/李娜",
    },
    {
        "kind": "story", "org": "四川省科学技术协会", "status": "approved",
        "campaigns": ["kjgzz-day", "kxjjs"],
        "title": "深夜的急诊室：基层医院院长的一天",
        "summary": "县医院院长坚持每周三次夜班，把远程会诊系统带进乡镇卫生院。",
        "body": "凌晨两点，县人民医院急诊室送来一位胸痛患者。院长接到电话，十分钟后赶到医院。\n\n"
                "他推动建立的远程会诊系统，让乡镇卫生院的医生可以随时连线省城专家。"
                "科技工作者日前夕，我们记录下这位基层“三长”的一天。",
        "people": "王海涛（县人民医院院长）", "place": "四川省南充市",
        "event_date": "2026-05-20", "keywords": "基层三长, 远程医疗, 科技工作者日",
        "credit": "四川省科协 文/周婷",
    },
    {
        "kind": "lead", "org": "北京市科学技术协会", "status": "approved",
        "campaigns": ["kepu-day"],
        "title": "全国科普日北京主场活动将首次开放量子计算实验室",
        "summary": "九月科普日期间，市民可预约参观量子计算实验室并与科学家面对面交流。",
        "body": "北京市科协与多家科研院所联合举办全国科普日主场活动，首次向公众开放量子计算实验室。"
                "活动期间将有二十位青年科学家担任讲解员。",
        "people": "", "place": "北京市", "event_date": "2026-09-16",
        "keywords": "全国科普日, 量子计算, 科普",
        "contact_name": "赵敏", "contact_info": "010-6800 0000 / zhaomin@kitchen.example.com",
        "angle": "青年科学家当讲解员，普通市民走进尖端实验室。", "urgency": "soon",
        "credit": "北京市科协",
    },
    {
        "kind": "story", "org": "北京市科学技术协会", "status": "approved",
        "campaigns": ["ouxiang"],
        "title": "“00后”科普博主：让航天知识在短视频里“出圈”",
        "summary": "航天院所的青年工程师利用业余时间制作科普短视频，粉丝超过百万。",
        "body": "白天，她是航天院所的结构设计工程师；晚上，她是拥有百万粉丝的科普博主。\n\n"
                "她的视频用生活化的比喻讲解火箭发射、轨道计算，吸引了大量青少年观众。"
                "“科学也可以是偶像，科学家也可以很酷。”",
        "people": "林晓雨（航天工程师、科普博主）", "place": "北京市丰台区",
        "event_date": "2026-06-08", "keywords": "科学也偶像, 航天, 科普短视频, 青年",
        "credit": "北京市科协 文/孙磊",
    },
    {
        "kind": "story", "org": "中国计算机学会", "status": "approved",
        "campaigns": ["nianhui", "kxjjs"],
        "title": "中国科协年会上的青年科学家论坛：人工智能如何服务科学发现",
        "summary": "十位青年科学家分享人工智能在蛋白质结构、气象预报中的应用。",
        "body": "中国科协年会青年科学家论坛上，来自高校和企业的青年学者围绕人工智能与科学发现展开讨论。"
                "\n\n与会者认为，人工智能正在改变科研范式，但科学家的好奇心和求实精神仍不可替代。",
        "people": "吴昊（清华大学副教授）；郑雪（青年科学家）", "place": "浙江省杭州市",
        "event_date": "2026-07-12", "keywords": "人工智能, 中国科协年会, 青年科学家",
        "credit": "中国计算机学会 文/钱程",
    },
    {
        "kind": "story", "org": "四川省科学技术协会", "status": "submitted",
        "campaigns": ["jingjian"],
        "title": "高原上的气象观测站：守望蓝天的科技工作者",
        "summary": "在海拔四千米的气象站，观测员每天八次记录数据，二十年从未间断。",
        "body": "海拔四千米的观测站里，风声不断。观测员每天八次走出值班室记录数据。\n\n"
                "二十年来，他们积累的数据为高原天气预报和气候研究提供了宝贵资料。",
        "people": "扎西（气象观测员）", "place": "四川省甘孜藏族自治州",
        "event_date": "2026-08-01", "keywords": "气象, 高原, 科技工作者",
        "credit": "四川省科协 摄影/文 李娜",
    },
    {
        "kind": "lead", "org": "四川省科学技术协会", "status": "submitted",
        "campaigns": ["kepu-day"],
        "title": "成都将举办大熊猫保护科普周，专家现场解读繁育技术",
        "summary": "大熊猫繁育研究基地科学家将在科普日期间开设公开课。",
        "body": "成都大熊猫繁育研究基地计划在全国科普日期间举办科普周，科学家将现场解读人工繁育技术。",
        "people": "", "place": "四川省成都市", "event_date": "2026-09-18",
        "keywords": "大熊猫, 科普日, 生态保护",
        "contact_name": "刘洋", "contact_info": "028-8000 0000", "angle": "一线科学家讲繁育故事",
        "urgency": "normal", "credit": "四川省科协",
    },
    {
        "kind": "story", "org": "北京市科学技术协会", "status": "submitted",
        "campaigns": ["zuimei"],
        "title": "社区里的“科技志愿者”：退休工程师教老人用智能手机",
        "summary": "退休高级工程师组织志愿服务队，三年帮助两千多位老人跨越数字鸿沟。",
        "body": "每周二下午，社区活动室里都会坐满老人。退休高级工程师耐心地教他们使用手机挂号、"
                "视频通话。\n\n三年来，他组织的科技志愿服务队已帮助两千多位老人。",
        "people": "周建华（退休高级工程师）", "place": "北京市朝阳区",
        "event_date": "2026-05-12", "keywords": "科技志愿者, 数字鸿沟, 老年人",
        "credit": "北京市科协 文/赵敏",
    },
    {
        "kind": "story", "org": "北京市科学技术协会", "status": "changes_requested",
        "campaigns": ["kjgzz-day"],
        "title": "实验室里的春节：留守科研人员的坚守",
        "summary": "春节期间，一支科研团队为关键实验坚守岗位。",
        "body": "除夕夜，实验室里依然灯火通明。为了不中断持续观测，团队成员轮流值守。",
        "people": "", "place": "北京市", "event_date": "2026-02-16",
        "keywords": "科研人员, 春节, 坚守", "credit": "北京市科协",
        "review_comment": "请补充主要人物的姓名和职务，并确认已取得本人同意。",
    },
    {
        "kind": "lead", "org": "北京市科学技术协会", "status": "draft",
        "campaigns": [],
        "title": "中关村双创周将发布青年创业者科技成果",
        "summary": "双创周期间将集中发布五十项青年创业团队的科技成果。",
        "body": "初步线索：双创周期间，中关村将集中发布青年创业团队成果，可安排采访。",
        "people": "", "place": "北京市海淀区", "event_date": "2026-10-20",
        "keywords": "双创周, 青年创业", "contact_name": "孙磊", "contact_info": "138 0000 0000",
        "angle": "青年创业者的科技梦想", "urgency": "normal", "credit": "北京市科协",
    },
    {
        "kind": "story", "org": "四川省科学技术协会", "status": "rejected",
        "campaigns": [],
        "title": "某企业新品发布会",
        "summary": "企业产品发布信息。",
        "body": "某企业发布新产品，邀请媒体参加。",
        "people": "", "place": "四川省成都市", "event_date": "2026-04-01",
        "keywords": "发布会", "credit": "四川省科协",
        "review_comment": "商业推广内容不属于资源库收录范围。",
    },
]
