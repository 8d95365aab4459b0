"""The curators' side: corrections, campaigns, featuring, decisions, bulk work, the queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from kitchen import fields
from kitchen.extensions import db
from kitchen.models import Campaign, Item, ItemStatus, MediaFile, Organization, User
from kitchen.services import audit, campaigns, item_fields, people, workflow
from kitchen.services.access import Action, authorize
from kitchen.services.errors import DomainError, ValidationError


class Corrections(item_fields.FieldValues):
    """What a curator may change on an item besides its state: the spec's CORRECT fields."""

    spec = fields.set_by(fields.Setter.CORRECT)


def _audited(value: object) -> object:
    """A value as the audit keeps it: flags as they are, the rest as text."""
    return value if isinstance(value, bool) else str(value)


def correct(curator: User, item: Item, data: Corrections) -> dict[str, list[object]]:
    """Apply corrections in the current transaction; every change goes into the audit."""
    authorize(curator, Action.CURATE_ITEM, item)
    changes: dict[str, list[object]] = {}
    spec = item_fields.columns(data.spec)
    for name, value in item_fields.clean_all(spec, data.values, item.kind).items():
        old = getattr(item, name)
        if str(old) != str(value):
            changes[name] = [_audited(old), _audited(value)]
            setattr(item, name, value)
    wanted = campaigns.find_campaigns(data.campaigns)
    old_slugs, new_slugs = sorted(c.slug for c in item.campaigns), sorted(c.slug for c in wanted)
    if old_slugs != new_slugs:
        changes["campaigns"] = [old_slugs, new_slugs]
        item.campaigns = wanted
    linked = people.relink(item, people.chosen(curator, data.persons, item))
    changes.update(linked or {})
    if {"rights_until", "consent_until"} & set(changes):
        item.expiry_notified = None  # new dates: the warnings start again
    if changes:
        audit.record(curator, "item.correct", "item", item.id, {"changes": changes})
    return changes


def decision(name: str) -> workflow.Move | None:
    """The decision a review form names (approve, request_changes …); None: only corrections."""
    return workflow.DECISIONS.get(name)


def review(
    curator: User,
    item: Item,
    data: Corrections | None,
    move: workflow.Move | None,
    comment: str = "",
) -> dict[str, list[object]]:
    """Corrections and a decision in one transaction: both happen, or neither."""
    if move is not None:
        workflow.guard(curator, item, move, comment)
    changes = correct(curator, item, data) if data is not None else {}
    if move is not None:
        workflow.transition(curator, item, move, comment)
    if changes or move is not None:
        workflow.commit()
    return changes


@dataclass
class BulkResult:
    """What a bulk action did: the items done, and the ones refused with the reason."""

    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)


def each(item_ids: list[int], action: Callable[[Item], object]) -> BulkResult:
    """Do the action to each item in turn (once each): a refused one is rolled back and
    reported, the others go on (bulk decisions, tags, corrections, a batch's submission)."""
    result = BulkResult()
    for item_id in dict.fromkeys(item_ids):
        item = db.session.get(Item, item_id)
        try:
            if item is None:
                raise ValidationError(_l("Not found."))
            action(item)
            result.done.append(item_id)
        except DomainError as exc:
            db.session.rollback()
            result.failed.append((item_id, str(exc.message)))
    return result


def bulk_decide(
    curator: User, item_ids: list[int], move: workflow.Move, comment: str = ""
) -> BulkResult:
    """The same decision for several items, each through the same guard."""
    return each(item_ids, lambda item: workflow.apply(curator, item, move, comment))


def bulk_tag(curator: User, item_ids: list[int], slugs: list[str]) -> BulkResult:
    """Add campaigns to several items."""
    wanted = campaigns.find_campaigns(slugs)
    if not wanted:
        raise ValidationError(_l("Please choose at least one campaign."), field="campaigns")

    def tag(item: Item) -> None:
        authorize(curator, Action.CURATE_ITEM, item)
        added = [c for c in wanted if c not in item.campaigns]
        if added:
            item.campaigns = [*item.campaigns, *added]
            audit.record(
                curator,
                "item.correct",
                "item",
                item.id,
                {"changes": {"campaigns_added": [c.slug for c in added]}},
            )
            workflow.commit()

    return each(item_ids, tag)


