"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine

from kitchen import create_app
from kitchen.models import Base
from tests.conftest import USE_POSTGRES, make_config


def test_upgrade_matches_the_models(tmp_path: Path, app: Flask) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    if USE_POSTGRES:
        # On PostgreSQL, migrate a separate schema-less database: reuse the run's server.
        from sqlalchemy import text

        from kitchen.extensions import db

        base_url = db.engine.url
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("DROP DATABASE IF EXISTS kitchen_migrations"))
            conn.execute(text("CREATE DATABASE kitchen_migrations"))
        url = base_url.set(database="kitchen_migrations").render_as_string(hide_password=False)
    migrated = create_app(_config(tmp_path, url))
    with migrated.app_context():
        upgrade(directory=migrated.extensions["migrate"].directory)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def _config(tmp_path: Path, url: str):
    folder = tmp_path / "m"
    folder.mkdir()
    return make_config(folder, url)
