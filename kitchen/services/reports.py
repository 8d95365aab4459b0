"""The quarterly report and the evaluation index (评价指标体系): what each member organisation
contributed in a period and how far it travelled.

Everything is read from the database by grouped queries, one per figure, so the cost follows
the period's rows and not the library's size. The figures, as the page and the README define
them:

- submitted: items first sent for review in the period (an item returned and sent again
  counts once, in the period it was first sent), by kind;
- adoption rate: of those, the share approved since;
- approved / featured: items first approved in the period / of which featured;
- returned: items sent back for changes in the period;
- median time to decision: from the latest submission to each decision made in the period;
- downloads: downloads in the period of the organisation's items by accounts of other
  organisations or of the centre (its own accounts are not counted), of which by media
  accounts and by other member organisations (reuse, 共建共享; the centre's downloads count in
  the total but never as reuse); distinct downloaders; organisations reached;
- campaigns answered: campaigns open during the period for which the organisation sent at least
  one item in the period, out of the campaigns open;
- uses: recorded publications (已刊发) with a publication date in the period.

The index is a weighted mean of the parts' scores (0–100): a count scores 100 × value ÷ the
highest value of any organisation in the period, a rate scores 100 × rate.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from kitchen.database import is_sqlite
from kitchen.extensions import db
from kitchen.models import (
    MEMBER_KINDS,
    Campaign,
    DownloadEvent,
    Item,
    ItemKind,
    ItemUse,
    Organization,
    OrgKind,
    ReportWeight,
    Review,
    Role,
    ShareLink,
    ShareVisit,
    User,
    item_campaign,
)
from kitchen.services import audit
from kitchen.services.access import (
    Action,
    authorize,
    may_read_report,
    role_may,
    visible_items,
)
from kitchen.services.errors import Conflict, Forbidden, NotFound, ValidationError

DECISIONS = ("approve", "reject", "request_changes")


# --- periods ----------------------------------------------------------------------------------

PERIOD = re.compile(r"^(\d{4})(?:[Qq]([1-4])|-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    """A quarter (2026Q4), a month (2026-11) or a year (2026), in the library's time zone."""

    kind: str  # "quarter", "month" or "year"
    year: int
    number: int = 0  # the quarter or the month; 0 for a year

    @property
    def code(self) -> str:
        """How the period is written in addresses, the API and the command line."""
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def start(self) -> date:
        """The first day."""
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        if self.kind == "month":
            return date(self.year, self.number, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The day after the last day."""
        if self.kind == "quarter":
            return _add_months(self.start, 3)
        if self.kind == "month":
            return _add_months(self.start, 1)
        return date(self.year + 1, 1, 1)

    @property
    def label(self) -> str:
        """The period in the interface language (2026年第4季度, 2026 Q4)."""
        if self.kind == "quarter":
            return str(_l("%(year)d Q%(n)d", year=self.year, n=self.number))
        if self.kind == "month":
            return str(_l("%(year)d-%(month)02d", year=self.year, month=self.number))
        return str(_l("Year %(year)d", year=self.year))

    def previous(self) -> Period:
        """The period of the same kind before this one."""
        if self.kind == "quarter":
            return Period(
                "quarter",
                *((self.year, self.number - 1) if self.number > 1 else (self.year - 1, 4)),
            )
        if self.kind == "month":
            return Period(
                "month", *((self.year, self.number - 1) if self.number > 1 else (self.year - 1, 12))
            )
        return Period("year", self.year - 1)

    def following(self) -> Period:
        """The period of the same kind after this one."""
        if self.kind == "quarter":
            return Period(
                "quarter",
                *((self.year, self.number + 1) if self.number < 4 else (self.year + 1, 1)),
            )
        if self.kind == "month":
            return Period(
                "month", *((self.year, self.number + 1) if self.number < 12 else (self.year + 1, 1))
            )
        return Period("year", self.year + 1)

    def bounds(self) -> tuple[datetime, datetime]:
        """The period's first and after-last instants, in UTC."""
        return instant(self.start), instant(self.end)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def local_zone() -> ZoneInfo:
    """The library's time zone: a report's quarter starts at midnight in Beijing."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def instant(day: date) -> datetime:
    """Midnight at the start of this day in the library's time zone, in UTC."""
    return datetime.combine(day, time(0), tzinfo=local_zone()).astimezone(UTC)


def current_period(today: date | None = None) -> Period:
    """The quarter we are in."""
    today = today or datetime.now(local_zone()).date()
    return Period("quarter", today.year, (today.month - 1) // 3 + 1)


def parse_period(text: str | None, today: date | None = None) -> Period:
    """2026Q4, 2026-11 or 2026; nothing means the current quarter."""
    text = (text or "").strip()
    if not text:
        return current_period(today)
    match = PERIOD.match(text)
    if match is None or not 2000 <= int(match.group(1)) <= 2100:
        raise ValidationError(
            _l("Give a period as 2026Q4, 2026-11 or 2026."),
            field="period",
        )
    year = int(match.group(1))
    if match.group(2):
        return Period("quarter", year, int(match.group(2)))
    if match.group(3):
        return Period("month", year, int(match.group(3)))
    return Period("year", year)


def period_choices(around: Period) -> list[tuple[str, list[Period]]]:
    """The period picker: the last eight quarters, twelve months and three years, newest
    first, with the period shown added where it is older."""
    groups: list[tuple[str, list[Period]]] = []
    now = current_period()
    for name, first, count in (
        (_l("Quarters"), now, 8),
        (_l("Months"), Period("month", *_this_month()), 12),
        (_l("Years"), Period("year", now.year), 3),
    ):
        members = [first]
        while len(members) < count:
            members.append(members[-1].previous())
        if around.kind == first.kind and around not in members:
            members.append(around)
        groups.append((str(name), members))
    return groups


def _this_month() -> tuple[int, int]:
    today = datetime.now(local_zone()).date()
    return today.year, today.month


# --- the evaluation index -----------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of the index: its key, its name, its default weight, and whether it is a rate."""

    key: str
    label: object
    default: float
    rate: bool = False


PARTS: tuple[Part, ...] = (
    Part("approved", _l("Items adopted"), 15),
    Part("adoption_rate", _l("Adoption rate"), 10, rate=True),
    Part("featured", _l("Featured"), 10),
    Part("media_downloads", _l("Downloads by media"), 15),
    Part("reuse_downloads", _l("Reuse by other members"), 10),
    Part("downloaders", _l("Distinct downloaders"), 5),
    Part("campaign_rate", _l("Calls answered"), 10, rate=True),
    # A publication is the strongest sign of influence: the heaviest weight.
    Part("uses", _l("Recorded uses"), 25),
)
PART_KEYS = tuple(p.key for p in PARTS)
MAX_WEIGHT = 100.0


def weights() -> dict[str, float]:
    """The weights in force: the admins' where set, the defaults otherwise."""
    stored = dict(db.session.execute(select(ReportWeight.key, ReportWeight.weight)).tuples().all())
    return {p.key: float(stored.get(p.key, p.default)) for p in PARTS}


def default_weights() -> dict[str, float]:
    """The weights the library ships with (they sum to 100)."""
    return {p.key: p.default for p in PARTS}


def save_weights(user: User, values: dict[str, str | float | None]) -> dict[str, float]:
    """Store new weights (admins only): each 0–100, not all zero; audited; commit."""
    if not may_manage_weights(user):
        raise Forbidden()
    parsed: dict[str, float] = {}
    for part in PARTS:
        raw = values.get(part.key)
        try:
            number = float(str(raw).strip()) if raw is not None and str(raw).strip() else None
        except ValueError:
            number = None
        if number is None or not 0 <= number <= MAX_WEIGHT or number != number:
            raise ValidationError(
                _l("Give a number from 0 to %(n)d.", n=int(MAX_WEIGHT)), field=part.key
            )
        parsed[part.key] = round(number, 2)
    if not any(parsed.values()):
        raise ValidationError(_l("At least one weight must be above zero."), field=PART_KEYS[0])
    before = weights()
    for key, number in parsed.items():
        row = db.session.get(ReportWeight, key)
        if row is None:
            db.session.add(ReportWeight(key=key, weight=number, updated_by_id=user.id))
        else:
            row.weight, row.updated_by_id = number, user.id
    changed = {k: [before[k], v] for k, v in parsed.items() if before[k] != v}
    audit.record(user, "report.weights", "report", None, {"changed": changed})
    try:
        db.session.commit()
    except IntegrityError as exc:  # another admin saved the first weights at the same moment
        db.session.rollback()
        raise Conflict(_l("Someone else changed the weights a moment ago. Please reload.")) from exc
    return parsed


def may_manage_weights(user: User | None) -> bool:
    """Admins set the weights."""
    return role_may(user, Action.MANAGE_REPORT_WEIGHTS)


# --- the figures ------------------------------------------------------------------------------


@dataclass
class OrgRow:
    """One organisation's figures in a period, its scores, index and rank."""

    organization_id: int
    name: str
    kind: OrgKind
    region: str
    submitted: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    adopted_of_submitted: int = 0
    approved: int = 0
    featured: int = 0
    returned: int = 0
    median_hours: float | None = None
    downloads: int = 0
    media_downloads: int = 0
    reuse_downloads: int = 0
    downloaders: int = 0
    orgs_reached: int = 0
    campaigns_answered: int = 0
    campaigns_open: int = 0
    uses: int = 0
    outlets: int = 0
    link_visits: int = 0  # openings of its accounts' share links
    link_downloads: int = 0  # downloads through them (of anyone's material)
    scores: dict[str, float] = field(default_factory=dict)
    index: float = 0.0
    rank: int = 0

    @property
    def adoption_rate(self) -> float | None:
        """Approved share of the items submitted in the period (None: nothing submitted)."""
        return self.adopted_of_submitted / self.submitted if self.submitted else None

    @property
    def campaign_rate(self) -> float | None:
        """Share of the period's open campaigns answered (None: no campaign was open)."""
        return self.campaigns_answered / self.campaigns_open if self.campaigns_open else None

    def value(self, key: str) -> float:
        """A part's raw value (rates as 0–1, missing rates as 0)."""
        found = getattr(self, key)
        return float(found) if found is not None else 0.0


@dataclass
class Report:
    """The whole report of a period: ranked organisations and the views drawn from them."""

    period: Period
    rows: list[OrgRow]
    weights: dict[str, float]
    campaigns: list[Campaign]
    answers: dict[int, dict[int, int]]
    monthly: list[tuple[date, int, int]]
    regions: list[tuple[str, int, float]]
    kinds: list[tuple[OrgKind, int, float]]

    def row(self, organization_id: int) -> OrgRow:
        """One organisation's row, or NotFound."""
        for row in self.rows:
            if row.organization_id == organization_id:
                return row
        raise NotFound()


def build(period: Period) -> Report:
    """The report of every member organisation for the period."""
    start, end = period.bounds()
    rows = {r.organization_id: r for r in _organizations(start, end)}
    _submissions(rows, start, end)
    _approvals(rows, start, end)
    _returns(rows, start, end)
    _decision_times(rows, start, end)
    _downloads(rows, start, end)
    _shared(rows, start, end)
    _uses(rows, period)
    campaigns = open_campaigns(period)
    answers = _answers(rows, campaigns, start, end)
    weight_map = weights()
    ranked = rank(list(rows.values()), weight_map)
    return Report(
        period=period,
        rows=ranked,
        weights=weight_map,
        campaigns=campaigns,
        answers=answers,
        monthly=monthly(period),
        regions=_grouped(ranked, lambda r: r.region or str(_l("(no region)"))),
        kinds=_grouped(ranked, lambda r: r.kind),
    )


def _organizations(start: datetime, end: datetime) -> list[OrgRow]:
    """Active member organisations, and inactive ones that sent something in the period."""
    sent = select(Item.organization_id).where(
        Item.first_submitted_at >= start, Item.first_submitted_at < end
    )
    query = select(Organization).where(
        Organization.kind.in_(MEMBER_KINDS),
        or_(Organization.active.is_(True), Organization.id.in_(sent)),
    )
    return [
        OrgRow(o.id, o.name, o.kind, o.region, by_kind={k.value: 0 for k in ItemKind})
        for o in db.session.scalars(query)
    ]


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _submissions(rows: dict[int, OrgRow], start: datetime, end: datetime) -> None:
    adopted = func.sum(case((Item.approved_at.is_not(None), 1), else_=0))
    query = (
        select(Item.organization_id, Item.kind, func.count(Item.id), adopted)
        .where(_between(Item.first_submitted_at, start, end))
        .group_by(Item.organization_id, Item.kind)
    )
    for org_id, kind, count, done in db.session.execute(query):
        if (row := rows.get(org_id)) is not None:
            row.by_kind[kind.value] = count
            row.submitted += count
            row.adopted_of_submitted += int(done or 0)


def _approvals(rows: dict[int, OrgRow], start: datetime, end: datetime) -> None:
    featured = func.sum(case((Item.featured.is_(True), 1), else_=0))
    query = (
        select(Item.organization_id, func.count(Item.id), featured)
        .where(_between(Item.approved_at, start, end))
        .group_by(Item.organization_id)
    )
    for org_id, count, starred in db.session.execute(query):
        if (row := rows.get(org_id)) is not None:
            row.approved, row.featured = count, int(starred or 0)


def _returns(rows: dict[int, OrgRow], start: datetime, end: datetime) -> None:
    query = (
        select(Item.organization_id, func.count(distinct(Review.item_id)))
        .join(Item, Item.id == Review.item_id)
        .where(Review.action == "request_changes", _between(Review.created_at, start, end))
        .group_by(Item.organization_id)
    )
    for org_id, count in db.session.execute(query):
        if (row := rows.get(org_id)) is not None:
            row.returned = count


def _hours(later: Any, earlier: Any) -> ColumnElement[Any]:
    if is_sqlite():
        return (func.julianday(later) - func.julianday(earlier)) * 24.0
    return func.extract("epoch", later - earlier) / 3600.0


def _decision_times(rows: dict[int, OrgRow], start: datetime, end: datetime) -> None:
    """The median, per organisation, of the hours from the latest submission to each decision."""
    sent = aliased(Review)
    submitted_at = (
        select(func.max(sent.created_at))
        .where(
            sent.item_id == Review.item_id,
            sent.action == "submit",
            sent.created_at <= Review.created_at,
        )
        .scalar_subquery()
    )
    waits = (
        select(
            Item.organization_id.label("org"),
            _hours(Review.created_at, submitted_at).label("hours"),
        )
        .join(Item, Item.id == Review.item_id)
        .where(Review.action.in_(DECISIONS), _between(Review.created_at, start, end))
        .subquery()
    )
    ordered = (
        select(
            waits.c.org,
            waits.c.hours,
            func.row_number().over(partition_by=waits.c.org, order_by=waits.c.hours).label("n"),
            func.count().over(partition_by=waits.c.org).label("total"),
        )
        .where(waits.c.hours.is_not(None))
        .subquery()
    )
    # The middle row, or the mean of the two middle rows: the median, on both databases.
    middle = or_(ordered.c.n == (ordered.c.total + 1) / 2, ordered.c.n == (ordered.c.total + 2) / 2)
    query = select(ordered.c.org, func.avg(ordered.c.hours)).where(middle).group_by(ordered.c.org)
    for org_id, hours in db.session.execute(query):
        if (row := rows.get(org_id)) is not None and hours is not None:
            row.median_hours = round(float(hours), 1)


def _others_downloads(start: datetime, end: datetime) -> Select[tuple[Any, ...]]:
    """Downloads in the period of items by accounts outside the item's organisation."""
    downloader = aliased(User)
    return (
        select(
            Item.organization_id.label("item_org"),
            DownloadEvent.user_id.label("user_id"),
            downloader.role.label("role"),
            downloader.organization_id.label("user_org"),
        )
        .select_from(DownloadEvent)
        .join(Item, Item.id == DownloadEvent.item_id)
        .join(downloader, downloader.id == DownloadEvent.user_id)
        .where(
            _between(DownloadEvent.created_at, start, end),
            downloader.organization_id.is_distinct_from(Item.organization_id),
        )
    )


def _downloads(rows: dict[int, OrgRow], start: datetime, end: datetime) -> None:
    taken = _others_downloads(start, end).subquery()
    role, org = taken.c.role, taken.c.user_org
    reused = role == Role.CONTRIBUTOR
    by_media = role == Role.JOURNALIST
    reached = case((or_(reused, by_media), org), else_=None)
    query = select(
        taken.c.item_org,
        func.count(),
        func.sum(case((by_media, 1), else_=0)),
        func.sum(case((reused, 1), else_=0)),
        func.count(distinct(taken.c.user_id)),
        func.count(distinct(reached)),
    ).group_by(taken.c.item_org)
    for org_id, total, media, reuse, people, orgs in db.session.execute(query):
        if (row := rows.get(org_id)) is not None:
            row.downloads, row.media_downloads, row.reuse_downloads = total, int(media), int(reuse)
            row.downloaders, row.orgs_reached = people, orgs


def _shared(rows: dict[int, OrgRow], start: datetime, end: datetime) -> None:
    """What the organisation's accounts handed on by share link: visits and downloads."""
    query = (
        select(User.organization_id, ShareVisit.what, func.count())
        .select_from(ShareVisit)
        .join(ShareLink, ShareLink.id == ShareVisit.share_link_id)
        .join(User, User.id == ShareLink.owner_id)
        .where(_between(ShareVisit.created_at, start, end), User.organization_id.is_not(None))
        .group_by(User.organization_id, ShareVisit.what)
    )
    for org_id, what, count in db.session.execute(query):
        if (row := rows.get(org_id)) is not None:
            if what == "view":
                row.link_visits = count
            else:
                row.link_downloads = count


def _uses(rows: dict[int, OrgRow], period: Period) -> None:
    query = (
        select(Item.organization_id, func.count(ItemUse.id), func.count(distinct(ItemUse.outlet)))
        .join(Item, Item.id == ItemUse.item_id)
        .where(ItemUse.published_on >= period.start, ItemUse.published_on < period.end)
        .group_by(Item.organization_id)
    )
    for org_id, count, outlets in db.session.execute(query):
        if (row := rows.get(org_id)) is not None:
            row.uses, row.outlets = count, outlets


def open_campaigns(period: Period) -> list[Campaign]:
    """Campaigns open at some time in the period: started by its end (or created by then when
    no start is set) and not ended before it began; one closed by hand with no end date counts
    only while open."""
    end = period.bounds()[1]
    query = (
        select(Campaign)
        .where(
            or_(
                Campaign.starts_on < period.end,
                and_(Campaign.starts_on.is_(None), Campaign.created_at < end),
            ),
            or_(
                Campaign.ends_on >= period.start,
                and_(Campaign.ends_on.is_(None), Campaign.is_open.is_(True)),
            ),
        )
        .order_by(Campaign.starts_on, Campaign.name)
    )
    return list(db.session.scalars(query))


def _answers(
    rows: dict[int, OrgRow], campaigns: list[Campaign], start: datetime, end: datetime
) -> dict[int, dict[int, int]]:
    """Items sent in the period per organisation and open campaign."""
    answers: dict[int, dict[int, int]] = defaultdict(dict)
    for each in rows.values():
        each.campaigns_open = len(campaigns)
    if not campaigns:
        return answers
    query = (
        select(Item.organization_id, item_campaign.c.campaign_id, func.count(Item.id))
        .join(item_campaign, item_campaign.c.item_id == Item.id)
        .where(
            _between(Item.first_submitted_at, start, end),
            item_campaign.c.campaign_id.in_([c.id for c in campaigns]),
        )
        .group_by(Item.organization_id, item_campaign.c.campaign_id)
    )
    for org_id, campaign_id, count in db.session.execute(query):
        if (row := rows.get(org_id)) is not None:
            answers[org_id][campaign_id] = count
            row.campaigns_answered += 1
    return answers


def monthly(period: Period, organization_id: int | None = None) -> list[tuple[date, int, int]]:
    """Items submitted and approved per month, for the twelve months ending with the period."""
    months = [_add_months(period.end, -12 + i) for i in range(13)]
    edges = [instant(m) for m in months]
    counts = {m: [0, 0] for m in months[:-1]}
    for slot, column in enumerate((Item.first_submitted_at, Item.approved_at)):
        bucket = case(
            *[(column < edge, literal(i)) for i, edge in enumerate(edges[1:])], else_=literal(-1)
        )
        query = (
            select(bucket, func.count(Item.id))
            .where(_between(column, edges[0], edges[-1]))
            .group_by(bucket)
        )
        if organization_id is not None:
            query = query.where(Item.organization_id == organization_id)
        else:
            query = query.join(Organization, Organization.id == Item.organization_id).where(
                Organization.kind.in_(MEMBER_KINDS)
            )
        for index, count in db.session.execute(query):
            if 0 <= index < 12:
                counts[months[index]][slot] = count
    return [(month, sub, app) for month, (sub, app) in counts.items()]


def rank(rows: list[OrgRow], weight_map: dict[str, float]) -> list[OrgRow]:
    """Score each part, combine by the weights, and rank (equal indexes share a rank)."""
    highest = {p.key: max((r.value(p.key) for r in rows), default=0.0) for p in PARTS}
    total_weight = sum(weight_map.values()) or 1.0
    for row in rows:
        for part in PARTS:
            value = row.value(part.key)
            if part.rate:
                score = 100.0 * value
            else:
                score = 100.0 * value / highest[part.key] if highest[part.key] else 0.0
            row.scores[part.key] = round(score, 1)
        weighted = sum(weight_map[p.key] * row.scores[p.key] for p in PARTS)
        row.index = round(weighted / total_weight, 1)
    ordered = sorted(rows, key=lambda r: (-r.index, -r.approved, r.name))
    for position, row in enumerate(ordered, start=1):
        same = position > 1 and ordered[position - 2].index == row.index
        row.rank = ordered[position - 2].rank if same else position
    return ordered


def _grouped(rows: list[OrgRow], key: Callable[[OrgRow], Any]) -> list[tuple[Any, int, float]]:
    groups: dict[object, list[OrgRow]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    result = [
        (name, len(members), round(sum(m.index for m in members) / len(members), 1))
        for name, members in groups.items()
    ]
    return sorted(result, key=lambda g: (-g[2], str(g[0])))


# --- what users see -----------------------------------------------------------------------------


def own_page(user: User) -> int | None:
    """Where a reader of /reports goes: None for the centre (the whole report), else the
    organisation whose page the account reads (0 when it has none: not found)."""
    if role_may(user, Action.VIEW_REPORTS):
        return None
    authorize(user, Action.VIEW_OWN_REPORT)
    return user.organization_id or 0


def centre_report(user: User, period: Period) -> Report:
    """The whole report, for the centre."""
    authorize(user, Action.VIEW_REPORTS)
    return build(period)


@dataclass
class OrgReport:
    """One organisation's page: its row, its rank among all, its months and top items."""

    report: Report
    row: OrgRow
    monthly: list[tuple[date, int, int]]
    top_items: list[tuple[Item, int]]

    @property
    def ranked_of(self) -> int:
        """How many organisations were ranked."""
        return len(self.report.rows)


def organization_report(user: User, organization_id: int, period: Period) -> OrgReport:
    """One organisation's figures: the centre sees any, a contributor only their own."""
    organization = db.session.get(Organization, organization_id)
    if organization is None or organization.kind not in MEMBER_KINDS:
        raise NotFound()
    if not may_read_report(user, organization_id):
        raise Forbidden()
    report = build(period)
    return OrgReport(
        report=report,
        row=report.row(organization_id),
        monthly=monthly(period, organization_id),
        top_items=most_downloaded(organization_id, period),
    )


def most_downloaded(
    organization_id: int, period: Period, limit: int = 10
) -> list[tuple[Item, int]]:
    """The organisation's items most downloaded by others in the period."""
    start, end = period.bounds()
    taken = (
        _others_downloads(start, end).add_columns(DownloadEvent.item_id.label("item_id")).subquery()
    )
    counted = (
        select(taken.c.item_id, func.count().label("n"))
        .where(taken.c.item_org == organization_id)
        .group_by(taken.c.item_id)
        .order_by(func.count().desc(), taken.c.item_id)
        .limit(limit)
        .subquery()
    )
    query = (
        select(Item, counted.c.n)
        .join(counted, counted.c.item_id == Item.id)
        .order_by(counted.c.n.desc(), Item.id)
    )
    return [(item, n) for item, n in db.session.execute(query).tuples()]


FIGURES: dict[str, object] = {
    "submitted": _l("Items sent"),
    "approved": _l("Adopted"),
    "featured": _l("Featured"),
    "returned": _l("Returned for changes"),
    "downloaded": _l("Downloaded by others"),
    "used": _l("Recorded uses"),
    "answered": _l("Sent for open calls"),
}
FIGURE_LIMIT = 500


def figure_items(user: User, organization_id: int, period: Period, figure: str) -> list[Item]:
    """The items behind one figure of an organisation's row (at most 500), in the user's scope."""
    if figure not in FIGURES:
        raise NotFound()
    if db.session.get(Organization, organization_id) is None:
        raise NotFound()
    if not may_read_report(user, organization_id):
        raise Forbidden()
    start, end = period.bounds()
    ids: Select[tuple[int]]
    if figure == "submitted":
        ids = select(Item.id).where(_between(Item.first_submitted_at, start, end))
    elif figure in ("approved", "featured"):
        ids = select(Item.id).where(_between(Item.approved_at, start, end))
        if figure == "featured":
            ids = ids.where(Item.featured.is_(True))
    elif figure == "returned":
        ids = select(Review.item_id).where(
            Review.action == "request_changes", _between(Review.created_at, start, end)
        )
    elif figure == "downloaded":
        ids = _others_downloads(start, end).with_only_columns(DownloadEvent.item_id)
    elif figure == "used":
        ids = select(ItemUse.item_id).where(
            ItemUse.published_on >= period.start, ItemUse.published_on < period.end
        )
    else:
        campaign_ids = [c.id for c in open_campaigns(period)]
        ids = (
            select(item_campaign.c.item_id)
            .join(Item, Item.id == item_campaign.c.item_id)
            .where(
                item_campaign.c.campaign_id.in_(campaign_ids),
                _between(Item.first_submitted_at, start, end),
            )
        )
    query = (
        select(Item)
        .where(Item.organization_id == organization_id, Item.id.in_(ids), visible_items(user))
        .order_by(Item.id.desc())
        .limit(FIGURE_LIMIT)
    )
    return list(db.session.scalars(query))


# --- the columns every view shows: the page, the XLSX, the command line and the API -----------


@dataclass(frozen=True)
class Column:
    """A figure of an organisation's row: key (the API's name), label, and how it is written."""

    key: str
    label: object
    kind: str = "count"  # count, rate (0–1), hours, index
    figure: str | None = None  # the drill-down that lists the items behind it


COLUMNS: tuple[Column, ...] = (
    Column("index", _l("Evaluation index"), "index"),
    Column("submitted", _l("Items sent"), figure="submitted"),
    *(
        Column(f"kind_{kind.value}", label, figure=None)
        for kind, label in (
            (ItemKind.LEAD, _l("Leads")),
            (ItemKind.STORY, _l("Stories")),
            (ItemKind.PHOTO, _l("Photo sets")),
            (ItemKind.VIDEO, _l("Videos")),
            (ItemKind.PRODUCT, _l("Products")),
        )
    ),
    Column("approved", _l("Adopted"), figure="approved"),
    Column("adoption_rate", _l("Adoption rate"), "rate"),
    Column("featured", _l("Featured"), figure="featured"),
    Column("returned", _l("Returned for changes"), figure="returned"),
    Column("median_hours", _l("Median hours to decision"), "hours"),
    Column("downloads", _l("Downloads by others"), figure="downloaded"),
    Column("media_downloads", _l("By media")),
    Column("reuse_downloads", _l("By other members")),
    Column("downloaders", _l("Distinct downloaders")),
    Column("orgs_reached", _l("Organisations reached")),
    Column("campaigns_answered", _l("Calls answered"), figure="answered"),
    Column("campaigns_open", _l("Calls open")),
    Column("campaign_rate", _l("Calls answered (share)"), "rate"),
    Column("uses", _l("Recorded uses"), figure="used"),
    Column("outlets", _l("Outlets")),
    Column("link_visits", _l("Share-link visits")),
    Column("link_downloads", _l("Downloads through share links")),
)
SUMMARY = (
    "index",
    "submitted",
    "approved",
    "adoption_rate",
    "featured",
    "downloads",
    "reuse_downloads",
    "campaigns_answered",
    "uses",
)


def column_value(row: OrgRow, key: str) -> float | int | None:
    """A row's value for a column (None where a rate or a median has nothing to divide)."""
    if key.startswith("kind_"):
        return row.by_kind.get(key.removeprefix("kind_"), 0)
    value = getattr(row, key)
    return value if value is None or isinstance(value, int | float) else None


def as_dict(row: OrgRow) -> dict[str, object]:
    """A row as the API and the command line give it."""
    return {
        "organization_id": row.organization_id,
        "name": row.name,
        "kind": row.kind.value,
        "region": row.region,
        "rank": row.rank,
        **{c.key: column_value(row, c.key) for c in COLUMNS},
        "scores": dict(row.scores),
    }


def readable_report(user: User, period: Period) -> tuple[Report, list[OrgRow]]:
    """The report and the rows this user may read: every row for the centre, a contributor's
    own organisation's row otherwise (the API)."""
    if role_may(user, Action.VIEW_REPORTS):
        report = build(period)
        return report, report.rows
    if not role_may(user, Action.VIEW_OWN_REPORT) or user.organization_id is None:
        raise Forbidden()
    report = build(period)
    return report, [r for r in report.rows if r.organization_id == user.organization_id]
