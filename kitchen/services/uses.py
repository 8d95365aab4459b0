"""已刊发: where approved material was published, and leads the centre handed to partner outlets.

A use is recorded by a journalist (for their outlet) or a curator (for any outlet); the item's
organisation is told, sees it on the item, and the report counts it. A handoff names the outlet
a curator gave an item to; the uses that outlet records afterwards are its coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import (
    Channel,
    Handoff,
    Item,
    ItemUse,
    Notification,
    Organization,
    OrgKind,
    Role,
    User,
)
from kitchen.services import audit, notifications, validation
from kitchen.services.access import (
    Action,
    authorize,
    may_record_use,
    may_remove_use,
    role_may,
    sees_handoff,
)
from kitchen.services.errors import Conflict, Forbidden, NotFound, ValidationError

OUTLET_MAX = 120
URL_MAX = 500
NOTE_MAX = 2000
# A use is dated when it appeared: not before the item existed, not in the future.
FUTURE_SLACK = timedelta(days=1)


@dataclass
class UseData:
    """What a journalist types to record a use."""

    outlet: str = ""
    url: str = ""
    published_on: date | None = None
    channel: str = Channel.NEW_MEDIA.value


def record(user: User, item: Item, data: UseData) -> ItemUse:
    """Record a use of an approved item, tell its organisation, and commit."""
    if not may_record_use(user, item):
        authorize(user, Action.VIEW_ITEM, item)  # 404 outside the user's scope
        if not role_may(user, Action.RECORD_USE):
            raise Forbidden()
        raise Conflict(_l("Only approved items can be recorded as published."))
    outlet = validation.text(data.outlet, "outlet", max_len=OUTLET_MAX) or _default_outlet(user)
    if not outlet:
        raise ValidationError(_l("This field is required."), field="outlet")
    url = validation.web_address(data.url, "url", max_len=URL_MAX)
    published_on = _published_on(data.published_on, item)
    channel = validation.choice(data.channel, Channel, "channel")
    if url and _already_recorded(item.id, url):
        raise Conflict(_l("This link is already recorded for this item."), field="url")
    use = ItemUse(
        item_id=item.id,
        outlet=outlet,
        url=url,
        published_on=published_on,
        channel=channel,
        recorded_by_id=user.id,
        organization_id=user.organization_id,
        handoff_id=_open_handoff(item.id, user.organization_id),
    )
    db.session.add(use)
    db.session.flush()
    audit.record(
        user,
        "item.use",
        "item",
        item.id,
        {"use": use.id, "outlet": outlet, "url": url, "published_on": published_on.isoformat()},
    )
    if item.submitter_id != user.id:
        notifications.add(
            Notification(
                user_id=item.submitter_id,
                item_id=item.id,
                action="use",
                to_status=item.status.value,
                comment=f"{outlet} · {published_on.isoformat()}" + (f"\n{url}" if url else ""),
            )
        )
    db.session.commit()
    return use


def _default_outlet(user: User) -> str:
    """A journalist's use is, unless said otherwise, in their own outlet; a curator names it."""
    if user.role == Role.JOURNALIST and user.organization is not None:
        return user.organization.name
    return ""


def _published_on(value: date | None, item: Item) -> date:
    if value is None:
        raise ValidationError(_l("This field is required."), field="published_on")
    if value > date.today() + FUTURE_SLACK:
        raise ValidationError(_l("The date cannot be in the future."), field="published_on")
    earliest = item.created_at.date() - timedelta(days=366)
    if value < earliest:
        raise ValidationError(
            _l("The date is long before this item reached the library."), field="published_on"
        )
    return value


def _already_recorded(item_id: int, url: str) -> bool:
    query = select(func.count(ItemUse.id)).where(ItemUse.item_id == item_id, ItemUse.url == url)
    return bool(db.session.scalar(query))


def _open_handoff(item_id: int, organization_id: int | None) -> int | None:
    """The latest handoff of this item to the recorder's outlet, if any."""
    if organization_id is None:
        return None
    return db.session.scalar(
        select(Handoff.id)
        .where(Handoff.item_id == item_id, Handoff.organization_id == organization_id)
        .order_by(Handoff.created_at.desc(), Handoff.id.desc())
        .limit(1)
    )


