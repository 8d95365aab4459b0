"""The declarative base, shared enums and time helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns aware datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Declarative base with stable constraint names, so migrations name them the same."""

    metadata = MetaData(naming_convention=NAMING)


class OrgKind(StrEnum):
    """The kinds of organisation; the CLI and the API use these words."""

    NATIONAL_SOCIETY = "national_society"
    PROVINCIAL = "provincial"
    CITY = "city"
    CENTRE = "centre"
    MEDIA = "media"


# The organisations that submit and are evaluated: members, not the centre or partner media.
MEMBER_KINDS = frozenset({OrgKind.NATIONAL_SOCIETY, OrgKind.PROVINCIAL, OrgKind.CITY})


class Role(StrEnum):
    """What a user does in the library."""

    CONTRIBUTOR = "contributor"
    CURATOR = "curator"
    JOURNALIST = "journalist"
    ADMIN = "admin"


class ItemKind(StrEnum):
    """The five kinds of submission."""

    LEAD = "lead"
    STORY = "story"
    PHOTO = "photo"
    VIDEO = "video"
    PRODUCT = "product"


class ItemStatus(StrEnum):
    """Where an item is in review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class UsageTerms(StrEnum):
    """How media may use an item."""

    WITH_CREDIT = "with_credit"
    EDITORIAL_ONLY = "editorial_only"
    INTERNAL_ONLY = "internal_only"


class Urgency(StrEnum):
    """How soon a lead needs attention."""

    NORMAL = "normal"
    SOON = "soon"
    URGENT = "urgent"


def str_enum(enum_cls: type[StrEnum]) -> Enum:
    """A portable column type storing the enum's value as a short string."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
