"""Calls for material (征集) that run by their dates: open, announce, remind and close.

The worker runs `sweep` now and then (`kitchen calls` runs it by hand). On a campaign's start
date it opens the call and tells every active contributor of the targeted organisations (kinds
and regions; none named means every member organisation), with the brief and the deadline; 7
days and 1 day before the deadline it reminds the targeted organisations that have not sent
anything for it yet; the day after the deadline it closes the call. Each step is a conditional
UPDATE on the campaign, so two workers sweeping at once do it once, and each is audited with
the system as its actor. A curator can also remind the silent organisations by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, or_, select, update

from kitchen.enums import MEMBER_KINDS, OrgKind, Role
from kitchen.extensions import db
from kitchen.fields import split_list
from kitchen.models import Campaign, Item, ItemStatus, Organization, User, item_campaign, utcnow
from kitchen.services import audit, notifications
from kitchen.services.access import Action, authorize
from kitchen.services.errors import ValidationError

REMINDERS = (7, 1)  # days before the deadline, largest first
BRIEF_CHARS = 300  # of the brief in a notification


@dataclass
class SweepReport:
    """What one sweep did."""

    opened: int = 0
    closed: int = 0
    reminded: int = 0  # organisations reminded


def today() -> date:
    """Today in the library's time zone (a call closes at midnight in Beijing)."""
    from kitchen.services.reports import local_zone

    return datetime.now(local_zone()).date()


def named_kinds(campaign: Campaign) -> list[OrgKind]:
    """The organisation kinds the call names (none: it is for every member organisation)."""
    return [OrgKind(k) for k in campaign.target_kinds.split(",") if k in _MEMBER_VALUES]


def target_kinds(campaign: Campaign) -> list[OrgKind]:
    """The organisation kinds the call is for (every member kind when none is named)."""
    return named_kinds(campaign) or sorted(MEMBER_KINDS)


def target_regions(campaign: Campaign) -> list[str]:
    """The regions the call is for (empty: every region)."""
    return [r for r in (part.strip() for part in campaign.target_regions.split("、")) if r]


_MEMBER_VALUES = frozenset(k.value for k in MEMBER_KINDS)


def clean_targets(kinds: Iterable[str], regions: str) -> tuple[str, str]:
    """The stored form of a call's targets; an unknown kind is an error."""
    chosen = [k for k in dict.fromkeys(kinds) if k]
    unknown = [k for k in chosen if k not in _MEMBER_VALUES]
    if unknown:
        raise ValidationError(_l("Please choose one of the listed values."), field="target_kinds")
    named = list(dict.fromkeys(split_list(regions)))
    stored_regions = "、".join(named)
    if len(stored_regions) > 500:
        raise ValidationError(_l("At most %(n)d characters.", n=500), field="target_regions")
    return ",".join(sorted(chosen)), stored_regions


def _targeted(campaign: Campaign) -> ColumnElement[bool]:
    """Active organisations the call is for."""
    condition = and_(Organization.active.is_(True), Organization.kind.in_(target_kinds(campaign)))
    regions = target_regions(campaign)
    return and_(condition, Organization.region.in_(regions)) if regions else condition


def _answered(campaign: Campaign) -> ColumnElement[bool]:
    """The organisation has sent something for the campaign (a draft is not an answer)."""
    return exists(
        select(Item.id)
        .join(item_campaign, item_campaign.c.item_id == Item.id)
        .where(
            item_campaign.c.campaign_id == campaign.id,
            Item.organization_id == Organization.id,
            Item.status != ItemStatus.DRAFT,
        )
    )


def targeted_organizations(campaign: Campaign) -> list[Organization]:
    """Every active organisation the call is for, by name."""
    query = select(Organization).where(_targeted(campaign)).order_by(Organization.name)
    return list(db.session.scalars(query))


def silent_organizations(campaign: Campaign) -> list[Organization]:
    """The targeted organisations that have not answered yet."""
    query = (
        select(Organization)
        .where(_targeted(campaign), ~_answered(campaign))
        .order_by(Organization.name)
    )
    return list(db.session.scalars(query))


def _contributors(organizations: Iterable[Organization]) -> list[User]:
    ids = [org.id for org in organizations]
    if not ids:
        return []
    query = select(User).where(
        User.organization_id.in_(ids), User.role == Role.CONTRIBUTOR, User.active.is_(True)
    )
    return list(db.session.scalars(query.order_by(User.id)))


