"""API tokens: the service, Bearer authentication, rate limiting, CSRF, the page and the CLI."""

from __future__ import annotations

import hashlib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import ApiToken, LoginAttempt, Role
from kitchen.services import tokens
from kitchen.services.errors import NotFound, RateLimited, ValidationError
from tests import factories
from tests.conftest import LoginAs

TOKEN = re.compile(r"kit_[A-Za-z0-9_-]{43}")


def _bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


def test_create_token_keeps_only_the_hash(app: Flask) -> None:
    user = factories.make_user(Role.JOURNALIST)
    token, plain = tokens.create_token(user, "  科技日报 素材同步 ")
    assert TOKEN.fullmatch(plain)
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.name == "科技日报 素材同步" and token.hint == f"{plain[:8]}…{plain[-4:]}"
    stored = db.session.scalars(select(ApiToken)).one()
    assert plain not in {stored.token_hash, stored.prefix, stored.last4}
    assert tokens.list_tokens(user) == [token]


def test_create_token_needs_a_name(app: Flask) -> None:
    user = factories.make_user(Role.JOURNALIST)
    with pytest.raises(ValidationError):
        tokens.create_token(user, "  ")


def test_authenticate_marks_the_token_used(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    token, plain = tokens.create_token(user, "脚本")
    assert token.last_used_at is None
    found, used = tokens.authenticate(plain, "10.0.0.1")
    assert found.id == user.id and used.id == token.id and used.last_used_at is not None


@pytest.mark.parametrize("case", ["unknown", "revoked", "disabled", "malformed"])
def test_authenticate_refuses_bad_tokens(app: Flask, case: str) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    token, plain = tokens.create_token(user, "脚本")
    if case == "unknown":
        plain = "kit_" + "x" * 43
    elif case == "revoked":
        tokens.revoke_token(user, token.id)
    elif case == "disabled":
        user.active = False
        db.session.commit()
    else:
        plain = "not-a-token"
    with pytest.raises(tokens.InvalidToken):
        tokens.authenticate(plain, "10.0.0.1")
    failures = db.session.scalars(select(LoginAttempt)).all()
    assert len(failures) == (0 if case == "disabled" else 1)


def test_bad_tokens_slow_down_only_bad_tokens(app: Flask) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    _token, plain = tokens.create_token(user, "脚本")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        with pytest.raises(tokens.InvalidToken):
            tokens.authenticate("kit_wrong", "10.0.0.9")
    with pytest.raises(RateLimited) as limited:
        tokens.authenticate("kit_wrong", "10.0.0.9")
    assert limited.value.retry_after >= 1
    assert tokens.authenticate(plain, "10.0.0.9")[0].id == user.id  # a good token always works
    with pytest.raises(tokens.InvalidToken):
        tokens.authenticate("kit_wrong", "10.0.0.10")  # another address has its own budget


def test_revoke_only_ones_own_token(app: Flask) -> None:
    owner, other = factories.make_user(Role.CONTRIBUTOR), factories.make_user(Role.CURATOR)
    token, _plain = tokens.create_token(owner, "脚本")
    with pytest.raises(NotFound):
        tokens.revoke_token(other, token.id)
    assert tokens.revoke_token(owner, token.id).is_revoked


def test_api_answers_401_with_a_challenge(client: FlaskClient) -> None:
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="kitchen"'
    assert missing.get_json()["error"]["code"] == "unauthorized"
    for header in ("Bearer kit_nope", "Basic dXNlcjpwYXNz", "Bearer"):
        bad = client.get("/api/v1/me", headers={"Authorization": header})
        assert bad.status_code == 401, header
        assert bad.get_json()["error"] == {
            "code": "invalid_token",
            "message": "接口令牌无效、已撤销，或其账号已停用。",
        }
        assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]


def test_api_rate_limits_bad_tokens(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.JOURNALIST)
    _token, plain = tokens.create_token(user, "脚本")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        assert client.get("/api/v1/me", headers=_bearer("kit_guess")).status_code == 401
    limited = client.get("/api/v1/me", headers=_bearer("kit_guess"))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 200


def test_bad_tokens_do_not_slow_sign_ins(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.JOURNALIST)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] + 3):
        client.get("/api/v1/me", headers=_bearer("kit_guess"))
    login = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert login.status_code == 302


def test_token_of_a_disabled_account_stops_working(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.JOURNALIST)
    _token, plain = tokens.create_token(user, "脚本")
    assert client.get("/api/v1/me", headers=_bearer(plain)).get_json()["email"] == user.email
    user.organization.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=_bearer(plain)).status_code == 401


