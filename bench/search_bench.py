"""Benchmark kitchen's search backends (and a naive Whoosh + jieba baseline) on one corpus.

    .venv/bin/python bench/search_bench.py --n 50000 --queries 200 [--skip-baseline]
        [--backend whoosh,postgresql]

--backend postgresql starts a throwaway PostgreSQL server (tests/support/postgres.py) and
measures the PostgreSQL backend in it: index docs/s, table + index size on disk, queries.

Generates N synthetic Chinese stories (titles ~17 characters, bodies ~1,450), writes them to a
pickle stream, then indexes them in a child process per engine (streaming from the file, like a
database cursor) and measures docs/s and peak memory of that process tree, sampled from /proc.
Queries (1-3 words) run plain, with a campaign filter, and with facet counts.
Results are printed and written to docs/search-benchmark.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import pickle
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kitchen.search import SearchDocument, SearchQuery  # noqa: E402

# Documents carry their organisation's name (indexed by pinyin) where the code has the field:
# the same script measures a checkout from before it.
ORGANIZATION_NAMED = "organization_name" in SearchDocument.__dataclass_fields__


def _words(text: str) -> list[str]:
    """Split a space-separated vocabulary string."""
    return text.split()


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
    "华玉萍红玲芬燕彬鹏辉建国志宏晓东海波宁峰浩欣怡梓涵子轩"
)
PROVINCES = _words(
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 "
    "湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 "
)
SOCIETIES = _words(
    "中国化学会 中国物理学会 中国数学会 中国农学会 中华医学会 中国地质学会 中国气象学会 "
    "中国电子学会 中国计算机学会 中国自动化学会 中国机械工程学会 中国土木工程学会 中国林学会 "
    "中国药学会 中国科普作家协会 中国天文学会 中国海洋学会 中国植物保护学会 "
)
ORGANIZATIONS = SOCIETIES + [f"{p}省科协" for p in PROVINCES[3:25]]
CAMPAIGNS = _words(
    "xiaokang-fendou zuimei-keji keji-gongzuozhe-ri woxin-xiangdang jingjian-chuangxin "
    "dang-lingdao-kexuejia kexue-ye-ouxiang kexieren-zhanyi sanzhang-xingdong "
    "dianxing-shenbianren jiluzhe kexuejia-jingshen dingdian-fupin kexie-nianhui kepu-ri "
)
KINDS = ["lead", "story", "photo", "video", "product"]
SUBJECTS = _words(
    "科学家 科技工作者 院士 青年科学家 基层科技人员 科普志愿者 农业专家 医务工作者 工程师 "
    "研究团队 科研人员 女科学家 老一辈科学家 博士生 乡村教师 技术骨干 创新团队 党员专家 "
    "科技特派员 驻村第一书记 气象工作者 地质队员 护士长 中学老师 "
)
VERBS = _words(
    "弘扬 践行 传承 坚守 投身 服务 助力 推动 深耕 扎根 攻克 带领 组织 开展 参与 探索 推进 聚焦 "
    "引领 支持 奉献 守护 "
)
TOPICS = {
    "fupin": _words(
        "脱贫攻坚 定点扶贫 精准扶贫 贫困户 产业扶贫 易地搬迁 扶贫车间 脱贫摘帽 小康 增收致富 "
        "帮扶 对口支援 "
    ),
    "kangyi": _words(
        "抗疫 疫情防控 新冠肺炎 核酸检测 疫苗研发 方舱医院 逆行者 隔离病房 医疗队 防控一线 "
        "流行病学 口罩 "
    ),
    "xiangcun": _words(
        "乡村振兴 科技小院 种业振兴 高标准农田 农技推广 特色产业 合作社 电商直播 农村人居环境 "
        "智慧农业 良种 丰收 "
    ),
    "kepu": _words(
        "科普 科学普及 科普日 科技馆 科普讲座 全民科学素质 科学实验 青少年科技创新 科普作品 "
        "应急科普 天文观测 科学营 "
    ),
    "jingshen": _words(
        "科学家精神 爱国精神 创新精神 求实精神 奉献精神 协同精神 育人精神 胸怀祖国 服务人民 "
        "甘为人梯 淡泊名利 潜心研究 "
    ),
    "chuangxin": _words(
        "科技创新 关键核心技术 卡脖子 原始创新 成果转化 创新驱动发展战略 高新技术企业 专利 "
        "重点实验室 国家重点研发计划 自主可控 产学研 "
    ),
    "dangjian": _words(
        "党建 党组织 党员 我心向党 不忘初心 牢记使命 党史学习教育 党的领导 红色基因 建党百年 "
        "先锋模范 战斗堡垒 "
    ),
    "qingnian": _words(
        "青年 青年人才 青年科技奖 博士后 实验室 导师 学术论文 奖学金 创业 毕业生 科研梦想 后浪 "
    ),
    "shengtai": _words(
        "生态保护 碳达峰 碳中和 新能源 光伏 风电 节能减排 生物多样性 湿地 荒漠化 绿色发展 水土保持 "
    ),
    "shuzi": _words(
        "人工智能 大数据 云计算 集成电路 芯片 5G 区块链 工业互联网 数字经济 机器人 算法 量子计算 "
    ),
    "haiyang": _words(
        "深海探测 蛟龙号 极地科考 南极 北极 海洋观测 远洋 科考船 海底 潜水器 冰川 气候变化 "
    ),
    "yiliao": _words(
        "健康中国 基层医疗 远程诊断 中医药 慢性病 公共卫生 医学研究 临床试验 手术 罕见病 "
        "家庭医生 义诊 "
    ),
}
PLACES = _words(
    "实验室 田间地头 村卫生室 中小学课堂 科技馆 工厂车间 野外台站 高原牧区 海岛渔村 山区学校 "
    "社区 医院 高新区 农业园区 研究所 边境口岸 "
)
TEMPLATES = [
    "{s}{v}{t}，在{p}默默奉献",
    "多年来，{n}带领团队{v}{t}",
    "他们以实际行动诠释了{t}的内涵",
    "{n}说：“科技工作者要把论文写在祖国大地上。”",
    "在{prov}的{p}，{s}{v}{t}",
    "这支队伍先后获得多项国家级奖励，为{t}作出了重要贡献",
    "{t}和{t2}是当地工作的重点",
    "青年科技人才在{t}中挑大梁、当主角",
    "{n}院士多次深入{p}调研指导{t}工作",
    "{s}把{t}的经验送到群众身边",
    "截至{y}年底，累计开展{t}活动{k}场，惠及{k2}万人次",
    "围绕{t}，学会组织专家开展技术培训和咨询服务",
    "{n}从事{t}研究已有{k}年",
    "当地群众亲切地称{n}为“泥腿子专家”",
    "该成果发表在Nature和Science等国际期刊上",
    "项目采用AI和5G技术，提升了{t}的效率",
    "{prov}科协把{t}列为年度重点任务",
    "面对困难，{s}没有退缩，而是{v}{t}",
    "记者在{p}见到{n}时，他正忙着{t}",
    "从{t}到{t2}，{n}的足迹遍布{prov}",
    "{y}年，{n}被评为“最美科技工作者”",
]


def person(rng: random.Random) -> str:
    """A random Chinese name."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def sentence(rng: random.Random, topics: list[str]) -> str:
    """One sentence of 1-3 clauses about the document's topics."""
    clauses = []
    for _ in range(rng.randint(1, 3)):
        words = TOPICS[rng.choice(topics)]
        clauses.append(
            rng.choice(TEMPLATES).format(
                s=rng.choice(SUBJECTS),
                v=rng.choice(VERBS),
                t=rng.choice(words),
                t2=rng.choice(words),
                p=rng.choice(PLACES),
                n=person(rng),
                prov=rng.choice(PROVINCES),
                y=rng.randint(2015, 2025),
                k=rng.randint(2, 60),
                k2=rng.randint(1, 99),
            )
        )
    return "，".join(clauses) + "。"


