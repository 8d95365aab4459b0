"""The report's figures equal hand counts of a known history (see conftest.py)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from kitchen.extensions import db
from kitchen.models import AuditEvent
from kitchen.services import reports
from kitchen.services.errors import Forbidden, ValidationError
from tests.reports.conftest import History

Q3, Q4 = reports.Period("quarter", 2026, 3), reports.Period("quarter", 2026, 4)


def test_the_fourth_quarter_counted_by_hand(history: History) -> None:
    report = reports.build(Q4)
    a, b, c = (report.row(history.orgs[k]) for k in "abc")
    # A: A2 and A3 (sent 2026-09-30 17:00 UTC = October 1st in Beijing).
    assert (a.submitted, a.by_kind["photo"], a.by_kind["lead"], a.by_kind["story"]) == (2, 1, 1, 0)
    assert (a.adopted_of_submitted, a.adoption_rate) == (1, 0.5)
    assert (a.approved, a.featured, a.returned) == (1, 1, 1)
    assert a.median_hours == 36.0  # 24 (returned), 36 (approved), 48 (rejected)
    assert (a.downloads, a.media_downloads, a.reuse_downloads) == (6, 4, 1)
    assert (a.downloaders, a.orgs_reached) == (3, 2)
    assert (a.campaigns_answered, a.campaigns_open, a.uses, a.outlets) == (1, 1, 1, 1)
    assert (b.submitted, b.by_kind["story"], b.by_kind["video"], b.approved) == (2, 1, 1, 1)
    assert (b.adoption_rate, b.featured, b.returned, b.median_hours) == (0.5, 0, 0, 24.0)
    assert (b.downloads, b.media_downloads, b.reuse_downloads, b.downloaders) == (3, 1, 2, 2)
    assert (b.orgs_reached, b.campaigns_answered, b.uses) == (2, 1, 1)
    assert (c.submitted, c.adoption_rate, c.median_hours, c.downloads) == (0, None, None, 0)
    assert c.campaign_rate == 0.0
    # Only member organisations are ranked: not the partner outlet.
    assert {r.organization_id for r in report.rows} == {history.orgs[k] for k in "abc"}


def test_the_third_quarter_counted_by_hand(history: History) -> None:
    report = reports.build(Q3)
    a, b = report.row(history.orgs["a"]), report.row(history.orgs["b"])
    assert (a.submitted, a.approved, a.median_hours) == (1, 1, 48.0)
    assert (a.downloads, a.media_downloads, a.uses) == (1, 1, 1)
    # K2 ran July–August and A1 answered it; K1 starts in October.
    assert [c.slug for c in report.campaigns] == [history.campaigns["k2"]]
    assert (a.campaigns_answered, a.campaigns_open) == (1, 1)
    assert (b.submitted, b.downloads, b.campaigns_answered) == (0, 0, 0)


def test_months_and_years(history: History) -> None:
    october = reports.build(reports.parse_period("2026-10"))
    a = october.row(history.orgs["a"])
    assert (a.submitted, a.approved, a.returned, a.downloads) == (2, 1, 1, 6)
    year = reports.build(reports.parse_period("2026"))
    a, b = year.row(history.orgs["a"]), year.row(history.orgs["b"])
    assert (a.submitted, a.approved, a.downloads, a.uses) == (3, 2, 7, 2)
    assert (b.submitted, b.approved, b.downloads) == (2, 1, 3)
    # Per month, for the twelve months ending with the period: A1 in August, A2 and A3 in
    # October (sent), A2 in October and B1 in November (adopted).
    months = {m: (s, ad) for m, s, ad in year.monthly}
    assert months[date(2026, 8, 1)] == (1, 1)
    assert months[date(2026, 10, 1)] == (2, 1)
    assert months[date(2026, 11, 1)] == (2, 1)
    assert sum(s for s, _ in months.values()) == 5


def test_the_index_follows_the_default_weights(history: History) -> None:
    report = reports.build(Q4)
    a, b, c = (report.row(history.orgs[k]) for k in "abc")
    # A: every count is the highest but reuse (1 of 2): 100 everywhere, 50 for the two
    # halves (adoption 50%, reuse 1/2): (15+10+15+5+10+25)·100 + (10+10)·50 = 9000 → 90.0.
    assert a.scores == {
        "approved": 100.0,
        "adoption_rate": 50.0,
        "featured": 100.0,
        "media_downloads": 100.0,
        "reuse_downloads": 50.0,
        "downloaders": 100.0,
        "campaign_rate": 100.0,
        "uses": 100.0,
    }
    assert a.index == 90.0
    # B: 15·100 + 10·50 + 10·0 + 15·25 + 10·100 + 5·66.7 + 10·100 + 25·100 = 7208.5 → 72.1.
    assert (b.scores["media_downloads"], b.scores["downloaders"]) == (25.0, 66.7)
    assert b.index == 72.1
    assert c.index == 0.0
    assert [(r.rank, r.organization_id) for r in report.rows] == [
        (1, history.orgs["a"]),
        (2, history.orgs["b"]),
        (3, history.orgs["c"]),
    ]


def test_the_index_follows_the_stored_weights(app: Flask, history: History) -> None:
    from tests import factories

    admin = factories.make_user("admin")
    weights = {key: 0 for key in reports.PART_KEYS} | {"uses": 1, "reuse_downloads": 1}
    reports.save_weights(admin, weights)
    report = reports.build(Q4)
    a, b = report.row(history.orgs["a"]), report.row(history.orgs["b"])
    # Uses: both 100; reuse: A 50, B 100.
    assert (a.index, b.index) == (75.0, 100.0)
    assert report.rows[0].organization_id == history.orgs["b"]
    audit = db.session.query(AuditEvent).filter_by(action="report.weights").one()
    assert audit.actor_id == admin.id and audit.details["changed"]["approved"] == [15.0, 0.0]
    # Equal indexes share a rank.
    reports.save_weights(admin, {key: 0 for key in reports.PART_KEYS} | {"uses": 5})
    ranks = [r.rank for r in reports.build(Q4).rows]
    assert ranks == [1, 1, 3]


@pytest.mark.parametrize(
    "values",
    [
        {"uses": -1},
        {"uses": 101},
        {"uses": "many"},
        {"uses": float("nan")},
        {"uses": None},
        dict.fromkeys(reports.PART_KEYS, 0),
    ],
)
def test_bad_weights_change_nothing(history: History, values: dict[str, object]) -> None:
    from tests import factories

    admin = factories.make_user("admin")
    before = reports.weights()
    with pytest.raises(ValidationError):
        reports.save_weights(admin, reports.default_weights() | values)  # type: ignore[arg-type]
    db.session.rollback()
    assert reports.weights() == before
    assert db.session.query(AuditEvent).filter_by(action="report.weights").count() == 0


def test_only_admins_set_weights(history: History) -> None:
    with pytest.raises(Forbidden):
        reports.save_weights(history.users["curator"], reports.default_weights())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "code", "start", "end"),
    [
        ("2026Q4", "2026Q4", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026q1", "2026Q1", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026-12", "2026-12", date(2026, 12, 1), date(2027, 1, 1)),
        ("2025", "2025", date(2025, 1, 1), date(2026, 1, 1)),
    ],
)
def test_periods(app: Flask, text: str, code: str, start: date, end: date) -> None:
    period = reports.parse_period(text)
    assert (period.code, period.start, period.end) == (code, start, end)
    assert reports.parse_period(period.previous().following().code) == period


@pytest.mark.parametrize("text", ["2026Q5", "2026-13", "26Q1", "1999", "2026Q4; drop", "第四季度"])
def test_bad_periods_are_refused(app: Flask, text: str) -> None:
    with pytest.raises(ValidationError):
        reports.parse_period(text)


def test_no_period_is_the_current_quarter(app: Flask) -> None:
    assert reports.parse_period("", today=date(2026, 12, 1)).code == "2026Q4"
    assert reports.parse_period(None, today=date(2027, 1, 1)).code == "2027Q1"
