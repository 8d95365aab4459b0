"""Campaigns: the centre's themes and calls for material."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, func, or_, select

from kitchen.extensions import db
from kitchen.models import (
    MEMBER_KINDS,
    Campaign,
    Item,
    ItemStatus,
    Organization,
    OrgKind,
    User,
    item_campaign,
)
from kitchen.services import audit, calls, validation
from kitchen.services.errors import Conflict, NotFound, ValidationError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass
class CampaignData:
    """The editable fields of a campaign."""

    slug: str
    name: str
    description: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    is_open: bool = True
    target_kinds: tuple[str, ...] = ()  # organisation kinds the call is for (none: every one)
    target_regions: str = ""  # regions, separated by 、 or commas (none: every region)


def list_campaigns(open_only: bool = False) -> list[Campaign]:
    """Campaigns, open ones first, then by start date."""
    query = select(Campaign).order_by(
        Campaign.is_open.desc(), Campaign.starts_on.desc(), Campaign.name
    )
    if open_only:
        query = query.where(Campaign.is_open.is_(True))
    return list(db.session.scalars(query))


def get_campaign(slug: str) -> Campaign:
    """A campaign by slug, or NotFound."""
    campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).first()
    if campaign is None:
        raise NotFound()
    return campaign


def find_campaigns(slugs: list[str]) -> list[Campaign]:
    """The campaigns with these slugs; an unknown slug is an error, not silently dropped."""
    wanted = {s.strip() for s in slugs if s and s.strip()}
    found = list(db.session.scalars(select(Campaign).where(Campaign.slug.in_(wanted))))
    missing = wanted - {c.slug for c in found}
    if missing:
        raise ValidationError(
            _l("Unknown campaign: %(slugs)s", slugs=", ".join(sorted(missing))), field="campaigns"
        )
    return found


def save_campaign(
    data: CampaignData, actor: User | None, campaign: Campaign | None = None
) -> Campaign:
    """Create or update a campaign; slug and name are unique."""
    slug = validation.text(data.slug, "slug", max_len=64, required=True).lower()
    if not SLUG.match(slug):
        raise ValidationError(_l("Use lower-case letters, digits and hyphens only."), field="slug")
    name = validation.text(data.name, "name", max_len=120, required=True)
    description = validation.text(data.description, "description", max_len=5000)
    validation.date_range(data.starts_on, data.ends_on)
    kinds, regions = calls.clean_targets(data.target_kinds, data.target_regions)
    for column, value, field in ((Campaign.slug, slug, "slug"), (Campaign.name, name, "name")):
        clash = db.session.scalars(select(Campaign).where(column == value)).first()
        if clash is not None and clash is not campaign:
            raise Conflict(_l("A campaign with this name or slug already exists."), field=field)
    created = campaign is None
    campaign = campaign or Campaign(slug=slug, name=name)
    dates_changed = created or (campaign.starts_on, campaign.ends_on) != (
        data.starts_on,
        data.ends_on,
    )
    campaign.slug, campaign.name, campaign.description = slug, name, description
    campaign.starts_on, campaign.ends_on, campaign.is_open = (
        data.starts_on,
        data.ends_on,
        data.is_open,
    )
    campaign.target_kinds, campaign.target_regions = kinds, regions
    if dates_changed:
        calls.reset_by_dates(campaign)
    db.session.add(campaign)
    db.session.flush()
    audit.record(
        actor,
        "campaign.create" if created else "campaign.update",
        "campaign",
        campaign.id,
        {"slug": slug, "name": name, "is_open": campaign.is_open},
    )
    db.session.commit()
    return campaign


def approved_counts() -> dict[int, int]:
    """Approved items per campaign id."""
    rows = db.session.execute(
        select(item_campaign.c.campaign_id, func.count())
        .join(Item, Item.id == item_campaign.c.item_id)
        .where(Item.status == ItemStatus.APPROVED)
        .group_by(item_campaign.c.campaign_id)
    )
    return {campaign_id: count for campaign_id, count in rows}


@dataclass(frozen=True)
class Answer:
    """One organisation's answer to a call: what it sent and how much was adopted."""

    organization_id: int
    name: str
    kind: OrgKind
    region: str
    sent: int
    approved: int
    targeted: bool  # the call is for it (others appear only when they answered anyway)


def answers(campaign: Campaign, kind: str = "", region: str = "") -> list[Answer]:
    """Who answered the call, and who did not: every organisation the call is for (and any
    other that answered) with the items it sent for the campaign and how many were approved;
    narrowed to one organisation kind or region when asked."""
    sent = (
        select(
            Item.organization_id.label("org"),
            func.count(Item.id).label("total"),
            func.sum(case((Item.status == ItemStatus.APPROVED, 1), else_=0)).label("approved"),
        )
        .join(item_campaign, item_campaign.c.item_id == Item.id)
        .where(item_campaign.c.campaign_id == campaign.id, Item.status != ItemStatus.DRAFT)
        .group_by(Item.organization_id)
        .subquery()
    )
    total = func.coalesce(sent.c.total, 0)
    targeted = {org.id for org in calls.targeted_organizations(campaign)}
    query = (
        select(Organization, total, func.coalesce(sent.c.approved, 0))
        .outerjoin(sent, sent.c.org == Organization.id)
        .where(
            or_(
                sent.c.total.is_not(None),
                and_(Organization.kind.in_(MEMBER_KINDS), Organization.active.is_(True)),
            )
        )
        .order_by(total.desc(), Organization.name)
    )
    if kind:
        query = query.where(Organization.kind == kind) if kind in _KINDS else query.where(false())
    if region:
        query = query.where(Organization.region == region)
    found = []
    for org, count, done in db.session.execute(query):
        aimed = org.id in targeted
        if aimed or count:
            found.append(
                Answer(org.id, org.name, org.kind, org.region, int(count), int(done), aimed)
            )
    return found


_KINDS = frozenset(k.value for k in OrgKind)


def answer_regions(rows: list[Answer]) -> list[str]:
    """The regions of these answers, for the page's filter."""
    return sorted({row.region for row in rows if row.region})