def paragraph(rng: random.Random, topics: list[str], length: int) -> str:
    """Sentences until about `length` characters."""
    parts, total = [], 0
    while total < length:
        parts.append(sentence(rng, topics))
        total += len(parts[-1])
    return "".join(parts)


def make_document(seed: int, number: int) -> SearchDocument:
    """Document `number` of the corpus (deterministic)."""
    rng = random.Random(seed * 1_000_003 + number)
    topics = rng.sample(sorted(TOPICS), rng.choice([2, 3, 3]))
    name, main = person(rng), rng.choice(TOPICS[topics[0]])
    prov, subject, verb = rng.choice(PROVINCES), rng.choice(SUBJECTS), rng.choice(VERBS)
    title = rng.choice(
        [
            f"{prov}{name}：{verb}{main}的{subject}",
            f"{prov}{subject}{name}{verb}{main}纪实",
            f"记{prov}{subject}{name}的{main}之路",
        ]
    )
    created = datetime(rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28), 9)
    approved = rng.random() < 0.8
    organization = rng.choice(ORGANIZATIONS)
    named = {"organization_name": organization} if ORGANIZATION_NAMED else {}
    return SearchDocument(
        id=number,
        kind=rng.choice(KINDS),
        title=title,
        summary=paragraph(rng, topics, 80),
        body=paragraph(rng, topics, 1400),
        people="、".join(person(rng) for _ in range(2)),
        keywords=" ".join(rng.sample(TOPICS[topics[0]], 3)),
        place=rng.choice(PROVINCES),
        campaigns=rng.sample(CAMPAIGNS, rng.choice([0, 1, 1, 1, 2, 2, 3])),
        organization=organization,
        status="approved" if approved else rng.choice(["draft", "submitted", "rejected"]),
        event_date=created.date(),
        approved_at=created + timedelta(days=3) if approved else None,
        created_at=created,
        **named,
    )


