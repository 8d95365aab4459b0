"""Finding 1: nobody can lock anyone out; guessing gets slower and slower for the guesser only."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from kitchen import create_app
from kitchen.extensions import db
from kitchen.models import LoginAttempt, Role
from kitchen.security import DEVICE_COOKIE
from kitchen.services import tokens
from tests import factories
from tests.conftest import make_config

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def _login(client: FlaskClient, email: str, password: str = factories.PASSWORD, **env: str):
    return client.post("/login", data={"email": email, "password": password}, environ_base=env)


def _age_failures(seconds: float) -> None:
    """Let time pass for the recorded failures."""
    for attempt in db.session.query(LoginAttempt):
        attempt.created_at -= timedelta(seconds=seconds)
    db.session.commit()


def test_a_stranger_cannot_lock_the_owner_out(app: Flask) -> None:
    owner = factories.make_user(Role.JOURNALIST)
    attacker, browser = app.test_client(), app.test_client()
    for _ in range(40):
        _login(attacker, owner.email, "wrong-password", REMOTE_ADDR=ATTACKER)
    assert _login(attacker, owner.email, REMOTE_ADDR=ATTACKER).status_code == 429
    assert _login(browser, owner.email, REMOTE_ADDR=OWNER).status_code == 302


def test_waits_grow_for_the_guesser_and_then_pass(app: Flask, client: FlaskClient) -> None:
    user = factories.make_user(Role.CURATOR)
    free = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(free):
        assert _login(client, user.email, "wrong-password", REMOTE_ADDR=ATTACKER).status_code == 401
    waits = []
    for _ in range(4):
        refused = _login(client, user.email, "wrong-password", REMOTE_ADDR=ATTACKER)
        assert refused.status_code == 429 and "登录失败次数过多" in refused.get_data(as_text=True)
        waits.append(int(refused.headers["Retry-After"]))
        _age_failures(waits[-1])  # wait as told: the next guess is heard, and fails
        assert _login(client, user.email, "wrong-password", REMOTE_ADDR=ATTACKER).status_code == 401
    assert waits == [1, 2, 4, 8]
    _age_failures(20)
    # The owner, who only mistyped, is in after the wait, and the count starts again.
    assert _login(client, user.email, REMOTE_ADDR=ATTACKER).status_code == 302


def test_the_wait_never_exceeds_the_window(app: Flask, client: FlaskClient) -> None:
    app.config["LOGIN_WINDOW_SECONDS"] = 60
    user = factories.make_user(Role.CURATOR)
    waits = []
    for _ in range(30):
        response = _login(client, user.email, "wrong-password", REMOTE_ADDR=ATTACKER)
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            _age_failures(0.2)  # a little time passes; the failures stay inside the window
    assert waits and max(waits) <= 60


def test_guessing_many_accounts_from_one_address_slows_that_address(
    app: Flask, client: FlaskClient
) -> None:
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    user = factories.make_user(Role.CURATOR)
    for n in range(3):
        _login(client, f"guess{n}@test.example.com", "x" * 8, REMOTE_ADDR=ATTACKER)
    assert _login(client, user.email, REMOTE_ADDR=ATTACKER).status_code == 429
    assert _login(client, user.email, REMOTE_ADDR=OWNER).status_code == 302


def test_bad_tokens_never_refuse_a_valid_token_or_a_sign_in(
    app: Flask, client: FlaskClient
) -> None:
    user = factories.make_user(Role.JOURNALIST)
    _token, plain = tokens.create_token(user, "脚本")
    statuses = {
        client.get(
            "/api/v1/me",
            headers={"Authorization": "Bearer kit_guess"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        ).status_code
        for _ in range(25)
    }
    assert statuses == {401, 429}
    good = client.get(
        "/api/v1/me",
        headers={"Authorization": f"Bearer {plain}"},
        environ_base={"REMOTE_ADDR": ATTACKER},
    )
    assert good.status_code == 200
    assert _login(client, user.email, REMOTE_ADDR=ATTACKER).status_code == 302


def test_behind_a_proxy_each_client_has_its_own_address(
    app: Flask, tmp_path: Path, database_url: str
) -> None:
    (tmp_path / "proxied").mkdir()
    config = make_config(tmp_path / "proxied", database_url)
    config.TRUSTED_PROXIES = 1
    proxied = create_app(config)
    owner = factories.make_user(Role.JOURNALIST)
    attacker, browser = proxied.test_client(), proxied.test_client()

    def through_nginx(client: FlaskClient, email: str, password: str, forwarded_for: str) -> int:
        return client.post(
            "/login",
            data={"email": email, "password": password},
            headers={"X-Forwarded-For": forwarded_for},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        ).status_code

    for n in range(30):
        through_nginx(attacker, f"x{n}@test.example.com", "wrong-password", ATTACKER)
    assert through_nginx(attacker, owner.email, factories.PASSWORD, ATTACKER) == 429
    assert through_nginx(browser, owner.email, factories.PASSWORD, OWNER) == 302
    assert {a.address for a in db.session.query(LoginAttempt)} == {ATTACKER}
    with proxied.app_context():
        for engine in db.engines.values():
            engine.dispose()


def test_a_known_browser_signs_in_even_from_a_guessed_at_address(app: Flask) -> None:
    owner = factories.make_user(Role.JOURNALIST)
    browser, attacker = app.test_client(), app.test_client()
    first = _login(browser, owner.email, REMOTE_ADDR=OWNER)
    assert DEVICE_COOKIE in first.headers.get("Set-Cookie", "")
    browser.post("/logout")
    # The attacker now shares the owner's address (one office NAT) and guesses.
    for _ in range(30):
        _login(attacker, owner.email, "wrong-password", REMOTE_ADDR=OWNER)
    assert _login(attacker, owner.email, REMOTE_ADDR=OWNER).status_code == 429
    assert _login(browser, owner.email, REMOTE_ADDR=OWNER).status_code == 302
    # A device cookie names its account: it does not help with another one.
    other = factories.make_user(Role.JOURNALIST)
    browser.post("/logout")
    for _ in range(30):
        _login(attacker, other.email, "wrong-password", REMOTE_ADDR=OWNER)
    assert _login(browser, other.email, REMOTE_ADDR=OWNER).status_code == 429
