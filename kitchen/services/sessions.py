"""Signed-in sessions kept in the database, so that signing out and new passwords end them.

The session cookie is signed but lives in the browser: without a record on the server, a copy
taken before signing out would stay valid. Each sign-in makes a row holding the SHA-256 of a
random key; the cookie holds the key; every request's user is loaded through that row.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from kitchen.extensions import db
from kitchen.models import User, UserSession, utcnow


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _oldest_valid() -> datetime:
    return utcnow() - timedelta(hours=int(current_app.config["SESSION_LIFETIME_HOURS"]))


def start(user: User) -> str:
    """Record a new session of the user and return its key (for the cookie, never stored)."""
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.created_at < _oldest_valid()
        )
    )
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key)))
    db.session.commit()
    return key


def load(user_id: int, key: str | None) -> User | None:
    """The active user of a live session, or None when the session was ended or has expired."""
    if not key:
        return None
    user = db.session.scalars(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            UserSession.key_hash == _hash(key),
            UserSession.created_at >= _oldest_valid(),
        )
    ).first()
    return user if user is not None and user.is_active else None


def end(key: str | None) -> None:
    """End one session (signing out)."""
    if key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == _hash(key)))
        db.session.commit()


def end_all(user: User, keep: str | None = None) -> None:
    """End every session of the user, but `keep` (the caller's own, when it changes a password).

    Does not commit: it belongs to the change that calls for it.
    """
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.key_hash != _hash(keep))
    db.session.execute(query)