def query_texts(count: int, seed: int = 7) -> list[str]:
    """`count` queries of 1-3 words, as a journalist would combine them: one topic's words, the
    people they are about, now and then a single character."""
    rng = random.Random(seed)
    queries = []
    for _ in range(count):
        pool = TOPICS[rng.choice(sorted(TOPICS))] + SUBJECTS[:8] + ["党", "科", "创新"]
        queries.append(" ".join(rng.sample(pool, rng.choice([1, 1, 2, 2, 3]))))
    return queries


# Corpus file ------------------------------------------------------------------------------------


def write_corpus(path: Path, count: int, seed: int) -> None:
    """Write the corpus as a stream of pickled documents."""
    with open(path, "wb") as handle:
        for number in range(1, count + 1):
            pickle.dump(make_document(seed, number), handle, protocol=pickle.HIGHEST_PROTOCOL)


def read_corpus(path: Path) -> Iterator[SearchDocument]:
    """Stream documents back, as a database cursor would."""
    with open(path, "rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:
                return


# Indexing, each engine in its own process tree ----------------------------------------------


def index_ours(corpus: str, folder: str) -> None:
    """Child process: kitchen's bulk rebuild."""
    from kitchen.search.whoosh_backend import WhooshBackend

    WhooshBackend(Path(folder)).rebuild(read_corpus(Path(corpus)))


def index_postgres(corpus: str, url: str) -> None:
    """Child process: the PostgreSQL backend's rebuild."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from kitchen.search.pg_backend import PostgresBackend

    session = Session(create_engine(url))
    PostgresBackend(session).rebuild(read_corpus(Path(corpus)))
    session.close()


def postgres_size_mb(url: str) -> float:
    """The PostgreSQL backend's table, its TOAST and its indexes on disk, after VACUUM ANALYZE."""
    from sqlalchemy import create_engine, text

    from kitchen.search.pg_backend import table_name

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"VACUUM ANALYZE {table_name()}"))
        size = connection.scalar(text(f"SELECT pg_total_relation_size('{table_name()}')"))
    engine.dispose()
    return int(size) / 2**20


