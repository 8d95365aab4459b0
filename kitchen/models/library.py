"""What journalists do with the library: downloads and selections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import Base, UTCDateTime, utcnow
from kitchen.models.item import Item


class DownloadEvent(Base):
    """One download: who took which rendition of which file of which item, and when."""

    __tablename__ = "download_event"
    # Reports read a period's downloads with their item and downloader from this index alone.
    __table_args__ = (Index("ix_download_event_period", "created_at", "item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("media_file.id", ondelete="SET NULL"))
    rendition: Mapped[str] = mapped_column(String(16))
    via: Mapped[str] = mapped_column(String(16), default="web")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SelectionEntry(Base):
    """An item in a user's selection (素材篮), to download together as one ZIP."""

    __tablename__ = "selection_entry"
    __table_args__ = (UniqueConstraint("user_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[Item] = relationship()
