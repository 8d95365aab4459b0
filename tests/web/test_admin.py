"""Admin pages: organisations, users, campaigns; bad input changes nothing."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Campaign, Organization, Role, User
from tests import factories


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_admin_creates_and_edits_an_organisation(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/orgs/new",
        data={"name": "中国化学会", "kind": "national_society", "region": "全国", "active": "y"},
    )
    assert response.status_code == 302
    org = db.session.scalars(select(Organization).where(Organization.name == "中国化学会")).one()
    response = client.post(
        f"/admin/orgs/{org.id}", data={"name": "中国化学会", "kind": "national_society"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).active is False
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"org.create", "org.update"} <= set(actions)


def test_duplicate_organisation_name_is_refused(client: FlaskClient, login_as) -> None:
    existing = factories.make_org(name="重复的学会")
    login_as(Role.ADMIN)
    before = _count(Organization)
    response = client.post("/admin/orgs/new", data={"name": existing.name, "kind": "city"})
    assert response.status_code == 400
    assert "已存在同名单位" in response.get_data(as_text=True)
    assert _count(Organization) == before


def test_over_long_and_empty_fields_are_refused(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    before = _count(Organization)
    long_name = client.post("/admin/orgs/new", data={"name": "长" * 121, "kind": "city"})
    empty = client.post("/admin/orgs/new", data={"name": "  ", "kind": "city"})
    bad_kind = client.post("/admin/orgs/new", data={"name": "某市科协", "kind": "planet"})
    assert (long_name.status_code, empty.status_code, bad_kind.status_code) == (400, 400, 400)
    assert _count(Organization) == before


def test_admin_creates_a_contributor_who_can_sign_in(client: FlaskClient, login_as) -> None:
    org = factories.make_org()
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "New.Person@Test.Example.com",
            "display_name": "新同事",
            "role": "contributor",
            "organization_id": org.id,
            "active": "y",
            "password": "a-good-password",
        },
    )
    assert response.status_code == 302
    client.post("/logout")
    response = client.post(
        "/login", data={"email": "new.person@test.example.com", "password": "a-good-password"}
    )
    assert response.status_code == 302


def test_contributor_needs_an_organisation(client: FlaskClient, login_as) -> None:
    login_as(Role.ADMIN)
    before = _count(User)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "x@test.example.com",
            "display_name": "无单位",
            "role": "contributor",
            "organization_id": 0,
            "password": "a-good-password",
        },
    )
    assert response.status_code == 400
    assert "该角色必须属于一个单位" in response.get_data(as_text=True)
    assert _count(User) == before


def test_duplicate_email_and_bad_email_are_refused(client: FlaskClient, login_as) -> None:
    other = factories.make_user(Role.CURATOR)
    login_as(Role.ADMIN)
    before = _count(User)
    dup = client.post(
        "/admin/users/new",
        data={
            "email": other.email.upper(),
            "display_name": "重复",
            "role": "curator",
            "organization_id": 0,
            "password": "a-good-password",
        },
    )
    assert "该电子邮箱已被注册" in dup.get_data(as_text=True)
    bad = client.post(
        "/admin/users/new",
        data={
            "email": "not-an-address",
            "display_name": "坏邮箱",
            "role": "curator",
            "organization_id": 0,
            "password": "a-good-password",
        },
    )
    assert bad.status_code == 400
    short = client.post(
        "/admin/users/new",
        data={
            "email": "short@test.example.com",
            "display_name": "短密码",
            "role": "curator",
            "organization_id": 0,
            "password": "short",
        },
    )
    assert short.status_code == 400
    assert _count(User) == before
    # No password at all: the person is invited by a one-time link instead (issue 16).
    invited = client.post(
        "/admin/users/new",
        data={
            "email": "nopass@test.example.com",
            "display_name": "没密码",
            "role": "curator",
            "organization_id": 0,
        },
    )
    assert "给没密码的邀请" in invited.get_data(as_text=True)
    assert _count(User) == before + 1


def test_admin_changes_role_and_disables_a_user(client: FlaskClient, login_as) -> None:
    target = factories.make_user(Role.JOURNALIST)
    login_as(Role.ADMIN)
    response = client.post(
        f"/admin/users/{target.id}",
        data={
            "email": target.email,
            "display_name": target.display_name,
            "role": "curator",
            "organization_id": 0,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, target.id)
    assert changed.role == Role.CURATOR and changed.active is False
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": target.email, "password": factories.PASSWORD}
        ).status_code
        == 401
    )


def test_curator_manages_campaigns(client: FlaskClient, login_as) -> None:
    login_as(Role.CURATOR)
    response = client.post(
        "/admin/campaigns/new",
        data={
            "slug": "science-day-2027",
            "name": "2027 全国科普日",
            "description": "科普日征集",
            "starts_on": "2027-09-01",
            "ends_on": "2027-09-30",
            "is_open": "y",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/campaigns/science-day-2027",
        data={
            "slug": "science-day-2027",
            "name": "2027 全国科普日",
            "starts_on": "2027-09-01",
            "ends_on": "2027-09-30",
        },
    )
    assert response.status_code == 302
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.is_open is False


def test_campaign_bad_input_changes_nothing(client: FlaskClient, login_as) -> None:
    factories.make_campaign(slug="taken", name="已有活动")
    login_as(Role.CURATOR)
    bad = [
        {"slug": "Has Spaces", "name": "甲"},
        {"slug": "taken", "name": "乙"},
        {"slug": "ok-slug", "name": "已有活动"},
        {"slug": "dates", "name": "丙", "starts_on": "2027-09-30", "ends_on": "2027-09-01"},
    ]
    for data in bad:
        assert client.post("/admin/campaigns/new", data=data).status_code == 400
    assert _count(Campaign) == 1
