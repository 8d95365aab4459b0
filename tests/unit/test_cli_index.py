"""The command line for the index and the file store: check and repair, fsck, worker, init."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from kitchen import create_app
from kitchen.extensions import db
from kitchen.models import ItemKind, ItemStatus, Job, Role
from kitchen.search import SearchDocument
from kitchen.services import indexing, library, uploads
from kitchen.services.storage import TEMP_PREFIX
from tests import factories, samples
from tests.conftest import USE_PG_SEARCH, USE_S3, make_config


def _items(drain, count: int = 3) -> list:
    items = [
        factories.make_item(status=ItemStatus.APPROVED, title=f"实验室的夜晚{n}")
        for n in range(count)
    ]
    drain()
    return items


def test_index_check_finds_missing_stale_and_extra_entries_and_repair_fixes_them(
    app: Flask, runner: FlaskCliRunner, drain
) -> None:
    first, second, third = _items(drain)
    clean = runner.invoke(args=["kitchen", "index", "check"])
    assert clean.exit_code == 0, clean.output
    assert "Checked 3 items: 0 missing, 0 stale, 0 extra." in clean.output

    backend = indexing.service().backend
    corrupted = indexing.to_document(second)
    corrupted.title = "被篡改的标题"
    backend.index([corrupted])  # the index now says something the database does not
    backend.remove([first.id])
    ghost = SearchDocument(**{**vars(indexing.to_document(third)), "id": 99_999})
    backend.index([ghost])
    found = runner.invoke(args=["kitchen", "index", "check"])
    assert found.exit_code == 1
    assert "1 missing, 1 stale, 1 extra" in found.output
    assert f"missing: {first.id}" in found.output and f"stale: {second.id}" in found.output

    repaired = runner.invoke(args=["kitchen", "index", "check", "--repair"])
    assert repaired.exit_code == 1 and "Queued 3 items" in repaired.output
    assert db.session.scalar(select(func.count(Job.id))) == 3
    drain()
    again = runner.invoke(args=["kitchen", "index", "check"])
    assert again.exit_code == 0, again.output


@pytest.mark.skipif(
    USE_PG_SEARCH,
    reason="a Whoosh index's own segments (a primary key keeps "
    "one row per item in the PostgreSQL table)",
)
def test_a_duplicated_entry_is_stale(app: Flask, drain) -> None:
    (item,) = _items(drain, 1)
    from kitchen.search.segments import SegmentBuilder
    from kitchen.search.writing import commit

    backend = indexing.service().backend
    ix = backend.generations.open(backend.generations.current_name())
    builder = SegmentBuilder(ix.storage, ix.indexname, ix.schema)
    builder.add(indexing.to_document(item))
    commit(ix, [builder.finish()], [], 5.0)  # a second copy, added without deleting the first
    report = indexing.check()
    assert report.stale == [item.id]


def _age(path: Path, hours: float = 2) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_fsck_finds_orphans_and_stale_temp_files_and_deletes_them(
    app: Flask, runner: FlaskCliRunner
) -> None:
    if USE_S3:
        pytest.skip("ages files on disk; the bucket's own check is in tests/services/test_s3.py")
    item = factories.make_item(kind=ItemKind.PHOTO)
    kept = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo()), "留下.jpg")
    store = uploads.storage()
    orphan = store.save(io.BytesIO(b"a file no row names"), suffix=".jpg")
    young = store.save(io.BytesIO(b"an upload still being checked"), suffix=".jpg")
    temp = Path(app.config["UPLOADS_DIR"]) / f"{TEMP_PREFIX}abc123"
    temp.write_bytes(b"half an upload")
    for key in (orphan.key, kept.storage_key, kept.thumb_key, kept.web_key):
        _age(Path(app.config["UPLOADS_DIR"]) / key[:2] / key[2:4] / key)
    _age(temp)

    listed = runner.invoke(args=["kitchen", "fsck"])
    assert listed.exit_code == 1
    assert f"orphan    {orphan.key}" in listed.output
    assert f"temp      {temp.name}" in listed.output
    assert young.key not in listed.output and kept.storage_key not in listed.output
    assert "1 recent files left alone" in listed.output

    deleted = runner.invoke(args=["kitchen", "fsck", "--delete"])
    assert deleted.exit_code == 0, deleted.output
    assert not store.exists(orphan.key) and not temp.exists()
    assert store.exists(young.key) and store.exists(kept.storage_key)
    assert runner.invoke(args=["kitchen", "fsck", "--older-than", "60"]).exit_code == 0


def test_fsck_reports_a_row_whose_file_is_gone(app: Flask, runner: FlaskCliRunner) -> None:
    item = factories.make_item(kind=ItemKind.PHOTO)
    media = uploads.add_file(item.submitter, item, io.BytesIO(samples.photo()), "丢失.jpg")
    uploads.storage().delete(media.web_key)
    result = runner.invoke(args=["kitchen", "fsck"])
    assert result.exit_code == 1
    assert f"missing   {media.web_key}  (file {media.id})" in result.output


def test_worker_once_does_what_is_due(app: Flask, runner: FlaskCliRunner) -> None:
    factories.make_item(status=ItemStatus.APPROVED, title="一次就好")
    result = runner.invoke(args=["kitchen", "worker", "--once"])
    assert result.exit_code == 0 and "1 jobs done." in result.output
    assert db.session.scalar(select(func.count(Job.id))) == 0


def test_reindex_pending_indexes_the_queue(app: Flask, runner: FlaskCliRunner) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED, title="排队的修改")
    result = runner.invoke(args=["kitchen", "reindex", "--pending"])
    assert result.exit_code == 0 and "Indexed 1 queued changes." in result.output
    journalist = factories.make_user(Role.JOURNALIST)
    assert [h.id for h in library.search(journalist, "排队").hits] == [item.id]


def test_init_rebuilds_an_index_of_an_older_layout(tmp_path: Path) -> None:
    folder = tmp_path / "own"
    folder.mkdir()
    own = create_app(make_config(folder, f"sqlite:///{folder / 'init.sqlite'}"))
    runner = own.test_cli_runner()
    assert runner.invoke(args=["kitchen", "init"]).exit_code == 0
    with own.app_context():
        item = factories.make_item(status=ItemStatus.APPROVED, title="旧索引里的故事")
        journalist = factories.make_user(Role.JOURNALIST)
        backend = indexing.service().backend
        name = backend.generations.current_name()
        (backend.generations.root / name / "FORMAT").write_text("kitchen-index 1")
        assert backend.needs_rebuild()
        assert library.search(journalist, "旧索引").total == 0  # an old layout is never read
        result = runner.invoke(args=["kitchen", "init"])
        assert result.exit_code == 0, result.output
        assert "older layout" in result.output
        assert not backend.needs_rebuild()
        assert [h.id for h in library.search(journalist, "旧索引").hits] == [item.id]
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