def test_a_token_does_not_open_the_web_pages(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.JOURNALIST)
    _token, plain = tokens.create_token(user, "脚本")
    response = client.get("/home", headers=_bearer(plain))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_token_request_sets_no_cookie(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.JOURNALIST)
    _token, plain = tokens.create_token(user, "脚本")
    response = client.get("/api/v1/me", headers=_bearer(plain))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_the_signed_in_browser_needs_a_csrf_token(
    app: Flask, client: FlaskClient, login_as: LoginAs
) -> None:
    user = login_as(Role.CONTRIBUTOR)
    assert client.get("/api/v1/me").get_json()["id"] == user.id
    app.config["WTF_CSRF_ENABLED"] = True
    story = {"kind": "lead", "title": "线索", "credit": "本会", "contact_name": "王"}
    story["contact_info"] = "010-1234"
    refused = client.post("/api/v1/items", json=story)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    page = client.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert csrf is not None
    accepted = client.post("/api/v1/items", json=story, headers={"X-CSRFToken": csrf.group(1)})
    assert accepted.status_code == 201, accepted.get_data(as_text=True)


def test_a_bearer_token_wins_over_the_session_cookie(
    app: Flask, client: FlaskClient, login_as: LoginAs
) -> None:
    login_as(Role.CONTRIBUTOR)
    other = factories.make_user(Role.JOURNALIST)
    _token, plain = tokens.create_token(other, "脚本")
    assert client.get("/api/v1/me", headers=_bearer(plain)).get_json()["id"] == other.id
    assert client.get("/api/v1/me", headers=_bearer("kit_wrong")).status_code == 401
    app.config["WTF_CSRF_ENABLED"] = True
    story = {"kind": "story", "title": "故事", "body": "正文", "credit": "本会"}
    assert client.post("/api/v1/items", json=story).status_code == 400  # the cookie: CSRF
    assert client.post("/api/v1/items", json=story, headers=_bearer(plain)).status_code == 403


def test_a_bearer_request_needs_no_csrf_token(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    _token, plain = tokens.create_token(user, "脚本")
    app.config["WTF_CSRF_ENABLED"] = True
    story = {"kind": "story", "title": "故事", "body": "正文", "credit": "本会"}
    response = client.post("/api/v1/items", json=story, headers=_bearer(plain))
    assert response.status_code == 201 and response.get_json()["status"] == "draft"


def test_tokens_page_creates_shows_once_and_revokes(
    app: Flask, client: FlaskClient, login_as: LoginAs
) -> None:
    partner = app.test_client()  # a program: no session cookie
    login_as(Role.JOURNALIST)
    assert "您还没有接口令牌" in client.get("/account/tokens").get_data(as_text=True)
    created = client.post("/account/tokens", data={"name": "科技日报 同步"})
    page = created.get_data(as_text=True)
    plain = TOKEN.search(page)
    assert created.status_code == 200 and plain is not None
    assert created.headers["Cache-Control"] == "no-store"
    assert "请立即复制" in page
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "科技日报 同步" in listing and plain.group(0) not in listing
    assert "从未使用" in listing
    assert partner.get("/api/v1/me", headers=_bearer(plain.group(0))).status_code == 200
    assert "从未使用" not in client.get("/account/tokens").get_data(as_text=True)
    token = db.session.scalars(select(ApiToken)).one()
    revoked = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "已撤销" in revoked.get_data(as_text=True)
    assert partner.get("/api/v1/me", headers=_bearer(plain.group(0))).status_code == 401


def test_tokens_page_refuses_an_empty_name(client: FlaskClient, login_as: LoginAs) -> None:
    login_as(Role.CURATOR)
    response = client.post("/account/tokens", data={"name": ""})
    assert response.status_code == 400
    assert db.session.scalars(select(ApiToken)).first() is None


def test_user_menu_links_to_the_tokens_page(client: FlaskClient, login_as: LoginAs) -> None:
    login_as(Role.CONTRIBUTOR)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'href="/account/tokens"' in page and "接口令牌" in page


def test_cli_creates_a_working_token(runner: FlaskCliRunner, client: FlaskClient) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    result = runner.invoke(args=["kitchen", "token", "create", "--email", user.email])
    assert result.exit_code == 0, result.output
    plain = TOKEN.search(result.output)
    assert plain is not None
    assert client.get("/api/v1/me", headers=_bearer(plain.group(0))).status_code == 200
    missing = runner.invoke(args=["kitchen", "token", "create", "--email", "no@test.example.com"])
    assert missing.exit_code != 0 and "No account" in missing.output
