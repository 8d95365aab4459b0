"""Finding 5: a session ends at sign-out, and a new password, role or disabling ends the others."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kitchen.extensions import db
from kitchen.models import Role, User, UserSession
from kitchen.services import accounts
from tests import factories


def _signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str) -> int:
    """Open the home page with a copied session cookie, from another client."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/notifications").status_code


def test_a_copied_cookie_stops_working_after_sign_out(app: Flask) -> None:
    user = factories.make_user(Role.JOURNALIST)
    client = _signed_in(app, user)
    copied = _cookie(client)
    assert _replay(app, copied) == 200
    client.post("/logout")
    assert _replay(app, copied) == 302  # back to the sign-in page
    assert db.session.query(UserSession).count() == 0


def test_signing_out_ends_only_that_session(app: Flask) -> None:
    user = factories.make_user(Role.JOURNALIST)
    phone, desk = _signed_in(app, user), _signed_in(app, user)
    phone.post("/logout")
    assert desk.get("/notifications").status_code == 200


def test_changing_the_password_ends_the_other_sessions(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    here, elsewhere = _signed_in(app, user), _signed_in(app, user)
    response = here.post(
        "/account/password",
        data={
            "current": factories.PASSWORD,
            "new": "a-new-password-1",
            "confirm": "a-new-password-1",
        },
    )
    assert response.status_code == 302
    assert here.get("/notifications").status_code == 200
    assert elsewhere.get("/notifications").status_code == 302


def test_an_admin_reset_role_change_or_disabling_ends_every_session(app: Flask) -> None:
    admin = factories.make_user(Role.ADMIN)
    for change in ("password", "role", "disable", "organisation"):
        user = factories.make_user(Role.JOURNALIST)
        client = _signed_in(app, user)
        data = accounts.UserData(
            email=user.email,
            display_name=user.display_name,
            role=user.role.value,
            organization_id=user.organization_id,
        )
        if change == "password":
            accounts.set_password(user, "reset-by-admin-1", admin)
        elif change == "role":
            data.role, data.organization_id = Role.CURATOR.value, None
            accounts.save_user(data, admin, user)
        elif change == "disable":
            data.active = False
            accounts.save_user(data, admin, user)
            user.active = True  # enabled again: the old session stays ended
            db.session.commit()
        else:
            accounts.save_org(
                accounts.OrgData(name=user.organization.name, kind="city", active=False),
                admin,
                user.organization,
            )
            user.organization.active = True
            db.session.commit()
        assert client.get("/notifications").status_code == 302, change


def test_an_unchanged_save_keeps_the_session(app: Flask) -> None:
    admin = factories.make_user(Role.ADMIN)
    user = factories.make_user(Role.JOURNALIST)
    client = _signed_in(app, user)
    data = accounts.UserData(
        email=user.email,
        display_name="新名字",
        role=user.role.value,
        organization_id=user.organization_id,
    )
    accounts.save_user(data, admin, user)
    assert client.get("/notifications").status_code == 200


def test_sessions_expire(app: Flask) -> None:
    user = factories.make_user(Role.JOURNALIST)
    client = _signed_in(app, user)
    app.config["SESSION_LIFETIME_HOURS"] = 0
    assert client.get("/notifications").status_code == 302
