"""Where approved material was published, leads handed to partner outlets, and the weights of
the evaluation index."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import Base, UTCDateTime, str_enum, utcnow
from kitchen.models.item import Item
from kitchen.models.organization import Organization
from kitchen.models.user import User


class Channel(StrEnum):
    """Where a use appeared."""

    PAPER = "paper"
    TV = "tv"
    RADIO = "radio"
    WEBSITE = "website"
    NEW_MEDIA = "new_media"  # 新媒体账号: WeChat, Weibo, Douyin, app
    OTHER = "other"


class Handoff(Base):
    """A curator hands an item (usually a lead) to a partner outlet; its coverage comes back as
    uses recorded by that outlet."""

    __tablename__ = "handoff"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    handed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="joined")
    handed_by: Mapped[User] = relationship()


class ItemUse(Base):
    """One publication of an approved item (已刊发): outlet, link, date and channel."""

    __tablename__ = "item_use"
    __table_args__ = (Index("ix_item_use_published", "published_on", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    outlet: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(500), default="")
    published_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The recorder's organisation when the use was recorded (a media account's outlet).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[Item] = relationship()
    recorded_by: Mapped[User] = relationship(lazy="joined")
    handoff: Mapped[Handoff | None] = relationship()


class ReportWeight(Base):
    """An admin's weight for one part of the evaluation index (absent: the default)."""

    __tablename__ = "report_weight"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    weight: Mapped[float] = mapped_column(Float)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