def folder_size_mb(folder: Path) -> float:
    """Bytes of the files under a folder, in MB."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def baseline_schema():
    """Whoosh with jieba's own ChineseAnalyzer on every text field, facets as plain ID fields."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields

    text = {name: fields.TEXT(analyzer=ChineseAnalyzer()) for name in TEXT_FIELDS}
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        campaign=fields.KEYWORD(stored=True),
        kind=fields.ID(stored=True),
        organization=fields.ID(stored=True),
        year=fields.ID(stored=True),
        status=fields.ID(stored=True),
        title_stored=fields.STORED(),
        **text,
    )


TEXT_FIELDS = ("title", "summary", "body", "people", "keywords", "place")


def index_baseline(corpus: str, folder: str) -> None:
    """Child process: Whoosh's default writer, no tuning."""
    from whoosh import index

    Path(folder).mkdir(parents=True, exist_ok=True)
    ix = index.create_in(folder, baseline_schema())
    writer = ix.writer()
    for doc in read_corpus(Path(corpus)):
        when = doc.event_date or doc.created_at
        writer.add_document(
            id=str(doc.id),
            campaign=" ".join(doc.campaigns),
            kind=doc.kind,
            organization=doc.organization,
            year=str(when.year),
            status=doc.status,
            title_stored=doc.title,
            **{name: getattr(doc, name) for name in TEXT_FIELDS},
        )
    writer.commit()