def remove(user: User, use_id: int) -> Item:
    """Take back a use (its recorder or a curator); returns its item."""
    use = db.session.get(ItemUse, use_id)
    if use is None:
        raise NotFound()
    authorize(user, Action.VIEW_ITEM, use.item)
    if not may_remove_use(user, use.recorded_by_id):
        raise Forbidden()
    item = use.item
    audit.record(user, "item.use_removed", "item", item.id, {"use": use.id, "outlet": use.outlet})
    db.session.delete(use)
    db.session.commit()
    return item


def uses_of(item: Item) -> list[ItemUse]:
    """The item's recorded uses, latest publication first."""
    return list(
        db.session.scalars(
            select(ItemUse)
            .where(ItemUse.item_id == item.id)
            .order_by(ItemUse.published_on.desc(), ItemUse.id.desc())
        )
    )


def media_outlets() -> list[Organization]:
    """Partner outlets a curator can hand an item to."""
    return list(
        db.session.scalars(
            select(Organization)
            .where(Organization.kind == OrgKind.MEDIA, Organization.active.is_(True))
            .order_by(Organization.name)
        )
    )


def hand_off(user: User, item: Item, organization_id: int | None, note: str) -> Handoff:
    """Hand an approved item to a partner outlet: its journalists are told; commit."""
    authorize(user, Action.HAND_OFF, item)
    if not item.is_public:
        raise Conflict(_l("Only approved items can be handed to an outlet."))
    outlet = db.session.get(Organization, organization_id) if organization_id else None
    if outlet is None or outlet.kind != OrgKind.MEDIA or not outlet.active:
        raise ValidationError(_l("Choose a partner outlet."), field="organization_id")
    note = validation.text(note, "note", max_len=NOTE_MAX)
    handoff = Handoff(item_id=item.id, organization_id=outlet.id, note=note, handed_by_id=user.id)
    db.session.add(handoff)
    db.session.flush()
    audit.record(
        user, "item.handoff", "item", item.id, {"handoff": handoff.id, "outlet": outlet.name}
    )
    journalists = db.session.scalars(
        select(User).where(
            User.organization_id == outlet.id,
            User.role == Role.JOURNALIST,
            User.active.is_(True),
        )
    )
    for journalist in journalists:
        notifications.add(
            Notification(
                user_id=journalist.id,
                item_id=item.id,
                action="handoff",
                to_status=item.status.value,
                comment=note,
            )
        )
    db.session.commit()
    return handoff


@dataclass
class HandoffView:
    """A handoff with the coverage that came back from its outlet."""

    handoff: Handoff
    uses: list[ItemUse]


def handoffs_of(user: User, item: Item, uses: list[ItemUse]) -> list[HandoffView]:
    """The item's handoffs this user may see (the centre: all; an outlet: its own)."""
    rows = db.session.scalars(
        select(Handoff).where(Handoff.item_id == item.id).order_by(Handoff.created_at.desc())
    )
    return [
        HandoffView(h, [u for u in uses if u.handoff_id == h.id])
        for h in rows
        if sees_handoff(user, h.organization_id)
    ]


def download_count(item: Item) -> int:
    """How many times the item's files were downloaded (every rendition asked for)."""
    from kitchen.models import DownloadEvent

    return (
        db.session.scalar(
            select(func.count(DownloadEvent.id)).where(DownloadEvent.item_id == item.id)
        )
        or 0
    )


@dataclass
class Panel:
    """The item page's 已刊发 box: downloads, uses, handoffs, and what this user may do there."""

    downloads: int
    uses: list[ItemUse]
    handoffs: list[HandoffView]
    may_record: bool
    may_hand_off: bool
    removable: set[int]
    outlets: list[Organization]
    default_outlet: str  # what an empty outlet field records: a media account's own outlet

    @property
    def shown(self) -> bool:
        """Work in progress that nobody downloaded has no travels to show."""
        return bool(self.may_record or self.may_hand_off or self.uses or self.downloads)


def panel(user: User, item: Item) -> Panel:
    """What the item page shows of its travels, for this user."""
    found = uses_of(item)
    hands = role_may(user, Action.HAND_OFF) and item.is_public
    return Panel(
        downloads=download_count(item),
        uses=found,
        handoffs=handoffs_of(user, item, found),
        may_record=may_record_use(user, item),
        may_hand_off=hands,
        removable={u.id for u in found if may_remove_use(user, u.recorded_by_id)},
        outlets=media_outlets() if hands else [],
        default_outlet=_default_outlet(user),
    )
