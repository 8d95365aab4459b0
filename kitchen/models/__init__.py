"""Typed SQLAlchemy models: columns, relationships and pure predicates; no I/O, no commits."""

from kitchen.models.base import (
    MEMBER_KINDS,
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
from kitchen.models.desk import (
    Collection,
    CollectionEntry,
    CollectionGrant,
    SavedSearch,
    SavedSearchHit,
    ShareLink,
    ShareVisit,
)
from kitchen.models.item import Item, ItemVersion, MediaFile, item_campaign
from kitchen.models.job import Job, JobKind
from kitchen.models.library import DownloadEvent
from kitchen.models.notification import Notification
from kitchen.models.organization import Organization
from kitchen.models.person import ExpertRequest, Person, item_person
from kitchen.models.report import Channel, Handoff, ItemUse, ReportWeight
from kitchen.models.review import AuditEvent, Review, Revision
from kitchen.models.token import ApiToken
from kitchen.models.user import AccountLink, LoginAttempt, User, UserSession

__all__ = [
    "MEMBER_KINDS",
    "AccountLink",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Campaign",
    "Channel",
    "Collection",
    "CollectionEntry",
    "CollectionGrant",
    "DownloadEvent",
    "ExpertRequest",
    "Handoff",
    "Item",
    "ItemKind",
    "ItemStatus",
    "ItemUse",
    "ItemVersion",
    "Job",
    "JobKind",
    "LoginAttempt",
    "MediaFile",
    "Notification",
    "OrgKind",
    "Organization",
    "Person",
    "ReportWeight",
    "Review",
    "Revision",
    "Role",
    "SavedSearch",
    "SavedSearchHit",
    "ShareLink",
    "ShareVisit",
    "Urgency",
    "UsageTerms",
    "User",
    "UserSession",
    "item_campaign",
    "item_person",
    "utcnow",
]
