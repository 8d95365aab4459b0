"""`kitchen backup` then `kitchen restore` into empty folders: the same items, files and search
results; changes made while the backup ran are not lost; unsafe archives and full folders are
refused without writing anything."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from kitchen import create_app
from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, MediaFile, Role
from kitchen.services import backup, library, uploads, workflow
from kitchen.services.workflow import Move
from tests import factories, samples
from tests.conftest import make_config


@contextmanager
def library_in(folder: Path) -> Iterator[tuple[Flask, FlaskCliRunner]]:
    """An app of its own on SQLite in `folder` (created by `kitchen init`, as `make run` does)."""
    folder.mkdir()
    own = create_app(make_config(folder, f"sqlite:///{folder / 'instance' / 'kitchen.sqlite'}"))
    runner = own.test_cli_runner()
    try:
        yield own, runner
    finally:
        with own.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


def contents(app: Flask) -> dict[str, object]:
    """What a user would compare: items, their files' bytes, and what searches find."""
    with app.app_context():
        journalist = factories.make_user(Role.JOURNALIST, email="compare@test.example.com")
        items = [
            (i.id, i.title, i.status.value)
            for i in db.session.scalars(select(Item).order_by(Item.id))
        ]
        store = uploads.storage()
        files = {}
        for media in db.session.scalars(select(MediaFile).order_by(MediaFile.id)):
            with store.open(media.storage_key) as handle:
                files[media.original_name] = hashlib.sha256(handle.read()).hexdigest()
        found = {
            q: [h.id for h in library.search(journalist, q).hits] for q in ("院士", "科普", "量子")
        }
        db.session.delete(journalist)
        db.session.commit()
    return {"items": items, "files": files, "found": found}


def fill(app: Flask) -> None:
    with app.app_context():
        curator = factories.make_user(Role.CURATOR)
        for n, title in enumerate(("院士走进中学课堂", "科普大篷车进山村", "量子实验室开放日")):
            contributor = factories.make_user(Role.CONTRIBUTOR)
            item = factories.make_item(contributor, kind=ItemKind.PHOTO, title=title)
            uploads.add_file(contributor, item, io.BytesIO(samples.photo(n + 1)), f"{title}.jpg")
            workflow.apply(contributor, item, Move.SUBMIT)
            workflow.apply(curator, item, Move.APPROVE)
        factories.make_item(title="院士的草稿")  # a draft: restored, found by nobody else
        from kitchen.services import worker

        worker.drain()


def test_backup_then_restore_into_empty_folders_gives_the_same_library(tmp_path: Path) -> None:
    archive = tmp_path / "kitchen-backup.tar"
    with library_in(tmp_path / "source") as (source, runner):
        assert runner.invoke(args=["kitchen", "init"]).exit_code == 0
        fill(source)
        before = contents(source)
        result = runner.invoke(args=["kitchen", "backup", str(archive)])
        assert result.exit_code == 0, result.output
        assert "Backed up 4 items, 9 files" in result.output
    assert before["found"]["院士"] and before["found"]["量子"]
    assert backup.read_manifest(archive).items == 4

    with library_in(tmp_path / "restored") as (restored, runner):
        result = runner.invoke(args=["kitchen", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert (
            "Restored 4 items (the archive says 4) and 3 files; 0 files missing." in result.output
        )
        assert "4 items: 0 missing, 0 stale, 0 extra" in result.output
        assert contents(restored) == before
        # A second restore would overwrite: refused, and nothing changes.
        again = runner.invoke(args=["kitchen", "restore", str(archive)])
        assert again.exit_code != 0 and "empty library" in again.output
        assert contents(restored) == before


def test_a_change_made_after_the_index_was_copied_is_indexed_on_restore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "kitchen-backup.tar"
    with library_in(tmp_path / "source") as (source, runner):
        assert runner.invoke(args=["kitchen", "init"]).exit_code == 0
        fill(source)
        copy_index = backup._add_index

        def then_approve(archive_file: tarfile.TarFile, say: backup.Progress) -> int:
            count = copy_index(archive_file, say)
            # While the backup runs, an item is approved: the database has it, the copied
            # index does not, and its index job is in the queue.
            curator = factories.make_user(Role.CURATOR)
            late = factories.make_item(title="备份期间批准的院士故事", status=ItemStatus.SUBMITTED)
            workflow.apply(curator, late, Move.APPROVE)
            return count

        monkeypatch.setattr(backup, "_add_index", then_approve)
        with source.app_context():
            backup.create(archive)

    with library_in(tmp_path / "restored") as (restored, runner):
        result = runner.invoke(args=["kitchen", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        assert "0 missing, 0 stale, 0 extra" in result.output
        with restored.app_context():
            journalist = factories.make_user(Role.JOURNALIST)
            titles = [h.title_html for h in library.search(journalist, "备份期间").hits]
            assert len(titles) == 1


def _archive_with(tmp_path: Path, name: str, data: bytes = b"x", link: bool = False) -> Path:
    path = tmp_path / "crafted.tar"
    with tarfile.open(path, "w") as archive:
        manifest = json.dumps(
            {
                "format": backup.FORMAT,
                "created_at": "",
                "items": 0,
                "files": 0,
                "bytes": 0,
                "index_documents": 0,
            }
        ).encode()
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        member = tarfile.TarInfo(name)
        if link:
            member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
            archive.addfile(member)
        else:
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    return path


@pytest.mark.parametrize(
    ("name", "link"),
    [
        ("../../etc/cron.d/evil", False),
        ("/etc/passwd", False),
        ("uploads/../../escape.jpg", False),
        ("uploads/ab/cd/" + "0" * 32 + ".jpg", False),  # fan-out does not match the key
        ("search_index/gen-abc/../../../x", False),
        ("uploads/00/00/" + "0" * 32 + ".jpg", True),
        ("instance/secret_key", False),
    ],
)
def test_an_archive_with_unexpected_names_is_refused_and_writes_nothing(
    tmp_path: Path, name: str, link: bool
) -> None:
    crafted = _archive_with(tmp_path, name, link=link)
    with library_in(tmp_path / "restored") as (_restored, runner):
        result = runner.invoke(args=["kitchen", "restore", str(crafted)])
        assert result.exit_code != 0 and "Refusing" in result.output
        written = [p for p in (tmp_path / "restored").rglob("*") if p.is_file()]
        assert all(p.name == "secret_key" for p in written), written
    assert not (tmp_path / "etc").exists() and not (tmp_path / "escape.jpg").exists()


def test_backup_refuses_what_is_not_the_embedded_default(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    if db.engine.dialect.name == "sqlite" and app.config["STORAGE"] == "local":
        pytest.skip("this run is on the embedded default; the refusal is for PostgreSQL or S3")
    result = runner.invoke(args=["kitchen", "backup", str(tmp_path / "b.tar")])
    assert result.exit_code != 0 and "docs/deploy.md" in result.output
    assert not (tmp_path / "b.tar").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".backup-")] == []


def test_not_a_backup_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all")
    with library_in(tmp_path / "restored") as (_restored, runner):
        result = runner.invoke(args=["kitchen", "restore", str(junk)])
        assert result.exit_code != 0 and "is not a kitchen backup" in result.output
