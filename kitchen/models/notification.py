"""In-app notifications: a decision or comment on one's item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import Base, UTCDateTime, utcnow
from kitchen.models.item import Item
from kitchen.models.person import ExpertRequest


class Notification(Base):
    """Something a user should see: which item, which transition, and whether it was read."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    # Or about an introduction to an expert (kitchen.models.person).
    expert_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("expert_request.id", ondelete="CASCADE")
    )
    action: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item: Mapped[Item | None] = relationship()
    expert_request: Mapped[ExpertRequest | None] = relationship()

    @property
    def subject(self) -> str:
        """What it is about: the item's title, or the expert asked for."""
        if self.item is not None:
            return self.item.title
        return self.expert_request.person.name if self.expert_request is not None else ""
