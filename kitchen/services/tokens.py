"""API tokens: create, list, revoke, and authenticate a Bearer token with rate limiting."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import ApiToken, User, utcnow
from kitchen.services import audit, throttle, validation
from kitchen.services.errors import DomainError, NotFound, RateLimited

PREFIX = "kit_"
# last_used_at is written at most this often, so reading the API does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class Unauthenticated(DomainError):
    """No credentials were sent with an API request."""

    status = 401
    code = "unauthorized"

    @classmethod
    def default_message(cls) -> object:
        return _l("Please send an API token in the Authorization header.")


class InvalidToken(Unauthenticated):
    """The token is unknown, revoked, or its account is disabled."""

    code = "invalid_token"

    @classmethod
    def default_message(cls) -> object:
        return _l("The API token is not valid, was revoked, or its account is disabled.")


def hash_token(plain: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user; the plain value is returned once and never stored."""
    name = validation.text(name, "name", max_len=80, required=True)
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(plain),
        prefix=plain[: len(PREFIX) + 4],
        last4=plain[-4:],
    )
    db.session.add(token)
    db.session.flush()
    audit.record(user, "token.create", "api_token", token.id, {"name": name})
    db.session.commit()
    return token, plain


def list_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included."""
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (another user's token is NotFound)."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if not token.is_revoked:
        token.revoked_at = utcnow()
        audit.record(user, "token.revoke", "api_token", token.id, {"name": token.name})
        db.session.commit()
    return token


def authenticate(plain: str, address: str) -> tuple[User, ApiToken]:
    """The active user and token for a Bearer value.

    A valid token is always accepted. Invalid ones are counted per address; past the budget
    (LOGIN_MAX_FAILURES_PER_ADDRESS per LOGIN_WINDOW_SECONDS) they answer 429 with a growing
    wait instead of 401, so guessing gets slow and other callers are not affected.
    """
    token = None
    if plain.startswith(PREFIX) and len(plain) <= 128:
        token = db.session.scalars(
            select(ApiToken).where(ApiToken.token_hash == hash_token(plain))
        ).first()
    if token is not None and not token.is_revoked and token.user.is_active:
        now = utcnow()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            token.last_used_at = now
            db.session.commit()
        return token.user, token
    scope = throttle.guessing(throttle.TOKEN_MARKER, address)
    client = scope.client
    wait = throttle.wait_seconds(scope)
    if wait:
        raise RateLimited(
            _l("Too many invalid API tokens. Please wait %(n)d seconds and try again.", n=wait),
            retry_after=wait,
        )
    if token is None or token.is_revoked:
        throttle.record_failure(throttle.TOKEN_MARKER, client)
    raise InvalidToken()
