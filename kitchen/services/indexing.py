"""Keeping the search index in step with the database, always.

Every change that alters what search shows is recorded as an index job in its own transaction
(kitchen.services.changes); the worker hands batches of them to `index_items`, which reads each
item's *current* state and writes the index in one commit. Whatever order changes arrive in, the
index converges on the database. `check` proves it (missing, stale, extra entries) and `repair`
queues what differs. Every item is indexed with its state; the search scope decides who finds
what (journalists approved items, contributors also their organisation's, curators all).
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from kitchen.extensions import db
from kitchen.fields import ITEM_FIELDS, FieldType, ItemField, searched
from kitchen.models import Item, Job, JobKind
from kitchen.search import (
    SearchBackend,
    SearchDocument,
    SearchService,
    fingerprint,
    open_backend,
)
from kitchen.search.whoosh_adapter import check_whoosh
from kitchen.services import extraction, jobs

log = logging.getLogger("kitchen.indexing")
DRAIN_LOCK = "drain.lock"


def init_app(app: Flask) -> None:
    """Refuse to start on a Whoosh the search adapter was not written for."""
    check_whoosh()


def in_database() -> bool:
    """Whether the index is a table of the database (the PostgreSQL backend), not a folder."""
    return bool(current_app.config.get("SEARCH_BACKEND") == "postgresql")


def service() -> SearchService:
    """The search service of this app (one backend per app and index folder or table)."""
    if in_database():
        key: tuple[str, str] = ("kitchen.search.postgresql", "")
    else:
        key = ("kitchen.search", current_app.config["SEARCH_INDEX_DIR"])
    cache = current_app.extensions.setdefault("kitchen_search", {})
    if key not in cache:
        if in_database():
            from kitchen.search.pg_backend import PostgresBackend

            backend: SearchBackend = PostgresBackend(db.session)
        else:
            backend = open_backend(current_app.config["SEARCH_INDEX_DIR"])
        cache[key] = SearchService(backend)
    found: SearchService = cache[key]
    return found


def _text(item: Item, field: ItemField) -> str:
    """A searched field's text: linked people are searched by every name they go by, campaigns
    by their names."""
    value = getattr(item, field.name)
    if field.type is FieldType.PERSONS:
        return "、".join(name for person in value for name in person.all_names)
    if field.type is FieldType.CAMPAIGNS:
        return "、".join(sorted(campaign.name for campaign in value))
    return str(value or "")


def _version_texts(item: Item) -> dict[str, str]:
    """The texts of the item's approved versions in other languages (kitchen.fields)."""
    versions = item.versions
    return {
        "version_title": "\n".join(v.title for v in versions),
        "version_text": "\n".join(
            part for v in versions for part in (v.summary, v.body, v.caption) if part
        ),
    }


def to_document(item: Item, spec: tuple[ItemField, ...] = ITEM_FIELDS) -> SearchDocument:
    """The searchable view of an item: the spec's searched fields and its versions' texts, its
    facets and its state."""
    thumb = next((f.id for f in item.files if f.thumb_key), None)
    return SearchDocument(
        id=item.id,
        kind=item.kind.value,
        texts={f.text_name: _text(item, f) for f in searched(spec)}
        | _version_texts(item)
        | extraction.indexed_texts(item),
        languages=["zh", *(v.language for v in item.versions)],
        campaigns=sorted(c.slug for c in item.campaigns),
        organization=str(item.organization_id),
        status=item.status.value,
        event_date=item.event_date,
        approved_at=item.approved_at,
        created_at=item.created_at,
        featured=item.featured,
        thumb_file_id=thumb,
        usage_terms=item.usage_terms.value,
        organization_name=item.organization.name,
    )


