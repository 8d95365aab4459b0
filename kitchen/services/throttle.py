"""Failed sign-ins and bad tokens slow down their sender, never the account's owner elsewhere.

Failures are rows of `login_attempt`, so every worker process sees them. A *scope* is one account
tried from one client, or one client trying every account. A scope has a number of free failures
inside the window (LOGIN_WINDOW_SECONDS); after those, each attempt must wait twice as long as
the one before, counted from the scope's latest failure (1 s, 2 s, 4 s … up to the window). An
attempt refused while waiting is not recorded, so the wait never grows past the window, and a
client that has not failed is never asked to wait because another one did. The client is the
address (behind KITCHEN_TRUSTED_PROXIES, the one the proxy saw), or the browser's device cookie
where it holds one for the account (`kitchen.security.device_client`).

Flask-Limiter was considered: it counts every request of a key in fixed or moving windows, keeps
its counts in memory, Redis, Memcached or MongoDB (not in our database), and has no notion of a
growing delay counted from the last failure, so the rule above would be fought rather than used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from kitchen.extensions import db
from kitchen.models import LoginAttempt, utcnow
from kitchen.services.errors import RateLimited

# A failed token is recorded under this marker instead of an e-mail address (not a valid one,
# so it never names an account); token failures have their own budget per address.
TOKEN_MARKER = "api-token"
CLIENT_LENGTH = 64


@dataclass(frozen=True)
class Scope:
    """Failures counted together: from `client`, for `email` (or for every account but tokens)."""

    client: str
    free: int
    email: str | None = None


def client_key(address: str | None) -> str:
    """The stored form of a client address."""
    return (address or "unknown")[:CLIENT_LENGTH]


def wait_seconds(scope: Scope) -> int:
    """How long this scope must still wait before its next attempt (0: go ahead)."""
    window = int(current_app.config["LOGIN_WINDOW_SECONDS"])
    now = utcnow()
    query = select(func.count(LoginAttempt.id), func.max(LoginAttempt.created_at)).where(
        LoginAttempt.address == scope.client,
        LoginAttempt.created_at >= now - timedelta(seconds=window),
    )
    if scope.email is None:
        query = query.where(LoginAttempt.email != TOKEN_MARKER)
    else:
        query = query.where(LoginAttempt.email == scope.email)
    count, latest = db.session.execute(query).one()
    if not count or count < scope.free or latest is None:
        return 0
    delay = min(window, 2 ** min(count - scope.free, 30))
    remaining = (latest + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


def guessing(marker: str, client: str) -> Scope:
    """The failures of one client at a secret in an address (a share link, a feed, a link's
    password), under `marker`: the per-address budget, as for API tokens."""
    budget = int(current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"])
    return Scope(client_key(client), budget, email=marker)


def refuse_while_waiting(scope: Scope) -> None:
    """RateLimited while the scope must wait (links and feeds guessed at: wrong tokens)."""
    wait = wait_seconds(scope)
    if wait:
        raise RateLimited(
            _l(
                "Too many wrong links or passwords. Please wait %(n)d seconds and try again.",
                n=wait,
            ),
            retry_after=wait,
        )


def longest_wait(*scopes: Scope) -> int:
    """The longest wait among the scopes an attempt belongs to."""
    return max((wait_seconds(scope) for scope in scopes), default=0)


def record_failure(email: str, client: str) -> None:
    """Count one failure of `email` (or the token marker) from `client`, and commit it.

    Failures older than the window no longer count; they are deleted here, so the table stays
    as small as the failures of one window.
    """
    since = utcnow() - timedelta(seconds=int(current_app.config["LOGIN_WINDOW_SECONDS"]))
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < since))
    db.session.add(LoginAttempt(email=email, address=client))
    db.session.commit()


def forget(email: str, client: str) -> None:
    """A success from this client clears its failures on this account (not other clients')."""
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.address == client)
    )
