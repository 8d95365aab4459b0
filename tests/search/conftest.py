"""Fixtures for the search tests: a generated Chinese corpus and indexed backends."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from kitchen.search import SearchBackend, SearchDocument
from kitchen.search.pg_backend import META_TABLE, PostgresBackend, table_name
from kitchen.search.whoosh_backend import WhooshBackend
from tests.conftest import USE_POSTGRES
from tests.support.postgres import find_bin_dir, postgres_server

TEXT_FIELDS = ("title", "summary", "body", "people", "keywords", "place")
CAMPAIGNS = ["kexuejia-jingshen", "dingdian-fupin", "kepu-ri", "woxin-xiangdang", "zuimei-keji"]
ORGANIZATIONS = ["中国化学会", "中华医学会", "四川省科协", "浙江省科协", "中国农学会", "贵州省科协"]
KINDS = ["lead", "story", "photo", "video", "product"]
STATUSES = ["approved"] * 6 + ["draft", "submitted", "rejected", "changes_requested"]
# Phrases chosen so that jieba cuts the same letters differently in different contexts:
# 科技工作者 / 科技工作 / 工作者; 科学家 / 文学家 / 化学家; 科学 / 学家; 精神 / 神经.
PHRASES = [
    "科学家精神",
    "科技工作者",
    "脱贫攻坚",
    "科普",
    "党的领导",
    "创新驱动",
    "抗疫一线",
    "院士",
    "青年科学家",
    "乡村振兴",
    "文学家",
    "化学家的实验",
    "科技工作会议",
    "工作者之家",
    "科学普及",
    "党员",
    "政党",
    "神经科学",
    "精神面貌",
    "攻坚克难",
    "脱贫致富",
    "基层科技人员",
    "老一辈",
    "科学技术协会",
    "学家风范",
    "家精心",
    "工作",
    "作者",
    "定点扶贫",
    "科技馆",
    "中国科学家",
]
FILLERS = ["在", "的", "和", "为", "把", "让", "，", "。", "、", "：", "“", "”", "（", "）", " "]
LATIN = ["AI", "5G", "Nature", "Science", "COVID-19", "open science", "ＡＩ", "Open", "said"]
SURNAMES = "王李张刘陈杨黄赵周吴"
GIVEN = "伟芳敏静强磊军洋勇艳杰娟"


def _text(rng: random.Random, pieces: int) -> str:
    parts = []
    for _ in range(pieces):
        roll = rng.random()
        if roll < 0.55:
            parts.append(rng.choice(PHRASES))
        elif roll < 0.92:
            parts.append(rng.choice(FILLERS))
        else:
            parts.append(rng.choice(LATIN))
    return "".join(parts)


def make_document(rng: random.Random, number: int) -> SearchDocument:
    """One generated document; everything varies so facets and filters have something to do."""
    created = datetime(rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28), 10)
    status = rng.choice(STATUSES)
    return SearchDocument(
        id=number,
        kind=rng.choice(KINDS),
        title=_text(rng, rng.randint(3, 7)),
        summary=_text(rng, rng.randint(5, 12)),
        body=_text(rng, rng.randint(20, 80)),
        people="、".join(rng.choice(SURNAMES) + rng.choice(GIVEN) for _ in range(2)),
        keywords=" ".join(rng.sample(PHRASES, 2)),
        place=rng.choice(["北京", "四川成都", "浙江杭州", "贵州毕节"]),
        campaigns=rng.sample(CAMPAIGNS, rng.choice([0, 1, 1, 2, 3])),
        organization=rng.choice(ORGANIZATIONS),
        status=status,
        event_date=created.date() if rng.random() < 0.7 else None,
        approved_at=created + timedelta(days=2) if status == "approved" else None,
        created_at=created,
        thumb_file_id=number,
        languages=["zh", *rng.sample(["en", "fr"], rng.choice([0, 0, 1, 2]))],
    )


def make_corpus(count: int, seed: int = 20240530) -> list[SearchDocument]:
    """A reproducible corpus of `count` documents with ids 1..count."""
    rng = random.Random(seed)
    return [make_document(rng, number) for number in range(1, count + 1)]


def contains(doc: SearchDocument, word: str) -> bool:
    """The reference: does any searchable field contain the word (case-folded)?"""
    word = word.lower()
    return any(word in (getattr(doc, name) or "").lower() for name in TEXT_FIELDS)


def document_year(doc: SearchDocument) -> str:
    """The year facet value the backend files a document under."""
    return str((doc.event_date or doc.approved_at or doc.created_at).year)


@pytest.fixture(scope="session")
def corpus() -> list[SearchDocument]:
    """600 generated documents."""
    return make_corpus(600)


BACKENDS = ("whoosh", "postgresql")
_tables = itertools.count(1)


@pytest.fixture(scope="session")
def search_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The PostgreSQL server the PostgreSQL backend's tables live in: the run's own database
    on a PostgreSQL run, else a throwaway server started for the search tests."""
    if USE_POSTGRES:
        engine = create_engine(request.getfixturevalue("database_url"))
        yield engine
        engine.dispose()
        return
    if find_bin_dir() is None:
        pytest.skip("PostgreSQL server binaries (initdb) are not installed on this machine")
    with postgres_server() as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


