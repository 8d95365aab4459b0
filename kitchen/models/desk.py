"""A journalist's desk: saved searches, named collections, and links that share them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kitchen.models.base import Base, UTCDateTime, utcnow
from kitchen.models.item import Item
from kitchen.models.user import User


class SavedSearch(Base):
    """A query with its filters, named by its user; new approved matches are announced."""

    __tablename__ = "saved_search"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    params: Mapped[str] = mapped_column(Text, default="{}")  # the page's query parameters, JSON
    # The Atom feed's private key: a reader without the user's session follows the search.
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class SavedSearchHit(Base):
    """An item a saved search has announced (each is announced once)."""

    __tablename__ = "saved_search_hit"
    __table_args__ = (UniqueConstraint("saved_search_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_search.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Collection(Base):
    """A named set of approved items (素材篮 is the one every user starts with)."""

    __tablename__ = "collection"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)  # the item page's basket
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    entries: Mapped[list[CollectionEntry]] = relationship(
        back_populates="collection",
        order_by="CollectionEntry.position",
        cascade="all, delete-orphan",
    )
    grants: Mapped[list[CollectionGrant]] = relationship(
        back_populates="collection", cascade="all, delete-orphan"
    )


class CollectionEntry(Base):
    """An item in a collection, at a position, with the collector's note."""

    __tablename__ = "collection_entry"
    __table_args__ = (UniqueConstraint("collection_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(500), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    collection: Mapped[Collection] = relationship(back_populates="entries")
    item: Mapped[Item] = relationship()


class CollectionGrant(Base):
    """Another account's access to a collection: read, or read and edit."""

    __tablename__ = "collection_grant"
    __table_args__ = (UniqueConstraint("collection_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    can_edit: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    collection: Mapped[Collection] = relationship(back_populates="grants")
    user: Mapped[User] = relationship()


class ShareLink(Base):
    """A collection or one item, shared with people without an account until it expires.

    Only the token's SHA-256 is stored; the link itself is shown once, when it is made.
    """

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    collection_id: Mapped[int | None] = mapped_column(
        ForeignKey("collection.id", ondelete="CASCADE")
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    originals: Mapped[bool] = mapped_column(Boolean, default=False)  # else web sizes only
    password_hash: Mapped[str | None] = mapped_column(String(256))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    owner: Mapped[User] = relationship()
    collection: Mapped[Collection | None] = relationship()
    item: Mapped[Item | None] = relationship()

    def live(self, now: datetime) -> bool:
        """Whether the link still opens (not revoked, not expired)."""
        return self.revoked_at is None and now < self.expires_at


class ShareVisit(Base):
    """One opening of a share link's page, or one download through it."""

    __tablename__ = "share_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_link_id: Mapped[int] = mapped_column(
        ForeignKey("share_link.id", ondelete="CASCADE"), index=True
    )
    what: Mapped[str] = mapped_column(String(16))  # "view" or "download"
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    client: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
