"""Organisations: national societies, local associations, the centre, media."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from kitchen.models.base import Base, OrgKind, UsageTerms, UTCDateTime, str_enum, utcnow


class Organization(Base):
    """A member organisation, the centre itself, or a partner medium."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind))
    region: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The organisation's metadata template: new items start with these (editable per item).
    default_credit_line: Mapped[str] = mapped_column(String(200), default="", server_default="")
    default_usage_terms: Mapped[UsageTerms | None] = mapped_column(str_enum(UsageTerms))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"