@contextmanager
def writing(timeout: float | None = None) -> Iterator[bool]:
    """Hold the right to write this index (one drainer at a time, across processes: a lock
    file in the Whoosh folder, or a PostgreSQL advisory lock across hosts for the PostgreSQL
    backend).

    Yields False when `timeout` passes first (0: do not wait). Reading the items and writing the
    index both happen under it, so the last writer is always the one that read last (on
    PostgreSQL a later writer also waits for the earlier one's rows until it commits). A thread
    that holds it already (an import draining the queue) enters again at once.
    """
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield True
        finally:
            _held.depth -= 1
        return
    if in_database():
        with _database_lock(timeout) as allowed:
            yield allowed
        return
    folder = Path(current_app.config["SEARCH_INDEX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    with open(folder / DRAIN_LOCK, "a+b") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:  # type: ignore[operator]
                    yield False
                    return
                time.sleep(0.05)
        _held.depth = 1
        try:
            yield True
        finally:
            _held.depth = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


_held = threading.local()
WRITING_LOCK_KEY = 0x6B697463  # "kitc": the advisory lock of index writing, on every host


@contextmanager
def _database_lock(timeout: float | None) -> Iterator[bool]:
    """`writing()` across hosts: a PostgreSQL session advisory lock on a connection of its own
    (a process that dies drops its connection, and the lock with it)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with db.engine.connect() as connection:
        while not connection.scalar(
            text("SELECT pg_try_advisory_lock(:k)"), {"k": WRITING_LOCK_KEY}
        ):
            connection.rollback()
            if deadline is not None and time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.05)
        connection.commit()
        _held.depth = 1
        try:
            yield True
        finally:
            _held.depth = 0
            connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": WRITING_LOCK_KEY})
            connection.commit()


def _load(item_ids: list[int]) -> dict[int, Item]:
    query = (
        select(Item)
        .where(Item.id.in_(item_ids))
        .options(
            selectinload(Item.campaigns),
            selectinload(Item.files),
            selectinload(Item.persons),
            selectinload(Item.versions),
        )
        .execution_options(populate_existing=True)
    )
    return {item.id: item for item in db.session.scalars(query).unique()}


def index_items(item_ids: list[int]) -> jobs.Outcome:
    """Write the current state of these items to the index (call with `writing()` held).

    One commit for the batch; if it fails, each item alone, so one bad item never blocks the
    others. Items no longer in the database leave the index.
    """
    outcome = jobs.Outcome()
    found = _load(item_ids)
    docs = {item_id: to_document(item) for item_id, item in found.items()}
    gone = [item_id for item_id in item_ids if item_id not in found]
    backend = service().backend
    try:
        backend.index(docs.values())
        backend.remove(gone)
        outcome.done.update(item_ids)
        return outcome
    except Exception:  # an engine failure: find out which items cause it
        log.exception("indexing a batch of %d items failed; trying them one by one", len(docs))
    for item_id in item_ids:
        try:
            if item_id in docs:
                backend.index([docs[item_id]])
            else:
                backend.remove([item_id])
        except Exception as exc:  # this item stays queued, with its error shown to admins
            log.exception("indexing item %s failed", item_id)
            outcome.failed[item_id] = f"{type(exc).__name__}: {exc}"
        else:
            outcome.done.add(item_id)
    return outcome


def all_documents(batch: int = 500) -> Iterator[SearchDocument]:
    """Every item as a document, read in batches."""
    last = 0
    while True:
        rows = list(
            db.session.scalars(
                select(Item)
                .where(Item.id > last)
                .order_by(Item.id)
                .limit(batch)
                .options(
                    selectinload(Item.campaigns),
                    selectinload(Item.files),
                    selectinload(Item.persons),
                    selectinload(Item.versions),
                )
            ).unique()
        )
        if not rows:
            return
        for item in rows:
            yield to_document(item)
        last = rows[-1].id
        db.session.expunge_all()


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database into a new folder, then swap it in.

    Changes made meanwhile reach the live index through the queue and are replayed into the
    new one before the swap; the queue itself is left alone.
    """
    return service().rebuild(all_documents(), progress)


def item_count() -> int:
    """How many items the database holds."""
    return db.session.scalar(select(func.count(Item.id))) or 0


@dataclass
class CheckReport:
    """How the index differs from the database."""

    checked: int = 0
    missing: list[int] = field(default_factory=list)  # in the database, not in the index
    stale: list[int] = field(default_factory=list)  # indexed, but not as the database has it
    extra: list[int] = field(default_factory=list)  # indexed, but no longer in the database

    @property
    def clean(self) -> bool:
        """True when the index says exactly what the database says."""
        return not (self.missing or self.stale or self.extra)

    def differing(self) -> list[int]:
        """Every id that differs."""
        return sorted({*self.missing, *self.stale, *self.extra})


def check(progress: Callable[[int], None] | None = None) -> CheckReport:
    """Compare every item's database state with its index entry."""
    indexed = service().backend.fingerprints()
    report = CheckReport()
    for doc in all_documents():
        report.checked += 1
        copies = indexed.pop(doc.id, None)
        if copies is None:
            report.missing.append(doc.id)
        elif copies != [fingerprint(doc)]:  # a different state, or two copies of one item
            report.stale.append(doc.id)
        if progress and report.checked % 500 == 0:
            progress(report.checked)
    report.extra = sorted(indexed)
    if progress:
        progress(report.checked)
    return report


def repair(report: CheckReport) -> int:
    """Queue an index job for every differing item (the worker fixes them); commit."""
    count = jobs.enqueue_many(JobKind.INDEX, report.differing())
    db.session.commit()
    return count


def queue_everything() -> int:
    """Queue every item for indexing (after an index was lost, say); commit."""
    ids = list(db.session.scalars(select(Item.id).order_by(Item.id)))
    count = jobs.enqueue_many(JobKind.INDEX, ids)
    db.session.commit()
    return count


@dataclass
class IndexStatus:
    """What /admin/search shows: the index, the queue by kind, and what keeps failing."""

    indexed: int
    items: int
    queues: list[jobs.QueueStats]
    failures: list[Job]

    @property
    def index_queue(self) -> jobs.QueueStats:
        """The search index's own queue."""
        return next(q for q in self.queues if q.kind == JobKind.INDEX.value)


def status() -> IndexStatus:
    """The index and the queue as they stand."""
    return IndexStatus(service().backend.count(), item_count(), jobs.stats(), jobs.failures())