def memory_tree_kb(root: int) -> int:
    """Memory of a process and all its descendants: the sum of their proportional set sizes
    (PSS, from /proc/PID/smaps_rollup), so pages shared by the processes count once."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def measure_indexing(target, corpus: Path, folder: Path | str, count: int) -> dict[str, float]:
    """Run an indexing child; return docs/s and peak memory of its process tree (MB)."""
    process = multiprocessing.get_context("spawn").Process(
        target=target, args=(str(corpus), str(folder))
    )
    peak = [0]
    started = time.perf_counter()
    process.start()

    def sample() -> None:
        """Poll the tree's memory until the child exits."""
        while process.is_alive():
            peak[0] = max(peak[0], memory_tree_kb(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.join()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.exitcode != 0:
        raise RuntimeError(f"indexing child failed with exit code {process.exitcode}")
    return {"docs_per_s": count / elapsed, "seconds": elapsed, "peak_mb": peak[0] / 1024}


# Queries ----------------------------------------------------------------------------------------

MODES = ("plain", "campaign", "facets")
WARM_UP = 20  # queries run once before measuring, for either engine


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def query_ours(folder: Path, queries: list[str]) -> dict[str, tuple[float, float, float]]:
    """p50/p95 (ms) and median total per mode, kitchen's Whoosh backend (hits highlighted)."""
    from kitchen.search import whoosh_backend
    from kitchen.search.whoosh_backend import WhooshBackend

    whoosh_backend.RESULTS_KEPT = 0  # time the engine, not the answers a searcher keeps
    return query_backend(WhooshBackend(folder), queries)


def query_postgres(url: str, queries: list[str]) -> dict[str, tuple[float, float, float]]:
    """The same on the PostgreSQL backend, with the estimate's error for capped facets."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from kitchen.search.pg_backend import PostgresBackend

    session = Session(create_engine(url))
    backend = PostgresBackend(session)
    results = query_backend(backend, queries)
    results["error"] = estimate_error(backend, queries)
    session.close()
    return results


def estimate_error(backend, queries: list[str]) -> tuple[float, float, float]:
    """How far the estimated facet counts are from the exact ones, over the queries whose facets
    were estimated: the median and the largest relative error of the counts of values holding at
    least 1% of the hits, and the largest count (as a share of the hits) the estimate missed."""
    from kitchen.search import pg_backend

    errors: list[float] = []
    missed = 0.0
    for text in queries:
        query = SearchQuery(text=text, facets=True)
        estimated = backend.search(query)
        if not estimated.facets_estimated:
            continue
        cap, pg_backend.FACET_CAP = pg_backend.FACET_CAP, 10**12
        try:
            exact = backend.search(query)
        finally:
            pg_backend.FACET_CAP = cap
        for name, counts in exact.facets.items():
            for value, n in counts.items():
                guess = estimated.facets[name].get(value, 0)
                if n >= exact.total / 100:
                    errors.append(abs(guess - n) / n)
                if not guess:
                    missed = max(missed, n / exact.total)
    if not errors:
        return (0.0, 0.0, 0.0)
    return (statistics.median(errors), max(errors), missed)


def query_backend(backend, queries: list[str]) -> dict[str, tuple[float, float, float]]:
    """p50/p95 (ms) and median total per mode on a SearchBackend (hits highlighted)."""
    for text in queries[:WARM_UP]:  # a worker that has served a few requests
        backend.search(SearchQuery(text=text))
    results: dict[str, tuple[float, float, float]] = {}
    estimated = 0
    for mode in MODES:
        times, totals = [], []
        for number, text in enumerate(queries):
            query = SearchQuery(
                text=text,
                facets=mode == "facets",
                filters={"campaign": CAMPAIGNS[number % len(CAMPAIGNS)]}
                if mode == "campaign"
                else {},
            )
            started = time.perf_counter()
            found = backend.search(query)
            times.append((time.perf_counter() - started) * 1000)
            totals.append(found.total)
            estimated += mode == "facets" and found.facets_estimated
        results[mode] = (*percentiles(times), statistics.median(totals))
        if mode == "plain":
            results["hits"] = (*percentiles(totals), 0.0)
    results["estimated"] = (estimated, len(queries), 0.0)
    return results


def query_baseline(folder: Path, queries: list[str]) -> dict[str, tuple[float, float, float]]:
    """The same with Whoosh's query parser (AND), filter and groupedby facets."""
    from whoosh import index, query, sorting
    from whoosh.qparser import AndGroup, MultifieldParser

    ix = index.open_dir(str(folder))
    parser = MultifieldParser(list(TEXT_FIELDS), ix.schema, group=AndGroup)
    facets = {
        name: sorting.FieldFacet(name) for name in ("campaign", "kind", "organization", "year")
    }
    results = {}
    with ix.searcher() as searcher:
        for text in queries[:WARM_UP]:
            searcher.search(parser.parse(text), limit=20)
        for mode in MODES:
            times, totals = [], []
            for number, text in enumerate(queries):
                parsed = parser.parse(text)
                options = {}
                if mode == "campaign":
                    options["filter"] = query.Term("campaign", CAMPAIGNS[number % len(CAMPAIGNS)])
                if mode == "facets":
                    options["groupedby"] = facets
                started = time.perf_counter()
                found = searcher.search(parsed, limit=20, **options)
                totals.append(len(found))
                if mode == "facets":
                    {name: found.groups(name) for name in facets}
                [hit["title_stored"] for hit in found]
                times.append((time.perf_counter() - started) * 1000)
            results[mode] = (*percentiles(times), statistics.median(totals))
    return results


# Report -----------------------------------------------------------------------------------------


def table(count: int, rows: dict[str, dict]) -> str:
    """The results as a Markdown table."""
    lines = [
        f"| engine ({count:,} docs) | index docs/s | index peak MB | on disk MB "
        "| plain p50 / p95 ms | campaign p50 / p95 ms | facets p50 / p95 ms | hits p50 / p95 "
        "| facets estimated | estimate error median / max (missed) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        q = row["queries"]
        estimated = q.get("estimated")
        lines.append(
            f"| {name} | {row['docs_per_s']:.0f} | {row['peak_mb']:.0f} "
            f"| {row.get('disk_mb', 0):.0f} "
            + "".join(f"| {q[m][0]:.1f} / {q[m][1]:.1f} " for m in MODES)
            + f"| {q['plain'][2]:.0f}"
            + (f" / {q['hits'][1]:.0f} " if "hits" in q else " ")
            + (f"| {estimated[0]:.0f} of {estimated[1]:.0f} " if estimated else "| - ")
            + (
                f"| {error[0]:.1%} / {error[1]:.1%} ({error[2]:.2%}) |"
                if (error := q.get("error")) and estimated and estimated[0]
                else "| - |"
            )
        )
    return "\n".join(lines)


def main() -> None:
    """Generate, index, query, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--backend", default="whoosh", help="whoosh, postgresql or both: a,b")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "search-benchmark.md")
    args = parser.parse_args()
    queries = query_texts(args.queries)
    backends = [b.strip() for b in args.backend.split(",") if b.strip()]
    engines = {}
    if "whoosh" in backends:
        engines["kitchen Whoosh (bigrams + rjieba, bulk segments)"] = index_ours
    if "postgresql" in backends:
        engines["kitchen PostgreSQL (1-4-gram lexemes, GIN)"] = index_postgres
    if not args.skip_baseline:
        engines["naive (Whoosh default writer, jieba ChineseAnalyzer)"] = index_baseline
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp, ExitStack() as stack:
        corpus = Path(tmp) / "corpus.pickle"
        started = time.perf_counter()
        write_corpus(corpus, args.n, args.seed)
        print(f"corpus: {args.n:,} documents in {time.perf_counter() - started:.0f} s", flush=True)
        rows = {}
        for number, (name, target) in enumerate(engines.items()):
            if target is index_postgres:
                from tests.support.postgres import postgres_server

                where = stack.enter_context(postgres_server())
                row = measure_indexing(target, corpus, where, args.n)
                row["disk_mb"] = postgres_size_mb(where)
            else:
                where = Path(tmp) / f"index-{number}"
                row = measure_indexing(target, corpus, where, args.n)
                row["disk_mb"] = folder_size_mb(where)
            print(
                f"{name}: {row['docs_per_s']:.0f} docs/s, peak {row['peak_mb']:.0f} MB, "
                f"{row['disk_mb']:.0f} MB on disk",
                flush=True,
            )
            runners = {index_ours: query_ours, index_postgres: query_postgres}
            row["queries"] = runners.get(target, query_baseline)(where, queries)
            print(f"{name}: {row['queries']}", flush=True)
            rows[name] = row
    report = table(args.n, rows)
    print(report)
    write_report(args, report)


def write_report(args: argparse.Namespace, report: str) -> None:
    """Write the table with the conditions it was measured under."""
    args.output.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    args.output.write_text(
        f"# Search benchmark\n\nMeasured {stamp} with `bench/search_bench.py --n {args.n} "
        f"--queries {args.queries}` on a {multiprocessing.cpu_count()}-core machine, Python "
        f"{sys.version.split()[0]} (load average at the end: {load}).\n\n"
        "- Indexing runs in a child process tree that streams the corpus from a file, as from a "
        "database cursor; docs/s counts from process start to exit.\n"
        "- Peak MB is the largest sum, over that tree, of the processes' proportional set size "
        "(PSS: shared pages counted once), sampled every 50 ms.\n"
        f"- Queries: 1-3 words, top 20, after {WARM_UP} warm-up queries; kitchen's times include "
        "highlighting the 20 hits. Facets: the naive engine groups by campaign, kind, "
        "organisation and year; kitchen counts those and status.\n"
        "- PostgreSQL: a throwaway server (fsync off) on the same machine; its memory is not in "
        "the peak (a separate process tree); on disk = table + TOAST + indexes after VACUUM. "
        "Facets estimated: queries whose facet counts were estimated (over the cap of hits).\n\n"
        f"{report}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
