"""Fixtures: app, client, runner, login_as; one database per run, emptied after each test."""

from __future__ import annotations

import contextvars
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import text

from config import TestConfig
from kitchen import create_app
from kitchen.extensions import db
from kitchen.models import Base, Role, User
from kitchen.services import indexing, worker
from tests import factories
from tests.support import s3
from tests.support.postgres import find_bin_dir, postgres_server
from tests.support.s3 import s3_server

USE_POSTGRES = os.environ.get("KITCHEN_TEST_DATABASE") == "postgresql"
# KITCHEN_TEST_STORAGE=s3: every test keeps its files in a bucket of moto's S3 server.
USE_S3 = os.environ.get("KITCHEN_TEST_STORAGE") == "s3"
# KITCHEN_TEST_SEARCH=postgresql (with the PostgreSQL database): the app searches in its table.
USE_PG_SEARCH = USE_POSTGRES and os.environ.get("KITCHEN_TEST_SEARCH") == "postgresql"


def pytest_report_header() -> str:
    """Say which database and file store this run uses."""
    database = "PostgreSQL (throwaway server)" if USE_POSTGRES else "SQLite"
    files = "S3 (moto's server)" if USE_S3 else "local folder"
    search = "PostgreSQL" if USE_PG_SEARCH else "Whoosh"
    return f"kitchen database: {database}; files: {files}; search: {search}"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server for the run, with the test bucket."""
    with s3_server() as endpoint:
        yield endpoint


def use_s3(config: TestConfig, endpoint: str, prefix: str | None = None) -> TestConfig:
    """Point a test configuration at the test bucket, under a prefix of its own."""
    config.STORAGE = "s3"
    config.S3_BUCKET, config.S3_ENDPOINT = s3.BUCKET, endpoint
    config.S3_ACCESS_KEY, config.S3_SECRET_KEY = s3.ACCESS_KEY, s3.SECRET_KEY
    config.S3_PREFIX = prefix or f"{uuid.uuid4().hex}/"
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite in a temporary file, or a throwaway PostgreSQL server started for this run."""
    if not USE_POSTGRES:
        # Memory-backed when the machine has /dev/shm: commits need no disk flush.
        shm = Path("/dev/shm")
        folder = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("db")
        yield f"sqlite:///{folder / 'test.sqlite'}"
        shutil.rmtree(folder, ignore_errors=True)
        return
    if find_bin_dir() is None:
        pytest.skip("PostgreSQL server binaries (initdb) are not installed on this machine")
    with postgres_server() as url:
        yield url


def make_config(tmp_path: Path, database_url: str) -> TestConfig:
    """A test configuration with every folder under tmp_path."""
    config = TestConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    for name, sub in (
        ("UPLOADS_DIR", "uploads"),
        ("SEARCH_INDEX_DIR", "search_index"),
        ("INSTANCE_DIR", "instance"),
    ):
        folder = tmp_path / sub
        folder.mkdir()
        setattr(config, name, str(folder))
    if USE_PG_SEARCH and database_url.startswith("postgresql"):
        config.SEARCH_BACKEND = "postgresql"
    return config


_schema_ready: set[str] = set()


def _empty_tables() -> None:
    """Remove every row, children first, so the next test starts clean."""
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        if USE_PG_SEARCH:
            indexing.service().backend.clear()
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(Base.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates shared by every test's app, so each test does not recompile them."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = SharedBytecodeCache()


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would.

    Otherwise Flask reuses the fixture's app context, and `g` (the cached user and locale)
    leaks from one request into the next.
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        drain_queue(self.application)  # what was queued before is done, as a worker would do it
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if response.is_streamed:  # a streamed body needs the request's context to finish
            context.run(response.get_data)
            context.run(response.close)
        return response


@pytest.fixture
def app(tmp_path: Path, database_url: str, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app on the run's database, with its own upload and index folders (or its own
    prefix in the run's bucket)."""
    settings = make_config(tmp_path, database_url)
    if USE_S3:
        use_s3(settings, request.getfixturevalue("s3_endpoint"))
    application = create_app(settings)
    application.test_client_class = IsolatedClient
    application.jinja_env.bytecode_cache = _BYTECODE
    with application.app_context():
        if database_url not in _schema_ready:
            db.drop_all()
            db.create_all()
            _schema_ready.add(database_url)
        yield application
        _empty_tables()
        db.session.remove()
        for engine in db.engines.values():  # each test's app has its own pool: close it
            engine.dispose()


def drain_queue(app: Flask) -> int:
    """Do every queued job now (index, e-mail, posters), synchronously, in a context (and so
    a database session) of its own, as the worker process would."""
    with app.app_context():
        return worker.drain()


@pytest.fixture
def drain(app: Flask) -> Callable[[], int]:
    """Drain the job queue synchronously; call it after changing items through the services.
    The test's own session then reads afresh what the worker changed."""

    def run() -> int:
        done = drain_queue(app)
        db.session.expire_all()
        return done

    return run


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner."""
    return app.test_cli_runner()


LoginAs = Callable[..., User]


@pytest.fixture
def login_as(client: FlaskClient) -> LoginAs:
    """Sign the test client in as a new user of the role (or as the given user)."""

    def login(
        role: Role | str | None = None, user: User | None = None, **overrides: object
    ) -> User:
        user = user or factories.make_user(role or Role.CONTRIBUTOR, **overrides)
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return login
