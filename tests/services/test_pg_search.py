"""The app on the PostgreSQL search backend: one writer across hosts, the index row and its job
committed together, a new layout's table filled by a rebuild (KITCHEN_TEST_SEARCH=postgresql
runs only)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from kitchen.extensions import db
from kitchen.models import ItemStatus, Job, Role
from kitchen.search import SearchQuery
from kitchen.search.pg_backend import PostgresBackend, table_name
from kitchen.services import indexing, worker
from tests import factories
from tests.conftest import USE_PG_SEARCH

pytestmark = pytest.mark.skipif(not USE_PG_SEARCH, reason="the PostgreSQL search backend")


def test_the_app_searches_in_its_database(app: Flask) -> None:
    assert isinstance(indexing.service().backend, PostgresBackend)
    assert indexing.in_database()


def test_index_writing_is_one_writer_across_processes(app: Flask) -> None:
    with db.engine.connect() as other:  # another host's worker holds the lock
        assert other.scalar(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": indexing.WRITING_LOCK_KEY}
        )
        other.commit()
        with indexing.writing(timeout=0) as allowed:
            assert allowed is False
        with indexing.writing(timeout=0.2) as allowed:
            assert allowed is False
        other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": indexing.WRITING_LOCK_KEY})
        other.commit()
    with indexing.writing(timeout=0) as allowed:
        assert allowed is True


def test_a_job_and_its_index_row_commit_together(app: Flask, monkeypatch) -> None:
    submitter = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(submitter, title="院士走进课堂", status=ItemStatus.APPROVED)
    assert db.session.scalar(select(func.count(Job.id))) >= 1

    def broken_settle(*args, **kwargs):  # the worker dies after writing, before its commit
        raise RuntimeError("killed")

    monkeypatch.setattr(worker.jobs, "settle", broken_settle)
    with pytest.raises(RuntimeError):
        worker.drain()
    db.session.rollback()
    found = indexing.service().search(SearchQuery(text="院士走进课堂"))
    assert found.total == 0  # the row went with the rolled-back transaction ...
    assert db.session.scalar(select(func.count(Job.id))) >= 1  # ... and the job stayed
    monkeypatch.undo()
    worker.drain()
    db.session.rollback()
    found = indexing.service().search(SearchQuery(text="院士走进课堂"))
    assert [h.id for h in found.hits] == [item.id]
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_reindex_fills_the_table_of_a_new_layout(app: Flask, runner) -> None:
    backend = indexing.service().backend
    assert isinstance(backend, PostgresBackend)
    db.session.execute(
        text("UPDATE search_layouts SET complete = false WHERE name = :t"), {"t": table_name()}
    )
    db.session.commit()
    assert backend.needs_rebuild()
    result = runner.invoke(args=["kitchen", "reindex"])  # as init and the worker do
    assert result.exit_code == 0, result.output
    assert not backend.needs_rebuild()
