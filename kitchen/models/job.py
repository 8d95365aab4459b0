"""The job queue: slow or outside work, recorded in the transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kitchen.models.base import Base, UTCDateTime, utcnow


class JobKind(StrEnum):
    """What the worker does for a job; `target_id` names the row it concerns."""

    INDEX = "index"  # bring an item's search entry in line with the database (item id)
    MAIL = "mail"  # e-mail a notification (notification id)
    POSTER = "poster"  # a video's poster and thumbnail (media file id)
    ACCOUNT_MAIL = "account_mail"  # e-mail an invitation or reset link (account link id)
    EXTRACT = "extract"  # read the words in a document or picture (media file id)


class Job(Base):
    """One piece of pending work; deleted once done, so the table is the queue.

    Several rows may name the same target (an item changed twice): the worker handles the
    target once, with its state at that moment, and deletes every row it took.
    """

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_due", "kind", "gave_up", "run_after", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    gave_up: Mapped[bool] = mapped_column(Boolean, default=False)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.target_id}>"
