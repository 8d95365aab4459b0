"""Keeping the search index in step with the database; a failure never loses the change.

Every item is indexed with its state, and the search scope decides who finds what: journalists
find approved items, contributors also their own organisation's work in progress, curators all.
An item leaving "approved" (withdrawn, rejected) is re-indexed with its new state, so it leaves
the shared library at once. A failed index write is kept in a backlog, retried after the next
successful write and by `kitchen reindex --pending`, and shown to admins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from kitchen.extensions import db
from kitchen.models import Item, SearchBacklog
from kitchen.search import SearchDocument, SearchService, open_backend

log = logging.getLogger("kitchen.indexing")


def service() -> SearchService:
    """The search service of this app (one backend per app and index folder)."""
    key = ("kitchen.search", current_app.config["SEARCH_INDEX_DIR"])
    cache = current_app.extensions.setdefault("kitchen_search", {})
    if key not in cache:
        cache[key] = SearchService(open_backend(current_app.config["SEARCH_INDEX_DIR"]))
    return cache[key]


def to_document(item: Item) -> SearchDocument:
    """The searchable view of an item."""
    thumb = next((f.thumb_key for f in item.files if f.thumb_key), None)
    return SearchDocument(
        id=item.id,
        kind=item.kind.value,
        title=item.title,
        summary=item.summary,
        body=item.body,
        people=item.people,
        keywords=item.keywords,
        place=item.place,
        campaigns=[c.slug for c in item.campaigns],
        organization=str(item.organization_id),
        status=item.status.value,
        event_date=item.event_date,
        approved_at=item.approved_at,
        created_at=item.created_at,
        featured=item.featured,
        thumb_key=thumb,
    )


def sync_item(item: Item) -> bool:
    """Write the item's current state to the index; on failure, keep it in the backlog."""
    try:
        service().index_item(to_document(item))
    except Exception as exc:  # any engine failure: the database change must stand
        log.exception("indexing item %s failed", item.id)
        _remember(item.id, exc)
        return False
    if db.session.scalar(select(func.count(SearchBacklog.id))):
        db.session.execute(delete(SearchBacklog).where(SearchBacklog.item_id == item.id))
        db.session.commit()
        retry_pending()
    return True


def index_many(items: list[Item]) -> None:
    """Index several items in one write (bulk import); failures go to the backlog."""
    try:
        service().backend.index([to_document(item) for item in items])
    except Exception as exc:  # keep every one of them for a retry
        log.exception("bulk indexing failed")
        for item in items:
            _remember(item.id, exc)


def _remember(item_id: int, exc: Exception) -> None:
    """Put (or keep) the item in the backlog with the error."""
    db.session.rollback()
    entry = db.session.scalars(
        select(SearchBacklog).where(SearchBacklog.item_id == item_id)
    ).first()
    if entry is None:
        db.session.add(SearchBacklog(item_id=item_id, last_error=repr(exc)[:2000]))
    else:
        entry.attempts += 1
        entry.last_error = repr(exc)[:2000]
    db.session.commit()


def retry_pending(limit: int = 100) -> tuple[int, int]:
    """Index the items in the backlog again; returns (done, still failing)."""
    entries = list(
        db.session.scalars(select(SearchBacklog).order_by(SearchBacklog.id).limit(limit))
    )
    done = failed = 0
    for entry in entries:
        item = db.session.get(Item, entry.item_id)
        try:
            if item is None:
                service().remove_item(entry.item_id)
            else:
                service().index_item(to_document(item))
        except Exception as exc:  # still failing: keep it
            entry.attempts += 1
            entry.last_error = repr(exc)[:2000]
            failed += 1
        else:
            db.session.delete(entry)
            done += 1
    db.session.commit()
    return done, failed


def backlog() -> list[SearchBacklog]:
    """Items waiting to reach the index."""
    return list(db.session.scalars(select(SearchBacklog).order_by(SearchBacklog.updated_at)))


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
                .options(selectinload(Item.campaigns), selectinload(Item.files))
            ).unique()
        )
        if not rows:
            return
        for item in rows:
            yield to_document(item)
        last = rows[-1].id
        db.session.expunge_all()


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database into a new folder, then swap it in."""
    count = service().rebuild(all_documents(), progress)
    db.session.execute(delete(SearchBacklog))
    db.session.commit()
    return count
