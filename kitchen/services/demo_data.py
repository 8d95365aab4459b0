"""The demo library: organisations, accounts, the plan's campaigns, and Chinese stories."""

from __future__ import annotations

DEMO_PASSWORD = "kitchen-demo-2026"

ORGS: list[tuple[str, str, str]] = [
    ("中国科协宣传中心", "centre", "北京"),
    ("中国计算机学会", "national_society", "全国"),
    ("中国农学会", "national_society", "全国"),
    ("北京市科学技术协会", "provincial", "北京"),
    ("四川省科学技术协会", "provincial", "四川"),
    ("成都市科学技术协会", "city", "四川成都"),
    ("科技日报社", "media", "北京"),
]

# (email, display name, role, organisation)
USERS: list[tuple[str, str, str, str | None]] = [
    ("contributor@kitchen.example.com", "张伟（北京市科协）", "contributor", "北京市科学技术协会"),
    ("sichuan@kitchen.example.com", "李娜（四川省科协）", "contributor", "四川省科学技术协会"),
    ("ccf@kitchen.example.com", "钱程（中国计算机学会）", "contributor", "中国计算机学会"),
    ("curator@kitchen.example.com", "王编辑", "curator", "中国科协宣传中心"),
    ("journalist@kitchen.example.com", "刘记者（科技日报）", "journalist", "科技日报社"),
    ("admin@kitchen.example.com", "系统管理员", "admin", "中国科协宣传中心"),
]

# (slug, name, description, start, end, open)
CAMPAIGNS: list[tuple[str, str, str, str | None, str | None, bool]] = [
    (
        "xiaokang",
        "决胜全面小康 奋斗有我",
        "讲述科技工作者在全面建成小康社会中的奋斗故事。",
        "2020-01-01",
        "2020-12-31",
        False,
    ),
    (
        "zuimei",
        "最美科技工作者",
        "推选和宣传最美科技工作者的先进事迹。",
        "2026-03-01",
        "2026-06-30",
        True,
    ),
    (
        "kjgzz-day",
        "科技工作者日",
        "5月30日全国科技工作者日，全年宣传高峰。",
        "2026-05-01",
        "2026-06-15",
        True,
    ),
    (
        "wxxd",
        "我心向党",
        "庆祝建党百年，科技工作者心向党的故事。",
        "2021-03-01",
        "2021-07-31",
        False,
    ),
    (
        "jingjian",
        "镜见创新:发现科学之美",
        "摄影征集：用镜头发现科学之美。",
        "2026-04-01",
        "2026-10-31",
        True,
    ),
    (
        "dangling",
        "党领导下的中国科学家",
        "摄影征集：党领导下的中国科学家群像。",
        "2021-04-01",
        "2021-09-30",
        False,
    ),
    (
        "ouxiang",
        "科学也偶像",
        "短视频征集：让科学家成为青少年心中的偶像。",
        "2026-06-01",
        "2026-12-31",
        True,
    ),
    (
        "zhanyi",
        '科协人战"疫"时刻',
        "记录科协系统抗击疫情的感人瞬间。",
        "2020-02-01",
        "2020-06-30",
        False,
    ),
    (
        "sanzhang",
        '基层"三长"在行动',
        "基层医院院长、学校校长、农技站站长的行动。",
        "2020-02-01",
        "2020-12-31",
        False,
    ),
    ("dianxing", "典型事、身边人", "身边的典型人物和典型事迹。", "2020-02-01", "2020-12-31", False),
    ("jiluzhe", "记录者", "记录抗疫一线的摄影与文字作品。", "2020-02-01", "2020-12-31", False),
    (
        "kxjjs",
        "科学家精神",
        "弘扬爱国、创新、求实、奉献、协同、育人的科学家精神。",
        "2026-01-01",
        None,
        True,
    ),
    ("fupin", "定点扶贫", "科技助力定点扶贫县脱贫攻坚和乡村振兴。", "2026-01-01", None, True),
    (
        "nianhui",
        "中国科协年会",
        "中国科协年会的会议报道与人物访谈。",
        "2026-07-01",
        "2026-07-31",
        True,
    ),
    ("shuangchuang", "双创周", "全国大众创业万众创新活动周。", "2026-10-01", "2026-10-31", True),
    ("kepu-day", "全国科普日", "全国科普日活动的现场与故事。", "2026-09-01", "2026-09-30", True),
]

# 科技人物: what the centre recorded about the people the demo items name, and two experts of
# one name told apart by their affiliation. "match" is the bracketed note the item gave.
PEOPLE: list[dict[str, object]] = [
    {
        "name": "陈立新",
        "match": "中国科学院院士",
        "other_names": "Chen Lixin",
        "affiliation": "中国科学院金属研究所",
        "disciplines": ["materials"],
        "honours": "中国科学院院士、最美科技工作者",
        "region": "北京",
        "bio": "材料科学家，长期从事高性能结构材料研究，八十岁仍坚持每天进实验室带青年团队。",
        "consent_featured": True,
        "contact": "院士办公室 010-6255 0101（秘书 周老师）",
        "is_expert": True,
        "media_contact_ok": True,
    },
    {
        "name": "林晓雨",
        "match": "航天工程师、科普博主",
        "other_names": "Lin Xiaoyu",
        "affiliation": "中国航天科技集团",
        "disciplines": ["aerospace", "popularization"],
        "honours": "科普中国专家",
        "region": "北京",
        "bio": "航天工程师，业余做科普短视频，讲火箭与卫星背后的科学。",
        "consent_featured": True,
        "contact": "linxiaoyu@example.com",
        "is_expert": True,
        "media_contact_ok": True,
    },
    {
        "name": "杨建国",
        "match": "四川省农业科学院研究员",
        "affiliation": "四川省农业科学院",
        "disciplines": ["agriculture"],
        "region": "四川",
        "consent_featured": True,
    },
    {
        "name": "扎西",
        "match": "气象观测员",
        "disciplines": ["meteorology"],
        "region": "四川",
        "bio": "高原气象站观测员，二十年每天八次记录数据。",
    },
    {
        "name": "王建国",
        "title": "首席预报员",
        "affiliation": "中国气象局国家气象中心",
        "disciplines": ["meteorology"],
        "keywords": "台风、暴雨预报",
        "region": "北京",
        "bio": "国家气象中心首席预报员，常为媒体解读台风和暴雨。",
        "consent_featured": True,
        "contact": "国家气象中心宣传科 010-6840 0000",
        "is_expert": True,
        "media_contact_ok": True,
    },
    {
        "name": "王建国",
        "title": "教授",
        "affiliation": "北京大学物理学院",
        "disciplines": ["physics"],
        "region": "北京",
    },
]
