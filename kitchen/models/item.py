"""Items (leads, stories, photos, videos, products) and their media files."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import (
    Base,
    ItemKind,
    ItemStatus,
    Urgency,
    UsageTerms,
    UTCDateTime,
    str_enum,
    utcnow,
)
from kitchen.models.campaign import Campaign
from kitchen.models.organization import Organization
from kitchen.models.user import User

if TYPE_CHECKING:
    from kitchen.models.person import Person

item_campaign = Table(
    "item_campaign",
    Base.metadata,
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    Column("campaign_id", ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True),
)

PUBLIC_STATUSES = frozenset({ItemStatus.APPROVED})
EDITABLE_STATUSES = frozenset({ItemStatus.DRAFT, ItemStatus.CHANGES_REQUESTED})


class Item(Base):
    """One submission from a member organisation, with its review state."""

    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    people: Mapped[str] = mapped_column(String(500), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    event_date: Mapped[date | None] = mapped_column(Date)
    credit_line: Mapped[str] = mapped_column(String(200), default="")
    usage_terms: Mapped[UsageTerms] = mapped_column(
        str_enum(UsageTerms), default=UsageTerms.WITH_CREDIT
    )
    consent_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rights and consent end: the worker withdraws the item then, and warns 30 and 7 days
    # before (expiry_notified holds the last warning sent, in days; None: none yet).
    rights_until: Mapped[date | None] = mapped_column(Date, index=True)
    consent_until: Mapped[date | None] = mapped_column(Date, index=True)
    expiry_notified: Mapped[int | None] = mapped_column(Integer)
    # The web size shows the credit line drawn on the picture (off unless the terms ask).
    credit_stamp: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    keywords: Mapped[str] = mapped_column(String(500), default="")
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_info: Mapped[str] = mapped_column(String(200), default="")
    angle: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency), default=Urgency.NORMAL)
    link_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[ItemStatus] = mapped_column(
        str_enum(ItemStatus), default=ItemStatus.DRAFT, index=True
    )
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    submitter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The first submission, kept when an item is returned and sent again (reports count it).
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="joined")
    submitter: Mapped[User] = relationship(foreign_keys=[submitter_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    campaigns: Mapped[list[Campaign]] = relationship(
        secondary=item_campaign, order_by=Campaign.name
    )
    persons: Mapped[list[Person]] = relationship(secondary="item_person", order_by="Person.name")
    files: Mapped[list[MediaFile]] = relationship(
        back_populates="item",
        order_by="[MediaFile.position, MediaFile.id]",
        cascade="all, delete-orphan",
    )
    # The versions in other languages that readers see (proposals wait in ItemVersion too).
    versions: Mapped[list[ItemVersion]] = relationship(
        primaryjoin="and_(ItemVersion.item_id == Item.id, ItemVersion.status == 'approved')",
        order_by="ItemVersion.language",
        viewonly=True,
    )

    # Two curators deciding at once: the second UPDATE finds a newer version and fails.
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_public(self) -> bool:
        """Approved items are visible to every signed-in user."""
        return self.status in PUBLIC_STATUSES

    @property
    def is_editable(self) -> bool:
        """Contributors may change drafts and items sent back for changes."""
        return self.status in EDITABLE_STATUSES

    def __repr__(self) -> str:
        return f"<Item {self.id} {self.kind} {self.status}>"


class MediaFile(Base):
    """A file attached to an item, stored under a generated key; the original name is kept."""

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    original_name: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    media_type: Mapped[str] = mapped_column(String(16))
    mime: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration: Mapped[float | None] = mapped_column(Float)
    codec: Mapped[str | None] = mapped_column(String(32))
    browser_playable: Mapped[bool] = mapped_column(Boolean, default=False)
    caption: Mapped[str] = mapped_column(Text, default="")
    camera: Mapped[str | None] = mapped_column(String(120))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    thumb_key: Mapped[str | None] = mapped_column(String(80))
    web_key: Mapped[str | None] = mapped_column(String(80))
    poster_key: Mapped[str | None] = mapped_column(String(80))
    # A video's poster is made by the worker; until then the page says it is being processed.
    renditions_pending: Mapped[bool] = mapped_column(Boolean, default=False)
    # A photo's perceptual hash (64 bits, kitchen.services.likeness): the same picture at
    # another size or quality is near it. Stored signed, as BIGINT holds it.
    phash: Mapped[int | None] = mapped_column(BigInteger)
    # The words in the file (kitchen.services.extraction): read by the worker from a document
    # or, by OCR, from a picture. text_state: "" (nothing to read), pending, done, failed;
    # text_segments: JSON [{"page": n, "text": "…", "confidence": 0.97}, …]; text_note: why
    # there is none (encrypted, damaged, too slow); text_corrected: a curator rewrote it.
    text_state: Mapped[str] = mapped_column(String(16), default="", server_default="")
    text_segments: Mapped[str] = mapped_column(Text, default="", server_default="")
    text_note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    text_corrected: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    item: Mapped[Item] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<MediaFile {self.id} {self.original_name}>"


class ItemVersion(Base):
    """The item in another language (title, summary, text, caption), linked to the Chinese
    original: proposed by its organisation or a curator, reviewed like a revision. One version
    per language is approved at a time; the others are proposals or history."""

    __tablename__ = "item_version"
    __table_args__ = (  # one approved version per language, whatever two curators do at once
        Index(
            "uq_item_version_approved",
            "item_id",
            "language",
            unique=True,
            sqlite_where=text("status = 'approved'"),
            postgresql_where=text("status = 'approved'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    # pending, approved, declined, or replaced (by a newer proposal or approved version)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    item: Mapped[Item] = relationship()
