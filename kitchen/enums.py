"""The library's vocabularies: organisation kinds, roles, item kinds, states, usage terms and
urgency. Plain enums, no database: the models store them, and the field and facet specs
(kitchen.fields), which the search engine reads in its worker processes too, name them."""

from __future__ import annotations

from enum import StrEnum


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


class Language(StrEnum):
    """The language of an item's text: its own (Chinese), or one of its versions'."""

    ZH = "zh"
    EN = "en"
    FR = "fr"
    ES = "es"
    RU = "ru"
    AR = "ar"
    PT = "pt"
    DE = "de"
    JA = "ja"
    KO = "ko"


class Urgency(StrEnum):
    """How soon a lead needs attention."""

    NORMAL = "normal"
    SOON = "soon"
    URGENT = "urgent"


class Discipline(StrEnum):
    """学科领域: the controlled list of fields a person works in (free keywords go beside)."""

    MATHEMATICS = "mathematics"
    PHYSICS = "physics"
    CHEMISTRY = "chemistry"
    ASTRONOMY = "astronomy"
    EARTH = "earth"
    METEOROLOGY = "meteorology"
    LIFE = "life"
    MEDICINE = "medicine"
    AGRICULTURE = "agriculture"
    INFORMATION = "information"
    ENGINEERING = "engineering"
    MATERIALS = "materials"
    ENERGY = "energy"
    ENVIRONMENT = "environment"
    AEROSPACE = "aerospace"
    POPULARIZATION = "popularization"


class RequestStatus(StrEnum):
    """An introduction to an expert, asked by a journalist: open, then forwarded or declined."""

    OPEN = "open"
    FORWARDED = "forwarded"
    DECLINED = "declined"
