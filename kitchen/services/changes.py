"""The search outbox: every flush that changes what search shows records "item N changed".

One session hook sees every flushed Item, MediaFile, ItemVersion (its text in another language),
Campaign, Organization and Person (whose names its items are found by) and writes index
jobs on the flush's own connection, so they commit (or roll back) with the change itself; no
service calls the index, and none can forget to. The worker reads each item's current state
when it gets to the job, so the order in which changes were made does not matter.
"""

from __future__ import annotations

from datetime import datetime
from itertools import chain

from flask import Flask
from sqlalchemy import Insert, Select, Table, event, insert, inspect, literal, select
from sqlalchemy.orm import Session

from kitchen.extensions import db
from kitchen.models import (
    Campaign,
    Item,
    ItemVersion,
    Job,
    JobKind,
    MediaFile,
    Organization,
    Person,
    item_person,
    utcnow,
)
from kitchen.models.item import item_campaign

# Item attributes that search never shows: changing only these queues nothing (a claim, say).
ITEM_ATTRIBUTES_UNSEEN = frozenset(
    {"claimed_by_id", "claimed_at", "claimed_by", "version", "updated_at", "submitter"}
)
# Attributes of a campaign or an organisation that the search documents of their items carry
# (slugs for the campaign facet; names for engines that index them as text).
CAMPAIGN_ATTRIBUTES_SEEN = frozenset({"slug", "name"})
ORG_ATTRIBUTES_SEEN = frozenset({"name"})
# A person's names are searched with every item that features them.
PERSON_ATTRIBUTES_SEEN = frozenset({"name", "other_names"})
JOBS: Table = Job.__table__  # type: ignore[assignment]


def init_app(app: Flask) -> None:
    """Install the hook on the app's session (once: every app shares the session factory)."""
    if not event.contains(db.session, "after_flush", record_changes):
        event.listen(db.session, "after_flush", record_changes)


def record_changes(session: Session, _flush_context: object) -> None:
    """Write index jobs for the items this flush changed (their state is read later)."""
    items: set[int] = set()
    campaigns: set[int] = set()
    organizations: set[int] = set()
    persons: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        dirty = obj in session.dirty
        if isinstance(obj, Item):
            if not dirty or _changed(obj, exclude=ITEM_ATTRIBUTES_UNSEEN):
                items.add(obj.id)
        elif isinstance(obj, ItemVersion):
            items.add(obj.item_id)
        elif isinstance(obj, MediaFile):
            if not dirty or _changed(obj):
                items.add(obj.item_id)
        elif isinstance(obj, Campaign) and dirty and _changed(obj, only=CAMPAIGN_ATTRIBUTES_SEEN):
            campaigns.add(obj.id)
        elif isinstance(obj, Organization) and dirty and _changed(obj, only=ORG_ATTRIBUTES_SEEN):
            organizations.add(obj.id)
        elif isinstance(obj, Person) and dirty and _changed(obj, only=PERSON_ATTRIBUTES_SEEN):
            persons.add(obj.id)
    items.discard(None)
    if not (items or campaigns or organizations or persons):
        return
    connection = session.connection()
    now = utcnow()
    if items:
        rows = [_row(item_id, now) for item_id in sorted(items)]
        connection.execute(insert(JOBS), rows)
    if campaigns:
        members = select(item_campaign.c.item_id).where(item_campaign.c.campaign_id.in_(campaigns))
        connection.execute(_insert_from(members, now))
    if organizations:
        members = select(Item.id).where(Item.organization_id.in_(organizations))
        connection.execute(_insert_from(members, now))
    if persons:
        members = select(item_person.c.item_id).where(item_person.c.person_id.in_(persons))
        connection.execute(_insert_from(members, now))


def _changed(
    obj: object, exclude: frozenset[str] = frozenset(), only: frozenset[str] | None = None
) -> bool:
    """Tell whether the flush changes any attribute of obj that matters."""
    state = inspect(obj)
    assert state is not None
    for attr in state.attrs:
        if attr.key in exclude or (only is not None and attr.key not in only):
            continue
        if attr.history.has_changes():
            return True
    return False


def _row(item_id: int, now: datetime) -> dict[str, object]:
    return {
        "kind": JobKind.INDEX.value,
        "target_id": item_id,
        "attempts": 0,
        "last_error": "",
        "gave_up": False,
        "run_after": now,
        "created_at": now,
    }


def _insert_from(members: Select[tuple[int]], now: datetime) -> Insert:
    """INSERT ... SELECT: one index job per member item, in one statement however many."""
    table = JOBS
    ids = members.subquery()
    source = select(
        literal(JobKind.INDEX.value),
        ids.c[0],
        literal(0),
        literal(""),
        literal(False),
        literal(now, type_=table.c.run_after.type),
        literal(now, type_=table.c.created_at.type),
    )
    columns = ["kind", "target_id", "attempts", "last_error", "gave_up", "run_after", "created_at"]
    return insert(table).from_select(columns, source)
