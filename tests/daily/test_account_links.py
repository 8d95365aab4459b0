"""Invitations and password resets by one-time link: used once, expiring, ending sessions."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email.policy import default

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AccountLink, Role, User, UserSession, utcnow
from kitchen.services import account_links
from tests import factories
from tests.conftest import LoginAs
from tests.services.test_worker import smtp_server  # noqa: F401  (the fixture)

NEW_PASSWORD = "北京科协-2026-新"


def _link_from(page: str) -> str:
    found = re.search(r'data-testid="account-link"[^>]*|value="([^"]+/account/link/[^"]+)"', page)
    url = re.search(r'value="(http[^"]+/account/link/[^"]+)"', page)
    assert found and url, page[:1500]
    return url.group(1).split("/account/link/")[1]


def _redeem(client: FlaskClient, token: str, password: str = NEW_PASSWORD):
    return client.post(f"/account/link/{token}", data={"password": password, "confirm": password})


def _signs_in(client: FlaskClient, address: str, password: str) -> bool:
    answer = client.post("/login", data={"email": address, "password": password})
    return answer.status_code == 302 and answer.headers["Location"].endswith("/home")


def test_an_invitation_works_once(app: Flask, client: FlaskClient, login_as: LoginAs) -> None:
    org = factories.make_org(name="湖北省科学技术协会")
    login_as(Role.ADMIN)
    page = client.post(
        "/admin/users/new",
        data={
            "email": "wang@hbast.example.cn",
            "display_name": "王宣传",
            "role": "contributor",
            "organization_id": str(org.id),
            "active": "y",
            "password": "",
        },
    ).get_data(as_text=True)
    assert "给王宣传的邀请" in page and 'data-testid="copy-link"' in page
    token = _link_from(page)
    invited = db.session.scalars(select(User).where(User.email == "wang@hbast.example.cn")).one()
    client.post("/logout")
    form = client.get(f"/account/link/{token}")
    assert form.status_code == 200 and "欢迎使用中央厨房" in form.get_data(as_text=True)
    assert form.headers["Referrer-Policy"] == "no-referrer"
    mismatch = client.post(
        f"/account/link/{token}", data={"password": NEW_PASSWORD, "confirm": "另一个密码123"}
    )
    assert mismatch.status_code == 400
    done = _redeem(client, token)
    assert done.status_code == 302 and "/login" in done.headers["Location"]
    assert _signs_in(client, invited.email, NEW_PASSWORD)
    client.post("/logout")
    again = _redeem(client, token, "又一个新密码2026")
    assert again.status_code == 404 and "链接已过期或已使用" in again.get_data(as_text=True)
    assert _signs_in(client, invited.email, NEW_PASSWORD)


def test_an_expired_or_forged_link_is_refused(client: FlaskClient) -> None:
    user = factories.make_user(Role.JOURNALIST)
    link = account_links.issue(None, user, account_links.RESET)
    token = account_links.token_of(link)
    forged = token[:-1] + ("1" if token.endswith("0") else "0")  # one character changed
    assert client.get(f"/account/link/{forged}").status_code == 404
    assert client.get(f"/account/link/{link.id + 1}.{token.split('.')[1]}").status_code == 404
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _redeem(client, token).status_code == 404
    assert not _signs_in(client, user.email, NEW_PASSWORD)
    # A newer link makes the older one stop working.
    first = account_links.issue(None, user, account_links.RESET)
    second = account_links.issue(None, user, account_links.RESET)
    assert _redeem(client, account_links.token_of(first)).status_code == 404
    assert _redeem(client, account_links.token_of(second)).status_code == 302


def test_a_reset_link_ends_the_other_sessions(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.CURATOR)
    elsewhere = app.test_client()
    assert _signs_in(elsewhere, user.email, factories.PASSWORD)
    assert elsewhere.get("/home").status_code == 200
    admin = factories.make_user(Role.ADMIN)
    assert _signs_in(client, admin.email, factories.PASSWORD)
    page = client.post(f"/admin/users/{user.id}/reset-link").get_data(as_text=True)
    assert "的密码重置链接" in page
    client.post("/logout")
    assert _redeem(client, _link_from(page)).status_code == 302
    assert elsewhere.get("/home").status_code == 302  # signed out there
    assert (
        db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))
        == 0
    )
    assert not _signs_in(client, user.email, factories.PASSWORD)
    assert _signs_in(client, user.email, NEW_PASSWORD)


def test_a_forgotten_password_is_mailed_by_the_worker(
    app: Flask,
    client: FlaskClient,
    drain,
    smtp_server,  # noqa: F811
) -> None:
    _controller, inbox = smtp_server
    user = factories.make_user(Role.JOURNALIST, email="liu@stdaily.example.cn")
    page = client.get("/password/forgot").get_data(as_text=True)
    assert 'data-testid="forgot-form"' in page
    for address in ("liu@stdaily.example.cn", "nobody@example.cn", "不是邮箱"):
        answer = client.post("/password/forgot", data={"email": address}, follow_redirects=True)
        assert "如果该邮箱属于某个账号" in answer.get_data(as_text=True)
    client.post("/password/forgot", data={"email": "LIU@stdaily.example.cn"})  # again: no 2nd mail
    assert db.session.scalar(select(func.count(AccountLink.id))) == 1
    drain()
    assert len(inbox.messages) == 1
    message = email.message_from_bytes(inbox.messages[0], policy=default)
    assert message["To"] == user.email and "设置中央厨房的新密码" in message["Subject"]
    body = message.get_content()
    token = re.search(r"https://kitchen\.example/account/link/(\S+)", body).group(1)
    assert _redeem(client, token).status_code == 302
    drain()
    assert len(inbox.messages) == 1


def test_without_mail_the_page_says_to_ask_an_admin(client: FlaskClient) -> None:
    factories.make_user(Role.JOURNALIST, email="zhao@example.cn")
    assert 'data-testid="ask-admin"' in client.get("/password/forgot").get_data(as_text=True)
    client.post("/password/forgot", data={"email": "zhao@example.cn"})
    assert db.session.scalar(select(func.count(AccountLink.id))) == 0


def test_the_token_page_has_a_copy_button(client: FlaskClient, login_as: LoginAs) -> None:
    login_as(Role.JOURNALIST)
    page = client.post("/account/tokens", data={"name": "编辑部脚本"}, follow_redirects=True)
    assert 'data-testid="copy-token"' in page.get_data(as_text=True)
