"""Reading items within a user's scope; creating and editing live in submission."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import selectinload

from kitchen import search
from kitchen.extensions import db
from kitchen.models import Campaign, Item, ItemKind, ItemStatus, MediaFile, Organization, User
from kitchen.services.access import Action, authorize, may_edit_now, visible_items
from kitchen.services.errors import NotFound


@dataclass
class ItemFilter:
    """What a list of items is narrowed by."""

    status: str | None = None
    kind: str | None = None
    organization_id: int | None = None
    campaign: str | None = None
    mine: bool = False


@dataclass
class Page:
    """One page of a list."""

    items: list[Item]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))


def get_item(user: User, item_id: int, action: Action = Action.VIEW_ITEM) -> Item:
    """The item, if the user may do the action to it (404 outside scope, 403 wrong role)."""
    item = db.session.get(Item, item_id)
    if item is None:
        raise NotFound()
    authorize(user, action, item)
    return item


def _filtered(user: User, flt: ItemFilter) -> Select[tuple[Item]]:
    """The scoped query with the filter applied."""
    query = select(Item).where(visible_items(user))
    if flt.status and flt.status in ItemStatus.__members__.values():
        query = query.where(Item.status == ItemStatus(flt.status))
    if flt.kind and flt.kind in ItemKind.__members__.values():
        query = query.where(Item.kind == ItemKind(flt.kind))
    if flt.organization_id:
        query = query.where(Item.organization_id == flt.organization_id)
    if flt.mine and user.organization_id is not None:
        query = query.where(Item.organization_id == user.organization_id)
    if flt.campaign:
        query = query.where(Item.campaigns.any(Campaign.slug == flt.campaign))
    return query


MAX_PER_PAGE = search.MAX_PER_PAGE  # items a page at the most, as in search
MAX_PAGE = 10_000  # the deepest page a list reaches


def list_items(user: User, flt: ItemFilter, page: int = 1, per_page: int = 20) -> Page:
    """Items the user may see, newest first, one page at a time."""
    page = max(1, min(page, MAX_PAGE))
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = _filtered(user, flt)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(Item.updated_at.desc(), Item.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).unique()
    return Page(items=list(rows), total=total, page=page, per_page=per_page)


def status_counts(user: User, flt: ItemFilter | None = None) -> dict[str, int]:
    """How many visible items are in each state."""
    query = _filtered(user, flt or ItemFilter()).subquery()
    rows = db.session.execute(select(query.c.status, func.count()).group_by(query.c.status))
    return {str(status): count for status, count in rows}


def latest_approved(user: User, limit: int = 8, featured: bool | None = None) -> list[Item]:
    """Recently approved items the user may see, optionally only the featured ones."""
    query = select(Item).where(Item.status == ItemStatus.APPROVED, visible_items(user))
    if featured is not None:
        query = query.where(Item.featured.is_(featured))
    query = query.order_by(Item.approved_at.desc(), Item.id.desc()).limit(limit)
    return list(db.session.scalars(query.options(selectinload(Item.files))).unique())


@dataclass(frozen=True)
class Card:
    """An approved item as a card in a strip: title, organisation, thumbnail."""

    id: int
    title: str
    organization: str
    thumb_file_id: int | None


_THUMB = (
    select(MediaFile.id)
    .where(MediaFile.item_id == Item.id, MediaFile.thumb_key.is_not(None))
    .order_by(MediaFile.position, MediaFile.id)
    .limit(1)
    .correlate(Item)
    .scalar_subquery()
)
_FEATURED_CARDS = (
    select(Item.id, Item.title, Organization.name, _THUMB)
    .join(Organization, Organization.id == Item.organization_id)
    .where(Item.status == ItemStatus.APPROVED, Item.featured.is_(True))
    .order_by(Item.approved_at.desc(), Item.id.desc())
    .limit(bindparam("limit"))
)


def featured_cards(user: User, limit: int = 6) -> list[Card]:
    """The newest featured items the user may see as cards, in one query (the library's front
    page)."""
    query = _FEATURED_CARDS.where(visible_items(user))
    return [Card(*row) for row in db.session.execute(query, {"limit": limit})]


def editable_ids(user: User, shown: list[Item]) -> set[int]:
    """Which of these items the user may edit now (a list's "Edit" links)."""
    return {item.id for item in shown if may_edit_now(user, item)}
