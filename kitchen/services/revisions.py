"""Revisions of approved items: the organisation proposes, a curator accepts or declines.

The approved version stays in the library, unchanged, until a curator accepts; then the item
takes the new values through the same checks as any edit, in one transaction with the audit
(old → new for each field), the index job and the proposer's notification. A new proposal
replaces a pending one. Files are not part of a revision: they change by a new item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from kitchen import fields
from kitchen.extensions import db
from kitchen.models import Item, Notification, Revision, User, utcnow
from kitchen.services import audit, notifications, submission, validation, workflow
from kitchen.services.access import Action, authorize, may_propose_revision
from kitchen.services.errors import Conflict, Forbidden, NotFound, ValidationError

# What a revision may change: the item's words and its credit, not its kind, state or files.
SPEC = fields.set_by(fields.Setter.REVISE)
FIELDS = tuple(f.name for f in SPEC)
PENDING, ACCEPTED, DECLINED, REPLACED = "pending", "accepted", "declined", "replaced"


def _stored(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def field_labels() -> dict[str, str]:
    """What the revised fields are called, in the interface language."""
    from flask_babel import gettext

    return {f.name: gettext(f.label) for f in SPEC}


def require_proposable(user: User, item: Item) -> None:
    """Raise unless the user may propose a revision of this item (404 outside their scope)."""
    authorize(user, Action.VIEW_ITEM, item)
    if not may_propose_revision(user, item):
        raise Forbidden(_l("Only approved items of your organisation can be revised this way."))


def propose(user: User, item: Item, proposed: submission.ItemData, note: str = "") -> Revision:
    """Propose changes to an approved item of the user's organisation; commit."""
    require_proposable(user, item)
    merged = submission.current_data(item).replace(
        **{name: getattr(proposed, name) for name in FIELDS}
    )
    cleaned = submission.clean_fields(merged)
    changes = {
        name: _stored(cleaned[name])
        for name in FIELDS
        if str(cleaned[name] or "") != str(getattr(item, name) or "")
    }
    if not changes:
        raise ValidationError(_l("Nothing was changed."), field="title")
    note = validation.text(note, "note", max_len=2000)
    db.session.execute(
        update(Revision)
        .where(Revision.item_id == item.id, Revision.status == PENDING)
        .values(status=REPLACED)
    )
    revision = Revision(item_id=item.id, proposed_by_id=user.id, changes=changes, note=note)
    db.session.add(revision)
    db.session.flush()
    audit.record(
        user, "item.propose", "item", item.id, {"revision": revision.id, "fields": list(changes)}
    )
    db.session.commit()
    return revision


def pending_for(item: Item) -> Revision | None:
    """The item's proposal waiting for a curator, if any (only approved items have one)."""
    return db.session.scalars(
        select(Revision).where(Revision.item_id == item.id, Revision.status == PENDING)
    ).first()


@dataclass
class Proposal:
    """A pending revision with its item and each change as (field, old, new)."""

    revision: Revision
    item: Item
    rows: list[tuple[str, str, str]]


def _rows(item: Item, revision: Revision) -> list[tuple[str, str, str]]:
    return [
        (name, str(_stored(getattr(item, name)) or ""), str(value or ""))
        for name, value in revision.changes.items()
    ]


def pending(user: User) -> list[Proposal]:
    """Every proposal waiting for a curator, oldest first."""
    authorize(user, Action.REVIEW)
    rows = db.session.execute(
        select(Revision, Item)
        .join(Item, Item.id == Revision.item_id)
        .where(Revision.status == PENDING)
        .order_by(Revision.created_at, Revision.id)
    ).tuples()
    return [Proposal(revision, item, _rows(item, revision)) for revision, item in rows]


def pending_count() -> int:
    """How many proposals wait (the queue's link shows it)."""
    query = select(func.count(Revision.id)).where(Revision.status == PENDING)
    return db.session.scalar(query) or 0


def _get(user: User, revision_id: int) -> tuple[Revision, Item]:
    authorize(user, Action.REVIEW)
    revision = db.session.get(Revision, revision_id)
    if revision is None:
        raise NotFound()
    if revision.status != PENDING:
        raise Conflict(_l("This proposal has already been decided."))
    return revision, db.session.get(Item, revision.item_id)  # type: ignore[return-value]


def accept(user: User, revision_id: int, comment: str = "") -> Item:
    """Apply the proposal to the item (checked again), audit each change, tell the proposer."""
    revision, item = _get(user, revision_id)
    authorize(user, Action.CURATE_ITEM, item)
    values = revision.changes
    merged = submission.current_data(item)
    for name, value in values.items():
        setattr(
            merged, name, date.fromisoformat(value) if name == "event_date" and value else value
        )
    cleaned = submission.clean_fields(merged)
    changes = {}
    for name in values:
        old = getattr(item, name)
        if str(old or "") != str(cleaned[name] or ""):
            changes[name] = [str(_stored(old) or ""), str(_stored(cleaned[name]) or "")]
            setattr(item, name, cleaned[name])
    _decide(user, revision, item, ACCEPTED, comment)
    audit.record(
        user, "item.revise", "item", item.id, {"revision": revision.id, "changes": changes}
    )
    workflow.commit()
    return item


def decline(user: User, revision_id: int, comment: str) -> Item:
    """Keep the approved version; the proposer reads why."""
    revision, item = _get(user, revision_id)
    if not comment.strip():
        raise ValidationError(_l("Please give a reason in the comment."), field="comment")
    _decide(user, revision, item, DECLINED, comment)
    audit.record(user, "item.revision_declined", "item", item.id, {"revision": revision.id})
    db.session.commit()
    return item


def _decide(user: User, revision: Revision, item: Item, status: str, comment: str) -> None:
    claimed = db.session.execute(
        update(Revision)
        .where(Revision.id == revision.id, Revision.status == PENDING)
        .values(
            status=status,
            decided_by_id=user.id,
            decided_at=utcnow(),
            comment=validation.text(comment, "comment", max_len=5000),
        )
    )
    if (
        getattr(claimed, "rowcount", 0) != 1
    ):  # two curators at once: the second one learns it is decided
        db.session.rollback()
        raise Conflict(_l("This proposal has already been decided."))
    notifications.add(
        Notification(
            user_id=revision.proposed_by_id,
            item_id=item.id,
            action=f"revision_{status}",
            to_status=item.status.value,
            comment=comment.strip(),
        )
    )
