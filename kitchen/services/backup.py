"""`kitchen backup` and `kitchen restore`: the embedded default (SQLite, the uploads folder and
the Whoosh index) in one tar archive, taken while the library runs.

The three parts are read in an order that makes the archive whole without stopping anyone:

1. the index, under its exclusive control lock (writers wait a moment; searches go on);
2. the stored files present then (files never change under their key);
3. the database, by SQLite's online backup (one consistent snapshot);
4. the files the snapshot names that appeared after step 2.

The snapshot is newer than the index, and every change it holds that the index lacks is still a
job in its queue (a job commits with its change), so on restore the queue brings the index up to
date; `restore` runs it, then `kitchen index check`'s comparison. A file that the snapshot names
but that was removed before step 4 (deleted by a commit after the snapshot) is counted as
missing in the summary. PostgreSQL and buckets have their own tools (`pg_dump`, the bucket's
replication or `aws s3 sync`): see docs/deploy.md.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import Item, MediaFile
from kitchen.search.generations import Generations
from kitchen.services import fsck, uploads
from kitchen.services.errors import NotFound
from kitchen.services.storage import KEY_PATTERN, LocalStorage

FORMAT = "kitchen-backup 1"
MANIFEST = "manifest.json"
DATABASE = "database/kitchen.sqlite"
UPLOADS, INDEX = "uploads/", "search_index/"
_INDEX_NAME = re.compile(r"(CURRENT|FORMAT|gen-[0-9a-f]+(/[A-Za-z0-9_.-]+)+)")

Progress = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot be done as asked; the message says why."""


@dataclass
class Summary:
    """What an archive holds (its manifest), and after a restore what the check found."""

    created_at: str = ""
    items: int = 0
    files: int = 0
    bytes: int = 0
    index_documents: int = 0
    missing_files: list[str] = field(default_factory=list)