@dataclass
class QueueFilter:
    """What the queue is narrowed by."""

    kind: str | None = None
    organization_id: int | None = None
    campaign: str | None = None
    claimed: str | None = None  # "mine", "free", or None for all


def _queue_query(curator: User, flt: QueueFilter) -> Select[tuple[Item]]:
    query = select(Item).where(Item.status == ItemStatus.SUBMITTED)
    if flt.kind:
        query = query.where(Item.kind == flt.kind)
    if flt.organization_id:
        query = query.where(Item.organization_id == flt.organization_id)
    if flt.campaign:
        query = query.where(Item.campaigns.any(Campaign.slug == flt.campaign))
    if flt.claimed == "mine":
        query = query.where(Item.claimed_by_id == curator.id)
    elif flt.claimed == "free":
        query = query.where(Item.claimed_by_id.is_(None))
    return query


def queue(curator: User, flt: QueueFilter, limit: int = 200) -> list[Item]:
    """Items waiting for a decision, oldest first."""
    authorize(curator, Action.REVIEW)
    query = _queue_query(curator, flt).order_by(Item.submitted_at, Item.id).limit(limit)
    return list(db.session.scalars(query).unique())


def queue_counts(curator: User) -> dict[str, dict[str, int]]:
    """How many items wait, by kind, by organisation and by campaign."""
    waiting = Item.status == ItemStatus.SUBMITTED
    kinds = db.session.execute(select(Item.kind, func.count()).where(waiting).group_by(Item.kind))
    orgs = db.session.execute(
        select(Organization.name, func.count())
        .join(Item.organization)
        .where(waiting)
        .group_by(Organization.name)
    )
    tags = db.session.execute(
        select(Campaign.name, func.count())
        .join(Item.campaigns)
        .where(waiting)
        .group_by(Campaign.name)
    )
    return {
        "kind": {k.value: n for k, n in kinds},
        "organization": {org: n for org, n in orgs},
        "campaign": {name: n for name, n in tags},
    }


def items_with_duplicates(item_ids: list[int]) -> set[int]:
    """Those of the items that hold a file also found in another item."""
    if not item_ids:
        return set()
    other = MediaFile.__table__.alias("other")
    query = (
        select(MediaFile.item_id)
        .join(other, other.c.sha256 == MediaFile.sha256)
        .where(MediaFile.item_id.in_(item_ids), other.c.item_id != MediaFile.item_id)
    )
    return set(db.session.scalars(query))


@dataclass
class BulkChanges:
    """What a curator changes on several items at once; empty means "leave as it is"."""

    credit_line: str = ""
    usage_terms: str = ""
    keywords: str = ""  # added to each item's keywords
    campaigns: list[str] = field(default_factory=list)  # added to each item's campaigns

    def is_empty(self) -> bool:
        """Nothing to change."""
        return not (
            self.credit_line.strip() or self.usage_terms or self.keywords.strip() or self.campaigns
        )


def current_corrections(item: Item) -> Corrections:
    """An item's present values, as corrections that change nothing."""
    return Corrections(**item_fields.present_all(item, Corrections.spec))


def bulk_correct(curator: User, item_ids: list[int], changes: BulkChanges) -> BulkResult:
    """The same corrections on several items, each through `correct` (its guard, its audit)."""
    if changes.is_empty():
        raise ValidationError(_l("Please give at least one change."), field="credit_line")
    campaigns.find_campaigns(changes.campaigns)  # an unknown slug fails before any item

    def apply(item: Item) -> None:
        data = current_corrections(item)
        if changes.credit_line.strip():
            data.credit_line = changes.credit_line
        if changes.usage_terms:
            data.usage_terms = changes.usage_terms
        if changes.keywords.strip():
            data.keywords = (
                f"{item.keywords}, {changes.keywords}" if item.keywords else changes.keywords
            )
        data.campaigns = list(dict.fromkeys([*data.campaigns, *changes.campaigns]))
        if correct(curator, item, data):
            workflow.commit()

    return each(item_ids, apply)
