"""The migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import Connection, MetaData, Table, create_engine, insert, inspect, text

from kitchen import create_app, people_names
from kitchen.models import Base
from tests.conftest import USE_POSTGRES, make_config

if TYPE_CHECKING:
    from config import TestConfig

BEFORE_PEOPLE = "cd64237416cf"  # the revision before 科技人物 made records of free-text people
BEFORE_DESK = "40065a7cc587"  # the revision before selections became collections


def _database(tmp_path: Path, name: str) -> str:
    """An empty database of this run's kind (on PostgreSQL, a new one on the run's server)."""
    if not USE_POSTGRES:
        return f"sqlite:///{tmp_path / f'{name}.sqlite'}"
    from kitchen.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    return db.engine.url.set(database=name).render_as_string(hide_password=False)


def _schema_diff(url: str) -> list[object]:
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    return list(diff)


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_upgrade_matches_the_models(tmp_path: Path, app: Flask) -> None:
    url = _database(tmp_path, "kitchen_migrations")
    migrated = create_app(_config(tmp_path, url))
    with migrated.app_context():
        upgrade(directory=migrated.extensions["migrate"].directory)
    assert _schema_diff(url) == []


def test_upgrade_downgrade_upgrade_round_trip(tmp_path: Path, app: Flask) -> None:
    url = _database(tmp_path, "kitchen_round_trip")
    migrated = create_app(_config(tmp_path, url))
    directory = migrated.extensions["migrate"].directory
    with migrated.app_context():
        upgrade(directory=directory)
        downgrade(directory=directory, revision="base")
    assert _tables(url) <= {"alembic_version"}  # every table the migrations made is gone
    with migrated.app_context():
        upgrade(directory=directory)
    assert _schema_diff(url) == []


def _config(tmp_path: Path, url: str) -> TestConfig:
    folder = tmp_path / "m"
    folder.mkdir()
    return make_config(folder, url)


def test_people_strings_become_records(tmp_path: Path, app: Flask) -> None:
    """The migration of 科技人物 reads the demo's people strings: each person's name becomes a
    record linked to its item (one per name and note), the rest stays text for the curators'
    list of names not linked; the downgrade puts the names back."""
    from kitchen.services.demo_items import ITEMS

    url = _database(tmp_path, "kitchen_people")
    migrated = create_app(_config(tmp_path, url))
    directory = migrated.extensions["migrate"].directory
    with migrated.app_context():
        upgrade(directory=directory, revision=BEFORE_PEOPLE)
    engine = create_engine(url)
    texts = [str(spec["people"]) for spec in ITEMS]
    with engine.begin() as conn:
        org = _insert(conn, "organization", name="某科协", kind="provincial")
        user = _insert(conn, "user_account", email="a@b.c", role="contributor", organization_id=org)
        for n, people_text in enumerate(texts):
            values = {"title": f"条目{n}", "people": people_text, "kind": "story"}
            _insert(
                conn,
                "item",
                **values,
                status="draft",
                usage_terms="with_credit",
                urgency="normal",
                organization_id=org,
                submitter_id=user,
            )
    with migrated.app_context():
        upgrade(directory=directory)
    with engine.connect() as conn:
        names = sorted(conn.execute(text("SELECT name, title FROM person")).all())
        left = {row[0] for row in conn.execute(text("SELECT people FROM item WHERE people != ''"))}
        links = conn.execute(text("SELECT count(*) FROM item_person")).scalar_one()
    assert ("林晓雨", "航天工程师、科普博主") in names  # two items, one record
    assert [n for n, _t in names].count("林晓雨") == 1
    assert {"陈立新", "杨建国", "王海涛", "吴昊", "郑雪", "扎西", "周建华"} <= {
        n for n, _t in names
    }
    expected_links = sum(
        1 for t in texts for e in people_names.entries(t) if people_names.parse_entry(e)
    )
    assert links == expected_links
    assert left == {"量子计算实验室青年科研团队", "四川科技馆科普辅导员、参观的中小学生"}
    with migrated.app_context():
        downgrade(directory=directory, revision=BEFORE_PEOPLE)
    with engine.connect() as conn:
        back = {
            row[0]
            for row in conn.execute(text("SELECT people FROM item WHERE people LIKE '%陈立新%'"))
        }
    engine.dispose()
    assert back == {"陈立新（中国科学院院士）"}


def test_selections_become_baskets_and_running_calls_are_not_announced_again(
    tmp_path: Path, app: Flask
) -> None:
    """Each user's selection becomes their basket, in the order it was filled; a call already
    running counts as announced, one that ended while open waits for the worker to close it;
    the downgrade gives the baskets back as selections."""
    url = _database(tmp_path, "kitchen_desk")
    migrated = create_app(_config(tmp_path, url))
    directory = migrated.extensions["migrate"].directory
    with migrated.app_context():
        upgrade(directory=directory, revision=BEFORE_DESK)
    engine = create_engine(url)
    with engine.begin() as conn:
        org = _insert(conn, "organization", name="某科协", kind="provincial")
        user = _insert(conn, "user_account", email="a@b.c", role="journalist", organization_id=org)
        items = [
            _insert(
                conn,
                "item",
                title=f"条目{n}",
                kind="story",
                status="approved",
                usage_terms="with_credit",
                urgency="normal",
                organization_id=org,
                submitter_id=user,
            )
            for n in range(3)
        ]
        for n, item_id in enumerate(reversed(items)):
            moment = datetime(2026, 11, 1 + n, tzinfo=UTC)
            _insert(conn, "selection_entry", user_id=user, item_id=item_id, added_at=moment)
        past, running = date(2026, 1, 1), date(2099, 1, 1)
        _insert(
            conn,
            "campaign",
            slug="ended",
            name="已过期",
            starts_on=past,
            ends_on=past,
            is_open=True,
        )
        _insert(
            conn,
            "campaign",
            slug="on",
            name="进行中",
            starts_on=past,
            ends_on=running,
            is_open=True,
        )
    with migrated.app_context():
        upgrade(directory=directory)
    with engine.connect() as conn:
        baskets = conn.execute(text("SELECT id, name, owner_id FROM collection")).all()
        order = (
            conn.execute(text("SELECT item_id FROM collection_entry ORDER BY position"))
            .scalars()
            .all()
        )
        calls = dict(conn.execute(text("SELECT slug, opened_at IS NOT NULL FROM campaign")).all())
    assert [(name, owner) for _id, name, owner in baskets] == [("素材篮", user)]
    assert order == list(reversed(items))
    assert calls == {"ended": True, "on": True}
    with migrated.app_context():
        downgrade(directory=directory, revision=BEFORE_DESK)
    with engine.connect() as conn:
        back = conn.execute(text("SELECT item_id FROM selection_entry ORDER BY added_at")).scalars()
        assert list(back) == list(reversed(items))
    engine.dispose()


def _insert(conn: Connection, table_name: str, **values: object) -> int:
    """A row of a table as it is at this revision: the values given, every other required
    column filled with an empty value of its type."""
    table = Table(table_name, MetaData(), autoload_with=conn)
    row: dict[str, object] = {}
    for column in table.columns:
        if column.name in values or column.primary_key or column.nullable:
            continue
        if column.server_default is not None:
            continue
        python = column.type.python_type
        if python is bool:
            row[column.name] = False
        elif python in (int, float):
            row[column.name] = 1
        elif python is datetime:
            row[column.name] = datetime.now(UTC)
        elif python is date:
            row[column.name] = date.today()
        else:
            row[column.name] = ""
    row.update(values)
    return int(conn.execute(insert(table).values(**row).returning(table.c.id)).scalar_one())
