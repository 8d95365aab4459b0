"""A library with a known history across two quarters and three member organisations.

Times are UTC; the library's quarters start at midnight in Beijing (UTC+8), so 2026-09-30
17:00 UTC is already the fourth quarter. The figures the tests expect are counted by hand in
the comments below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from kitchen.extensions import db
from kitchen.models import (
    Channel,
    DownloadEvent,
    Item,
    ItemKind,
    ItemStatus,
    ItemUse,
    OrgKind,
    Review,
    Role,
    User,
)
from tests import factories


def at(text: str) -> datetime:
    """A UTC instant from "2026-10-05 12:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class History:
    """The organisations, people and items of the fixture, by short name."""

    orgs: dict[str, int]
    users: dict[str, User]
    items: dict[str, int]
    campaigns: dict[str, str]


def _item(user: User, kind: ItemKind, status: ItemStatus, **values: object) -> Item:
    item = factories.make_item(user, kind=kind, status=status, **values)
    return item


def _reviews(item: Item, actor: User, *steps: tuple[str, str, str, str]) -> None:
    for action, source, target, when in steps:
        db.session.add(
            Review(
                item_id=item.id,
                actor_id=actor.id,
                action=action,
                from_status=source,
                to_status=target,
                created_at=at(when),
            )
        )


def _downloads(user: User, item: Item, when: str, times: int = 1) -> None:
    for _ in range(times):
        db.session.add(
            DownloadEvent(
                user_id=user.id, item_id=item.id, rendition="original", created_at=at(when)
            )
        )


@pytest.fixture
def history(app: Flask) -> History:
    a = factories.make_org(name="甲省科学技术协会", kind=OrgKind.PROVINCIAL, region="甲省")
    b = factories.make_org(name="中国乙学会", kind=OrgKind.NATIONAL_SOCIETY, region="全国")
    c = factories.make_org(name="丙市科学技术协会", kind=OrgKind.CITY, region="甲省丙市")
    media = factories.make_org(name="科技日报社", kind=OrgKind.MEDIA, region="北京")
    ca = factories.make_user(Role.CONTRIBUTOR, organization=a)
    cb = factories.make_user(Role.CONTRIBUTOR, organization=b)
    cc = factories.make_user(Role.CONTRIBUTOR, organization=c)
    journalist = factories.make_user(Role.JOURNALIST, organization=media)
    curator = factories.make_user(Role.CURATOR)
    k1 = factories.make_campaign(starts_on=date(2026, 10, 1), ends_on=date(2026, 11, 30))
    k2 = factories.make_campaign(
        starts_on=date(2026, 7, 1), ends_on=date(2026, 8, 31), is_open=False
    )
    s, ap, rq, sub, ch, rj = (
        "submit",
        "approve",
        "request_changes",
        "submitted",
        "changes_requested",
        "rejected",
    )

    # A1, a story: sent and approved in Q3 (48 hours), for K2.
    a1 = _item(
        ca,
        ItemKind.STORY,
        ItemStatus.APPROVED,
        first_submitted_at=at("2026-08-10 10:00"),
        approved_at=at("2026-08-12 10:00"),
    )
    _reviews(
        a1,
        curator,
        (s, "draft", sub, "2026-08-10 10:00"),
        (ap, sub, "approved", "2026-08-12 10:00"),
    )
    # A2, photos: sent 10-05, returned 10-06 (24 h), sent again 10-08, approved 10-09 12:00
    # (36 h from the latest submission), featured, for K1.
    a2 = _item(
        ca,
        ItemKind.PHOTO,
        ItemStatus.APPROVED,
        featured=True,
        first_submitted_at=at("2026-10-05 00:00"),
        approved_at=at("2026-10-09 12:00"),
    )
    _reviews(
        a2,
        curator,
        (s, "draft", sub, "2026-10-05 00:00"),
        (rq, sub, ch, "2026-10-06 00:00"),
        (s, ch, sub, "2026-10-08 00:00"),
        (ap, sub, "approved", "2026-10-09 12:00"),
    )
    # A3, a lead: sent 2026-09-30 17:00 UTC (Q4 in Beijing), rejected 48 h later.
    a3 = _item(ca, ItemKind.LEAD, ItemStatus.REJECTED, first_submitted_at=at("2026-09-30 17:00"))
    _reviews(a3, curator, (s, "draft", sub, "2026-09-30 17:00"), (rj, sub, rj, "2026-10-02 17:00"))
    # B1, a story: sent 11-01, approved 11-02 (24 h), for K1 and K2.
    b1 = _item(
        cb,
        ItemKind.STORY,
        ItemStatus.APPROVED,
        first_submitted_at=at("2026-11-01 00:00"),
        approved_at=at("2026-11-02 00:00"),
    )
    _reviews(
        b1,
        curator,
        (s, "draft", sub, "2026-11-01 00:00"),
        (ap, sub, "approved", "2026-11-02 00:00"),
    )
    # B2, a video: sent 11-20, not decided yet.
    b2 = _item(cb, ItemKind.VIDEO, ItemStatus.SUBMITTED, first_submitted_at=at("2026-11-20 00:00"))
    _reviews(b2, cb, (s, "draft", sub, "2026-11-20 00:00"))
    # C1: a draft, never sent.
    _item(cc, ItemKind.STORY, ItemStatus.DRAFT)
    a1.campaigns, a2.campaigns = [k2], [k1]
    b1.campaigns = [k1, k2]

    # Downloads. Q3: the journalist takes A1 once.
    _downloads(journalist, a1, "2026-09-01 08:00")
    # Q4, A's items: media 3 × A2 + 1 × A1 (4), B's contributor 1 × A2 (reuse 1), A's own
    # contributor 1 × A2 (not counted), the curator 1 × A2 (total only): 6 by 3 people, 2 orgs.
    _downloads(journalist, a2, "2026-10-10 08:00", times=3)
    _downloads(journalist, a1, "2026-10-15 08:00")
    _downloads(cb, a2, "2026-10-11 08:00")
    _downloads(ca, a2, "2026-10-12 08:00")
    _downloads(curator, a2, "2026-10-13 08:00")
    # Q4, B's items: media 1 × B1, C's contributor 2 × B1 (reuse 2): 3 by 2 people, 2 orgs.
    _downloads(journalist, b1, "2026-11-03 08:00")
    _downloads(cc, b1, "2026-11-04 08:00", times=2)

    # Uses: A1 in Q3 (09-15); A2 in Q4 by the journalist; B1 in Q4 by the curator.
    for item, who, outlet, day in (
        (a1, journalist, "科技日报", date(2026, 9, 15)),
        (a2, journalist, "科技日报", date(2026, 10, 20)),
        (b1, curator, "人民网", date(2026, 12, 1)),
    ):
        db.session.add(
            ItemUse(
                item_id=item.id,
                outlet=outlet,
                url="",
                published_on=day,
                channel=Channel.PAPER,
                recorded_by_id=who.id,
                organization_id=who.organization_id,
            )
        )
    db.session.commit()
    return History(
        orgs={"a": a.id, "b": b.id, "c": c.id, "media": media.id},
        users={"ca": ca, "cb": cb, "cc": cc, "journalist": journalist, "curator": curator},
        items={"a1": a1.id, "a2": a2.id, "a3": a3.id, "b1": b1.id, "b2": b2.id},
        campaigns={"k1": k1.slug, "k2": k2.slug},
    )
