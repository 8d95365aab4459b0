"""Signing in and out, rate limiting, CSRF, passwords and the interface language."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from kitchen.models import Role
from tests import factories


def _login(client: FlaskClient, email: str, password: str = factories.PASSWORD, **env: str):
    return client.post("/login", data={"email": email, "password": password}, environ_base=env)


def test_login_page_is_chinese_by_default(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page and "中央厨房" in page and 'lang="zh-CN"' in page


def test_anonymous_is_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_and_logout(client: FlaskClient) -> None:
    user = factories.make_user(Role.JOURNALIST)
    response = _login(client, user.email.upper())
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/home").status_code == 302


def test_wrong_password_gives_a_clear_message(client: FlaskClient) -> None:
    user = factories.make_user(Role.CURATOR)
    response = _login(client, user.email, "wrong-password")
    assert response.status_code == 401
    assert "电子邮箱或密码错误" in response.get_data(as_text=True)


def test_unknown_account_gives_the_same_message(client: FlaskClient) -> None:
    response = _login(client, "nobody@test.example.com", "whatever-it-is")
    assert response.status_code == 401
    assert "电子邮箱或密码错误" in response.get_data(as_text=True)


def test_disabled_user_cannot_log_in(client: FlaskClient) -> None:
    user = factories.make_user(Role.CURATOR, active=False)
    response = _login(client, user.email)
    assert response.status_code == 401
    assert "该账号已停用" in response.get_data(as_text=True)


def test_user_of_disabled_organisation_cannot_log_in(client: FlaskClient) -> None:
    org = factories.make_org(active=False)
    user = factories.make_user(Role.CONTRIBUTOR, organization=org)
    assert _login(client, user.email).status_code == 401


def test_disabling_a_signed_in_user_ends_their_session(client: FlaskClient, app: Flask) -> None:
    user = factories.make_user(Role.JOURNALIST)
    _login(client, user.email)
    user.active = False
    from kitchen.extensions import db

    db.session.commit()
    assert client.get("/home").status_code == 302


def test_failed_logins_are_rate_limited_per_account(client: FlaskClient) -> None:
    user = factories.make_user(Role.CURATOR)
    for _ in range(5):
        assert _login(client, user.email, "wrong-password").status_code == 401
    response = _login(client, user.email)  # from this address, even the right password waits
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert "登录失败次数过多" in response.get_data(as_text=True)
    assert _login(client, user.email, REMOTE_ADDR="10.1.1.1").status_code == 302  # the owner


def test_failed_logins_are_rate_limited_per_address(client: FlaskClient, app: Flask) -> None:
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    user = factories.make_user(Role.CURATOR)
    for n in range(3):
        _login(client, f"guess{n}@test.example.com", "x" * 8, REMOTE_ADDR="10.9.9.9")
    assert _login(client, user.email, REMOTE_ADDR="10.9.9.9").status_code == 429
    assert _login(client, user.email, REMOTE_ADDR="10.9.9.8").status_code == 302


def test_missing_csrf_token_is_refused(client: FlaskClient, app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    user = factories.make_user(Role.CURATOR)
    response = _login(client, user.email)
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)


def test_next_parameter_cannot_leave_the_site(client: FlaskClient) -> None:
    user = factories.make_user(Role.CURATOR)
    response = client.post(
        "/login?next=//evil.example.com/x",
        data={"email": user.email, "password": factories.PASSWORD},
    )
    assert response.headers["Location"].endswith("/home")


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    user = factories.make_user(Role.CURATOR)
    cookie = _login(client, user.email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_change_own_password(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    response = client.post(
        "/account/password",
        data={
            "current": factories.PASSWORD,
            "new": "a-new-password-1",
            "confirm": "a-new-password-1",
        },
    )
    assert response.status_code == 302
    client.post("/logout")
    assert _login(client, user.email, "a-new-password-1").status_code == 302


def test_change_password_needs_the_current_one(client: FlaskClient, login_as) -> None:
    login_as(Role.CONTRIBUTOR)
    response = client.post(
        "/account/password",
        data={
            "current": "not-my-password",
            "new": "a-new-password-1",
            "confirm": "a-new-password-1",
        },
    )
    assert response.status_code == 400
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_change_password_rejects_mismatch_and_short(client: FlaskClient, login_as) -> None:
    login_as(Role.CONTRIBUTOR)
    mismatch = client.post(
        "/account/password",
        data={
            "current": factories.PASSWORD,
            "new": "a-new-password-1",
            "confirm": "other-password-2",
        },
    )
    assert "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    short = client.post(
        "/account/password",
        data={"current": factories.PASSWORD, "new": "short", "confirm": "short"},
    )
    assert short.status_code == 400


def test_language_switch_is_remembered_for_the_account(client: FlaskClient, login_as) -> None:
    user = login_as(Role.JOURNALIST)
    client.post("/language/en", data={"next": "/home"})
    assert "Central Kitchen" in client.get("/home").get_data(as_text=True)
    client.post("/logout")
    other = client  # a fresh sign-in on the same account keeps English
    _login(other, user.email)
    page = other.get("/home").get_data(as_text=True)
    assert "Material library" in page and 'lang="en"' in page
    client.post("/language/zh_CN", data={"next": "/home"})
    assert "素材库" in client.get("/home").get_data(as_text=True)


def test_language_switch_works_before_signing_in(client: FlaskClient) -> None:
    client.post("/language/en", data={"next": "/login"})
    assert "Sign in" in client.get("/login").get_data(as_text=True)


def test_unknown_language_is_ignored(client: FlaskClient) -> None:
    client.post("/language/xx", data={"next": "/login"})
    assert "登录" in client.get("/login").get_data(as_text=True)
