"""Calls for material run by their dates: opened, announced, reminded and closed by the worker."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from werkzeug.test import TestResponse

from kitchen.extensions import db
from kitchen.models import AuditEvent, Campaign, ItemStatus, Notification, OrgKind, Role, User
from kitchen.services import calls, campaigns, worker
from tests import factories


def _notified(action: str) -> set[int]:
    query = select(Notification.user_id).where(Notification.action == action)
    return set(db.session.scalars(query))


def _audited(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def _world() -> dict[str, User]:
    """Contributors of a targeted association (two active, one not), of an association of
    another region, and of a national society; a journalist."""
    beijing = factories.make_org(name="北京市科协", kind=OrgKind.PROVINCIAL, region="北京")
    sichuan = factories.make_org(name="四川省科协", kind=OrgKind.PROVINCIAL, region="四川")
    society = factories.make_org(name="中国气象学会", kind=OrgKind.NATIONAL_SOCIETY, region="北京")
    return {
        "beijing": factories.make_user(Role.CONTRIBUTOR, organization=beijing),
        "beijing2": factories.make_user(Role.CONTRIBUTOR, organization=beijing),
        "retired": factories.make_user(Role.CONTRIBUTOR, organization=beijing, active=False),
        "sichuan": factories.make_user(Role.CONTRIBUTOR, organization=sichuan),
        "society": factories.make_user(Role.CONTRIBUTOR, organization=society),
        "journalist": factories.make_user(
            Role.JOURNALIST, organization=factories.make_org(name="科技日报社", kind=OrgKind.MEDIA)
        ),
    }


def _call(curator: User, start: date, end: date, **targets: object) -> Campaign:
    data = campaigns.CampaignData(
        slug="kepu-ri-2027",
        name="2027全国科普日",
        description="请各单位报送全国科普日活动的图片和故事。",
        starts_on=start,
        ends_on=end,
        is_open=True,
        **targets,  # type: ignore[arg-type]
    )
    return campaigns.save_campaign(data, curator)


def test_a_call_opens_on_its_day_notifying_exactly_its_targets_and_closes_after(
    app: Flask,
) -> None:
    people = _world()
    curator = factories.make_user(Role.CURATOR)
    today = calls.today()
    call = _call(
        curator,
        today + timedelta(days=3),
        today + timedelta(days=20),
        target_kinds=("provincial",),
        target_regions="北京",
    )
    assert call.is_open is False  # saved before its day: it waits
    assert calls.sweep(today).opened == 0 and _notified("call_open") == set()
    report = calls.sweep(today + timedelta(days=3))
    assert report.opened == 1
    db.session.refresh(call)
    assert call.is_open is True
    assert _notified("call_open") == {people["beijing"].id, people["beijing2"].id}
    note = db.session.scalars(
        select(Notification).where(Notification.action == "call_open")
    ).first()
    assert note is not None and "全国科普日活动" in note.comment
    assert (today + timedelta(days=20)).isoformat() in note.comment
    assert [e.actor_id for e in _audited("campaign.open")] == [None]
    # A second sweep, by another worker say, announces nothing again.
    assert calls.sweep(today + timedelta(days=4)).opened == 0
    assert db.session.query(Notification).filter_by(action="call_open").count() == 2
    assert calls.sweep(today + timedelta(days=21)).closed == 1
    db.session.refresh(call)
    assert call.is_open is False and len(_audited("campaign.close")) == 1


def test_the_worker_opens_and_closes_calls_by_todays_date(app: Flask) -> None:
    people = _world()
    curator = factories.make_user(Role.CURATOR)
    today = calls.today()
    starting = _call(curator, today, today + timedelta(days=30))
    ended = factories.make_campaign(
        name="最美科技工作者", starts_on=date(2026, 3, 1), ends_on=date(2026, 6, 30), is_open=True
    )
    worker.run_periodic({})
    db.session.expire_all()
    assert db.session.get(Campaign, starting.id).is_open is True  # type: ignore[union-attr]
    assert db.session.get(Campaign, ended.id).is_open is False  # type: ignore[union-attr]
    # Every member organisation is targeted when none is named; the inactive account is not told.
    told = {people[k].id for k in ("beijing", "beijing2", "sichuan", "society")}
    assert _notified("call_open") == told


def test_reminders_go_only_to_organisations_that_have_not_answered(app: Flask) -> None:
    people = _world()
    curator = factories.make_user(Role.CURATOR)
    today = calls.today()
    end = today + timedelta(days=10)
    call = _call(curator, today, end)
    calls.sweep(today)
    answer = factories.make_item(people["beijing"], status=ItemStatus.SUBMITTED)
    answer.campaigns = [call]
    factories.make_item(people["sichuan"]).campaigns = [call]  # a draft is no answer
    db.session.commit()
    assert calls.sweep(end - timedelta(days=8)).reminded == 0  # not yet within 7 days
    assert calls.sweep(end - timedelta(days=7)).reminded == 2
    assert _notified("call_reminder") == {people["sichuan"].id, people["society"].id}
    assert calls.sweep(end - timedelta(days=6)).reminded == 0  # once per step
    assert calls.sweep(end - timedelta(days=1)).reminded == 2
    reminders = db.session.query(Notification).filter_by(action="call_reminder").count()
    assert reminders == 4
    assert [e.details["days"] for e in _audited("campaign.remind")] == [7, 1]


def test_moving_the_deadline_on_reopens_the_steps(app: Flask) -> None:
    curator = factories.make_user(Role.CURATOR)
    today = calls.today()
    call = _call(curator, today - timedelta(days=30), today - timedelta(days=1))
    calls.sweep(today)
    db.session.refresh(call)
    assert call.closed_at is not None and call.is_open is False
    data = campaigns.CampaignData(
        call.slug, call.name, call.description, call.starts_on, today + timedelta(days=5), True
    )
    campaigns.save_campaign(data, curator, call)
    assert call.closed_at is None and call.reminded_days is None and call.is_open is True
    assert calls.sweep(today).opened == 1  # never announced, it is now: its end moved on


def _answers(response: TestResponse) -> str:
    """The campaign page's table of answers."""
    page = response.get_data(as_text=True)
    return page[page.index('data-testid="answers"') :].split("</table>", 1)[0]


