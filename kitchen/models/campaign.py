"""Campaigns: the centre's controlled vocabulary, and its calls for material."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kitchen.models.base import Base, UTCDateTime, utcnow


class Campaign(Base):
    """A theme with a brief and a period; open campaigns accept suggestions from contributors."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Whom the call is for: organisation kinds (comma-joined OrgKind values) and regions
    # (、-joined); empty means every member organisation.
    target_kinds: Mapped[str] = mapped_column(String(200), default="", server_default="")
    target_regions: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # What the worker did by the dates (kitchen.services.calls): announced the call, closed
    # it, and the last automatic reminder (days before the deadline).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_days: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<Campaign {self.slug}>"