class BackendMaker:
    """Opens backends of one kind; the same name opens the same index (another process's
    view of it, for the PostgreSQL backend a session of its own)."""

    def __init__(self, kind: str, folder: Path, request: pytest.FixtureRequest) -> None:
        self.kind, self.folder, self.request = kind, folder, request
        self.token = next(_tables)
        self.sessions: list[Session] = []
        self.prefixes: set[str] = set()

    def __call__(self, name: str = "index") -> SearchBackend:
        if self.kind == "whoosh":
            return WhooshBackend(self.folder / name, procs=1)
        engine: Engine = self.request.getfixturevalue("search_engine")
        session = Session(engine)
        self.sessions.append(session)
        prefix = f"search_t{self.token}_{name}"
        self.prefixes.add(prefix)
        return PostgresBackend(session, prefix=prefix)

    def close(self) -> None:
        """Close the sessions and drop the tables (PostgreSQL)."""
        for session in self.sessions:
            session.rollback()
            session.close()
        if self.prefixes:
            engine: Engine = self.request.getfixturevalue("search_engine")
            with engine.begin() as connection:
                for prefix in self.prefixes:
                    table = table_name(prefix)
                    connection.execute(text(f"DROP TABLE IF EXISTS {table}, {table}_removed"))
                    if connection.scalar(text("SELECT to_regclass(:m)"), {"m": META_TABLE}):
                        connection.execute(
                            text(f"DELETE FROM {META_TABLE} WHERE name = :t"), {"t": table}
                        )


def commit(backend: SearchBackend) -> None:
    """Make a backend's writes visible to others (the PostgreSQL backend's join the caller's
    transaction; Whoosh commits every write)."""
    if isinstance(backend, PostgresBackend):
        backend.session.commit()


@pytest.fixture(params=BACKENDS)
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BackendMaker]:
    """Opens empty backends of the test's own, once per backend kind."""
    maker = BackendMaker(request.param, tmp_path, request)
    yield maker
    maker.close()


@pytest.fixture()
def backend(make_backend: BackendMaker) -> SearchBackend:
    """An empty backend of the test's own (each kind in turn)."""
    return make_backend()


@pytest.fixture()
def whoosh_backend(tmp_path: Path) -> WhooshBackend:
    """An empty Whoosh backend (tests of Whoosh's own segments and generations)."""
    return WhooshBackend(tmp_path / "index", procs=1)


@pytest.fixture(scope="session", params=BACKENDS)
def indexed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, corpus
) -> Iterator[SearchBackend]:
    """A backend with the corpus indexed by rebuild (shared: tests must not modify it)."""
    maker = BackendMaker(request.param, tmp_path_factory.mktemp("search"), request)
    backend = maker()
    backend.rebuild(corpus)
    yield backend
    maker.close()


@pytest.fixture(scope="session")
def whoosh_indexed(tmp_path_factory: pytest.TempPathFactory, corpus) -> WhooshBackend:
    """The corpus in a Whoosh backend (tests comparing with Whoosh's own query engine)."""
    backend = WhooshBackend(tmp_path_factory.mktemp("whoosh") / "index", procs=1)
    backend.rebuild(corpus)
    return backend


def simple_document(number: int, body: str, **overrides) -> SearchDocument:
    """A small document for update/remove/visibility tests."""
    values = {
        "id": number,
        "kind": "story",
        "title": f"标题{number}",
        "summary": "",
        "body": body,
        "people": "",
        "keywords": "",
        "place": "",
        "campaigns": [],
        "organization": "中国化学会",
        "status": "approved",
        "event_date": date(2024, 5, 30),
        "approved_at": None,
        "created_at": datetime(2024, 5, 1, 12),
    }
    values.update(overrides)
    return SearchDocument(**values)
