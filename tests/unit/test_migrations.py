"""The migrations build exactly the schema the models describe, and undo it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from kitchen import create_app
from kitchen.models import Base
from tests.conftest import USE_POSTGRES, make_config

if TYPE_CHECKING:
    from config import TestConfig


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