def _embedded() -> tuple[Path, LocalStorage]:
    """The SQLite file and the uploads folder, or BackupError for another setup."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise BackupError(
            "kitchen backup covers the embedded default (SQLite). For PostgreSQL use pg_dump "
            "(docs/deploy.md)."
        )
    store = uploads.storage()
    if not isinstance(store, LocalStorage):
        raise BackupError(
            "kitchen backup covers files on local disk; copy the bucket with its own tools "
            "(docs/deploy.md)."
        )
    return Path(url.database), store


def create(target: Path, progress: Progress | None = None) -> Summary:
    """Write the archive to `target` (through a temp file beside it, renamed at the end)."""
    say = progress or (lambda _line: None)
    database, store = _embedded()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".backup-", suffix=".tar", dir=target.parent)
    summary = Summary(created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    try:
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w") as archive:
            summary.index_documents = _add_index(archive, say)
            archived: set[str] = set()
            for key in sorted(e.key for e in store.stored()):
                _add_file(archive, store, key, summary, archived)
                _every(len(archived), 200, lambda n: say(f"files: {n}"))
            snapshot = _snapshot(database)
            try:
                archive.add(str(snapshot), arcname=DATABASE)
                named = _named_keys(snapshot)
                summary.items = _count_items(snapshot)
            finally:
                snapshot.unlink(missing_ok=True)
            say(f"database: {summary.items} items")
            for key in sorted(named - archived):
                if not _add_file(archive, store, key, summary, archived):
                    summary.missing_files.append(key)
            manifest = json.dumps(
                {
                    "format": FORMAT,
                    "created_at": summary.created_at,
                    "items": summary.items,
                    "files": summary.files,
                    "bytes": summary.bytes,
                    "index_documents": summary.index_documents,
                    "missing_files": summary.missing_files,
                },
                ensure_ascii=False,
                indent=1,
            ).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(manifest), int(time.time())
            archive.addfile(info, io.BytesIO(manifest))
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return summary


def _every(count: int, step: int, report: Callable[[int], None]) -> None:
    if count and count % step == 0:
        report(count)


def _add_index(archive: tarfile.TarFile, say: Progress) -> int:
    """The live generation, copied while no writer can change it."""
    root = Path(current_app.config["SEARCH_INDEX_DIR"])
    generations = Generations(root)
    if generations.current_name() is None:
        return 0
    with generations.control(exclusive=True):
        name = generations.current_name()
        if name is None:
            return 0
        for path in sorted((root / name).rglob("*")):
            if path.is_file() and not path.name.endswith(".lock"):
                archive.add(
                    str(path), arcname=INDEX + path.relative_to(root).as_posix(), recursive=False
                )
        archive.add(str(root / "CURRENT"), arcname=INDEX + "CURRENT")
        documents = generations.open(name).doc_count()
    say(f"search index: {documents} documents")
    return int(documents)


def _add_file(
    archive: tarfile.TarFile, store: LocalStorage, key: str, summary: Summary, archived: set[str]
) -> bool:
    """One stored file under uploads/ab/cd/key; False if it is gone."""
    try:
        size = store.size(key)
        with store.open(key) as source:
            info = tarfile.TarInfo(f"{UPLOADS}{key[:2]}/{key[2:4]}/{key}")
            info.size, info.mtime = size, int(time.time())
            archive.addfile(info, source)
    except NotFound:  # removed since the listing
        return False
    archived.add(key)
    summary.files += 1
    summary.bytes += size
    return True


def _snapshot(database: Path) -> Path:
    """A consistent copy of the live SQLite database (its online backup API)."""
    fd, name = tempfile.mkstemp(prefix=".snapshot-", suffix=".sqlite", dir=database.parent)
    os.close(fd)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=60)
    copy = sqlite3.connect(name)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return Path(name)


def _named_keys(snapshot: Path) -> set[str]:
    connection = sqlite3.connect(snapshot)
    try:
        rows = connection.execute(
            "SELECT storage_key, thumb_key, web_key, poster_key FROM media_file"
        ).fetchall()
    finally:
        connection.close()
    return {key for row in rows for key in row if key}


def _count_items(snapshot: Path) -> int:
    connection = sqlite3.connect(snapshot)
    try:
        return int(connection.execute("SELECT count(*) FROM item").fetchone()[0])
    finally:
        connection.close()


def read_manifest(archive_path: Path) -> Summary:
    """What an archive says it holds; BackupError if it is not one of ours."""
    try:
        with tarfile.open(archive_path, mode="r") as archive:
            member = archive.getmember(MANIFEST)
            handle = archive.extractfile(member)
            data = json.loads(handle.read() if handle else b"{}")
    except (OSError, KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError(f"{archive_path} is not a kitchen backup ({exc}).") from None
    if data.get("format") != FORMAT:
        raise BackupError(f"{archive_path} is not a {FORMAT} archive.")
    return Summary(
        created_at=data["created_at"],
        items=data["items"],
        files=data["files"],
        bytes=data["bytes"],
        index_documents=data["index_documents"],
        missing_files=list(data.get("missing_files", [])),
    )


def restore(archive_path: Path, progress: Progress | None = None) -> Summary:
    """Unpack an archive into the configured, empty database path and folders.

    Every member's name is checked against what a backup writes (no absolute paths, no '..',
    no links), and each stored file against the size the archive gives. The caller then
    upgrades the database, runs the restored queue and checks the index (see the CLI).
    """
    say = progress or (lambda _line: None)
    summary = read_manifest(archive_path)
    database, store = _embedded()
    index_root = Path(current_app.config["SEARCH_INDEX_DIR"])
    _require_empty(database, store, index_root)
    db.session.remove()
    db.engine.dispose()
    written: list[Path] = []
    try:
        with tarfile.open(archive_path, mode="r") as archive:
            for member in _members(archive):
                target = _target(member.name, database, store, index_root)
                if target is None:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(member)
                assert source is not None
                with source, target.open("xb") as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
                written.append(target)
                _every(len(written), 200, lambda n: say(f"restored: {n} files"))
    except BaseException:
        for path in written:  # nothing half-restored stays
            path.unlink(missing_ok=True)
        raise
    say(f"restored: {len(written)} files")
    return summary


def _members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    for member in archive:
        if member.isdir():
            continue
        if not member.isfile():
            raise BackupError(f"Refusing {member.name!r}: a backup holds plain files only.")
        yield member


def _target(name: str, database: Path, store: LocalStorage, index_root: Path) -> Path | None:
    """Where a member goes, or None for the manifest; BackupError for anything unexpected."""
    if name == MANIFEST:
        return None
    if name == DATABASE:
        return database
    if name.startswith(UPLOADS):
        parts = name[len(UPLOADS) :].split("/")
        key = parts[-1]
        if len(parts) == 3 and KEY_PATTERN.fullmatch(key) and parts[:2] == [key[:2], key[2:4]]:
            return store.root / key[:2] / key[2:4] / key
    elif name.startswith(INDEX) and _INDEX_NAME.fullmatch(name[len(INDEX) :]):
        relative = name[len(INDEX) :]
        if ".." not in relative.split("/"):
            return index_root / relative
    raise BackupError(f"Refusing {name!r}: not a name a kitchen backup writes.")


def _require_empty(database: Path, store: LocalStorage, index_root: Path) -> None:
    """Restore only where nothing would be overwritten."""
    has_database = database.exists() and database.stat().st_size > 0
    has_files = any(True for _ in store.stored())
    has_index = Generations(index_root).current_name() is not None
    if has_database or has_files or has_index:
        found = [
            label
            for label, present in (
                (f"database {database}", has_database),
                (f"files in {store.root}", has_files),
                (f"an index in {index_root}", has_index),
            )
            if present
        ]
        raise BackupError(
            "Restore goes into an empty library; found " + ", ".join(found) + ". "
            "Point KITCHEN_INSTANCE, KITCHEN_UPLOADS and KITCHEN_SEARCH_INDEX at empty folders."
        )


def library_state() -> tuple[int, int, list[tuple[int, str]]]:
    """Items, files and the files the database names that the store lacks (after a restore)."""
    items = db.session.scalar(select(func.count(Item.id))) or 0
    files = db.session.scalar(select(func.count(MediaFile.id))) or 0
    return items, files, fsck.scan(min_age_seconds=0).missing