def _brief(campaign: Campaign) -> str:
    text = campaign.description.strip()
    return text if len(text) <= BRIEF_CHARS else text[: BRIEF_CHARS - 1] + "…"


def _deadline(campaign: Campaign) -> str:
    if campaign.ends_on is None:
        return str(_l("No deadline."))
    return str(_l("Deadline: %(day)s.", day=campaign.ends_on.isoformat()))


def _notify(campaign: Campaign, users: list[User], action: str, comment: str) -> None:
    notifications.add_for(
        users, campaign_id=campaign.id, action=action, to_status="", comment=comment
    )


def announce(campaign: Campaign) -> int:
    """Tell the targeted contributors that the call is open; how many were told."""
    users = _contributors(targeted_organizations(campaign))
    _notify(campaign, users, "call_open", f"{_brief(campaign)}\n{_deadline(campaign)}")
    return len(users)


def _remind(campaign: Campaign, days: int | None) -> int:
    """Remind the silent organisations; how many organisations."""
    silent = silent_organizations(campaign)
    if days is None:
        text = _l("Your organisation has not answered this call yet.")
    else:
        text = _l(
            "The call closes in %(n)d days and your organisation has not answered it yet.",
            n=days,
        )
    _notify(campaign, _contributors(silent), "call_reminder", f"{text} {_deadline(campaign)}")
    return len(silent)


def _claim(campaign: Campaign, condition: ColumnElement[bool], **values: object) -> bool:
    """Take one step on the campaign if nobody has (True: this sweep does it)."""
    changed = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        return False
    db.session.expire(campaign)
    return True


def sweep(day: date | None = None) -> SweepReport:
    """Open, remind and close the calls whose dates say so; safe to run at any time."""
    day = day or today()
    report = SweepReport()
    due_open = select(Campaign).where(
        Campaign.opened_at.is_(None),
        Campaign.starts_on.is_not(None),
        Campaign.starts_on <= day,
        or_(Campaign.ends_on.is_(None), Campaign.ends_on >= day),
    )
    for campaign in db.session.scalars(due_open).all():
        if _claim(campaign, Campaign.opened_at.is_(None), opened_at=utcnow(), is_open=True):
            told = announce(campaign)
            audit.record(None, "campaign.open", "campaign", campaign.id, {"notified": told})
            report.opened += 1
    due_close = select(Campaign).where(Campaign.closed_at.is_(None), Campaign.ends_on < day)
    for campaign in db.session.scalars(due_close).all():
        was_open = campaign.is_open
        closed = _claim(campaign, Campaign.closed_at.is_(None), closed_at=utcnow(), is_open=False)
        if closed and was_open:
            ended = campaign.ends_on.isoformat() if campaign.ends_on else None
            audit.record(None, "campaign.close", "campaign", campaign.id, {"ended": ended})
            report.closed += 1
    running = select(Campaign).where(
        Campaign.is_open.is_(True), Campaign.ends_on.is_not(None), Campaign.ends_on >= day
    )
    for campaign in db.session.scalars(running).all():
        assert campaign.ends_on is not None
        left = (campaign.ends_on - day).days
        due = min((d for d in REMINDERS if left <= d), default=None)
        if due is None:
            continue
        fresh = or_(Campaign.reminded_days.is_(None), Campaign.reminded_days > due)
        if _claim(campaign, fresh, reminded_days=due):
            reminded = _remind(campaign, left)
            audit.record(
                None,
                "campaign.remind",
                "campaign",
                campaign.id,
                {"days": left, "organizations": reminded},
            )
            report.reminded += reminded
    db.session.commit()
    return report


def remind_now(user: User, campaign: Campaign) -> int:
    """A curator reminds the organisations that have not answered; how many were reminded."""
    authorize(user, Action.MANAGE_CAMPAIGNS)
    if not campaign.is_open:
        raise ValidationError(_l("The call is closed."))
    reminded = _remind(campaign, None)
    audit.record(user, "campaign.remind", "campaign", campaign.id, {"organizations": reminded})
    db.session.commit()
    return reminded


def reset_by_dates(campaign: Campaign, day: date | None = None) -> None:
    """After its dates change: a call starting later waits for its day, a deadline moved
    on is closed and reminded about again."""
    day = day or today()
    if campaign.starts_on is not None and campaign.starts_on > day:
        campaign.opened_at = None
        campaign.is_open = False
    if campaign.ends_on is None or campaign.ends_on >= day:
        campaign.closed_at = None
        campaign.reminded_days = None
