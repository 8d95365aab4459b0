"""API tokens: a user's named, revocable credentials for the JSON API, stored hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import Base, UTCDateTime, utcnow
from kitchen.models.user import User


class ApiToken(Base):
    """One token: only its SHA-256 is kept; the prefix and last four characters identify it."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_revoked(self) -> bool:
        """A revoked token never authenticates again."""
        return self.revoked_at is not None

    @property
    def hint(self) -> str:
        """How the token is shown in lists: its prefix and last four characters."""
        return f"{self.prefix}…{self.last4}"

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.hint} user={self.user_id}>"
