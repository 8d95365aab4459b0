"""What journalists do with the library: downloads (collections are in kitchen.models.desk)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kitchen.models.base import Base, UTCDateTime, utcnow


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
    # A download by someone without an account, through a share link: `user_id` is the link's
    # owner, so it counts where the owner's downloads count.
    share_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_link.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
