"""In-app notifications: a decision or comment on one's item."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import Base, UTCDateTime, utcnow
from kitchen.models.campaign import Campaign
from kitchen.models.desk import SavedSearch
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
    # Or about a call for material, or new matches of a saved search (kitchen.models.desk).
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    saved_search_id: Mapped[int | None] = mapped_column(
        ForeignKey("saved_search.id", ondelete="CASCADE")
    )
    action: Mapped[str] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    item: Mapped[Item | None] = relationship()
    expert_request: Mapped[ExpertRequest | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    saved_search: Mapped[SavedSearch | None] = relationship()

    @property
    def subject(self) -> str:
        """What it is about: the item's title, the expert asked for, the call or the search."""
        if self.item is not None:
            return self.item.title
        if self.expert_request is not None:
            return self.expert_request.person.name
        if self.campaign is not None:
            return self.campaign.name
        return self.saved_search.name if self.saved_search is not None else ""