def test_a_curator_reminds_the_silent_ones_from_the_campaign_page(
    client: FlaskClient, login_as
) -> None:
    people = _world()
    call = factories.make_campaign(slug="fupin", name="定点扶贫")
    answer = factories.make_item(people["beijing"], status=ItemStatus.APPROVED)
    answer.campaigns = [call]
    db.session.commit()
    login_as(Role.JOURNALIST)
    assert client.post("/campaigns/fupin/remind").status_code == 403
    client.post("/logout")
    login_as(Role.CURATOR)
    page = client.get("/campaigns/fupin").get_data(as_text=True)
    assert 'data-testid="remind-silent"' in page
    response = client.post("/campaigns/fupin/remind", follow_redirects=True)
    assert response.status_code == 200
    assert _notified("call_reminder") == {people["sichuan"].id, people["society"].id}
    assert _audited("campaign.remind")[0].actor_id is not None
    # The answers narrow by kind and by region.
    provincial = _answers(client.get("/campaigns/fupin?kind=provincial"))
    assert "四川省科协" in provincial and "中国气象学会" not in provincial
    sichuan = _answers(client.get("/campaigns/fupin?region=四川"))
    assert "四川省科协" in sichuan and "北京市科协" not in sichuan
    assert client.get("/campaigns/fupin?kind=nonsense").status_code == 200


def test_a_closed_call_cannot_be_reminded_and_targets_are_checked(
    client: FlaskClient, login_as
) -> None:
    factories.make_campaign(slug="closed", name="已结束的征集", is_open=False)
    login_as(Role.CURATOR)
    assert client.post("/campaigns/closed/remind").status_code == 422
    form = {
        "slug": "new-call",
        "name": "新的征集",
        "call_kinds": ["provincial", "media"],
        "call_regions": "北京",
    }
    refused = client.post("/admin/campaigns/new", data=form)
    assert refused.status_code == 400
    assert db.session.scalars(select(Campaign).where(Campaign.slug == "new-call")).first() is None
    form["call_kinds"] = ["provincial", "city"]
    form["call_regions"] = "北京、四川, 北京"
    assert client.post("/admin/campaigns/new", data=form).status_code == 302
    made = db.session.scalars(select(Campaign).where(Campaign.slug == "new-call")).one()
    assert made.target_kinds == "city,provincial" and made.target_regions == "北京、四川"
    shown = client.get("/campaigns/new-call").get_data(as_text=True)
    targets = shown[shown.index('data-testid="call-targets"') :].split("</p>", 1)[0]
    assert "北京、四川" in targets and "省级科协" in targets


def test_the_command_line_runs_the_same_sweep(app: Flask, runner: FlaskCliRunner) -> None:
    ended = factories.make_campaign(starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 1))
    result = runner.invoke(args=["kitchen", "calls"])
    assert result.exit_code == 0, result.output
    assert "1 closed" in result.output and "saved searches" in result.output
    db.session.refresh(ended)
    assert ended.is_open is False
