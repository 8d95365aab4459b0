"""People who sign in, and the record of login attempts used for rate limiting."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import Base, Role, UTCDateTime, str_enum, utcnow
from kitchen.models.organization import Organization


class User(UserMixin, Base):  # type: ignore[misc]
    """An account with one role; contributors and journalists belong to an organisation."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organization: Mapped[Organization | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        """Disabled users, and users of a disabled organisation, cannot sign in."""
        return self.active and (self.organization is None or self.organization.active)

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds one of these roles."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class LoginAttempt(Base):
    """One failed sign-in, kept in the database so every worker process sees it."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class UserSession(Base):
    """One signed-in browser: its cookie holds the key, the database only the key's hash.

    Signing out deletes the row; a new password, a role change or disabling the account
    deletes every row of the user, so a copied cookie stops working.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccountLink(Base):
    """A one-time link that sets a password: an invitation to a new account, or a reset.

    Only a random nonce is kept; the link's secret is an HMAC of the link's id and nonce with
    the application's key, so the worker can mail it and a copy of the database cannot forge it.
    """

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(16))  # "invite" or "reset"
    nonce: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
