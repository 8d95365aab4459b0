"""Typed SQLAlchemy models: columns, relationships and pure predicates; no I/O, no commits."""

from kitchen.models.base import (
    Base,
    ItemKind,
    ItemStatus,
    OrgKind,
    Role,
    Urgency,
    UsageTerms,
    utcnow,
)
from kitchen.models.campaign import Campaign
from kitchen.models.item import Item, MediaFile, item_campaign
from kitchen.models.notification import Notification
from kitchen.models.organization import Organization
from kitchen.models.review import AuditEvent, Review
from kitchen.models.user import LoginAttempt, User

__all__ = [
    "AuditEvent",
    "Base",
    "Campaign",
    "Item",
    "ItemKind",
    "ItemStatus",
    "LoginAttempt",
    "MediaFile",
    "Notification",
    "OrgKind",
    "Organization",
    "Review",
    "Role",
    "Urgency",
    "UsageTerms",
    "User",
    "item_campaign",
    "utcnow",
]
