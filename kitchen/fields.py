"""The item field spec and the facet spec: one row per field of an item, one per search facet.

The forms (kitchen.forms.submit), the services' validation (kitchen.services.submission and
curation), the API's payloads, serializers and OpenAPI schemas, the search document and its
ranking weights, and the audit's labels all read these rows. Adding a field is one row here, one
column on `Item` with its migration, and the template where the field shows.

The facets (FACETS) are read by the search schema and facet counting, the library service, the
search page, the API and its OpenAPI document; none is special-cased by name.

Labels are English message ids, marked with `N_` for extraction and translated where shown.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from enum import Enum, StrEnum

from kitchen.enums import ItemKind, ItemStatus, Language, Urgency, UsageTerms


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


class FieldType(Enum):
    """How a field is typed, stored and shown."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # paragraphs
    LIST = "list"  # entries stored joined in one string, a list in the API
    URL = "url"  # an http(s) address or empty
    DATE = "date"  # a day or nothing
    FLAG = "flag"  # yes or no
    CHOICE = "choice"  # one value of an enum
    CAMPAIGNS = "campaigns"  # campaign slugs (the item's campaign tags)
    PERSONS = "persons"  # ids of person records (kitchen.models.person), linked to the item


class Setter(Enum):
    """Who sets a field, and where."""

    SUBMIT = "submit"  # the contributor, on a draft (the submission form, POST/PATCH items)
    CORRECT = "correct"  # a curator, in review (the review form, POST items/{id}/review)
    REVISE = "revise"  # the organisation, proposing new words for an approved item
    BATCH = "batch"  # a batch upload: typed once, shared by every photo's item


ALL_KINDS = frozenset(ItemKind)
# Fields that are links to other records, not the item's own columns.
RELATIONS = frozenset({FieldType.CAMPAIGNS, FieldType.PERSONS})
# Entries of a list field may be typed with these between them (Chinese or Latin).
LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True)
class ItemField:
    """One field of an item."""

    name: str  # the Item attribute, the form field and the service's input name
    type: FieldType
    label: str
    max_length: int | None = None  # characters (PERSONS: records)
    required_for: frozenset[ItemKind] = frozenset()  # kinds that cannot be saved without it
    set_by: frozenset[Setter] = frozenset({Setter.SUBMIT})
    search_weight: int | None = None  # searched, each word counting this much in the ranking
    # (0: found by its words, which never rank: an item's own text comes first)
    index_name: str = ""  # the name of its text in the index where it differs from `name`
    pinyin: bool = False  # also indexed by its sound (kitchen.search.pinyin): names and titles
    api_name: str = ""  # the JSON name where it differs from `name`
    choices: builtins.type[StrEnum] | None = None  # CHOICE: the enum
    joiner: str = ", "  # LIST: how the stored string joins its entries
    description: str = ""  # the form's help line
    api_description: str = ""  # the OpenAPI schema's description
    default: object = None  # what a new item starts with (None: the type's empty value)

    @property
    def text_name(self) -> str:
        """The name of the field's text in the search index."""
        return self.index_name or self.name

    @property
    def json_name(self) -> str:
        """The field's name in the API."""
        return self.api_name or self.name

    def required(self, kind: ItemKind | str) -> bool:
        """Whether an item of this kind needs a value."""
        return kind in self.required_for

    def empty(self) -> object:
        """The value of an unfilled field."""
        if self.default is not None:
            return self.default
        if self.type in RELATIONS:
            return []
        if self.type is FieldType.FLAG:
            return False
        if self.type is FieldType.DATE:
            return None
        return ""


SUBMIT_REVISE = frozenset({Setter.SUBMIT, Setter.REVISE})
EVERYWHERE = frozenset({Setter.SUBMIT, Setter.CORRECT, Setter.BATCH})

ITEM_FIELDS: tuple[ItemField, ...] = (
    ItemField(
        "title",
        FieldType.TEXT,
        N_("Title"),
        200,
        required_for=ALL_KINDS,
        set_by=frozenset(Setter),
        search_weight=3,
        pinyin=True,
    ),
    ItemField(
        "summary",
        FieldType.LONG_TEXT,
        N_("Summary"),
        2000,
        set_by=frozenset({Setter.SUBMIT, Setter.CORRECT, Setter.REVISE}),
        search_weight=2,
    ),
    ItemField(
        "body",
        FieldType.LONG_TEXT,
        N_("Text"),
        100_000,
        required_for=frozenset({ItemKind.STORY}),
        set_by=SUBMIT_REVISE,
        search_weight=1,
    ),
    ItemField(
        "people",
        FieldType.LIST,
        N_("People featured"),
        500,
        set_by=frozenset(Setter),
        search_weight=2,
        pinyin=True,
        joiner="、",
        description=N_("Names and titles, e.g. 陈立新（中国科学院院士）."),
        api_description="Names of the people shown or quoted.",
    ),
    ItemField(
        "persons",
        FieldType.PERSONS,
        N_("People in the directory"),
        50,  # records at the most
        set_by=frozenset({Setter.SUBMIT, Setter.CORRECT}),
        search_weight=3,
        pinyin=True,
        api_name="person_ids",
        description=N_("Type a name to find a recorded person, or propose one not recorded yet."),
        api_description="Ids of the recorded people the item features (GET /people).",
    ),
    ItemField(
        "keywords",
        FieldType.LIST,
        N_("Keywords"),
        500,
        set_by=frozenset(Setter),
        search_weight=2,
        description=N_("Separate with commas or 、"),
    ),
    ItemField(
        "place",
        FieldType.TEXT,
        N_("Place"),
        200,
        set_by=frozenset({Setter.SUBMIT, Setter.REVISE, Setter.BATCH}),
        search_weight=1,
    ),
    ItemField(
        "event_date",
        FieldType.DATE,
        N_("Date of the event"),
        set_by=frozenset({Setter.SUBMIT, Setter.REVISE, Setter.BATCH}),
    ),
    ItemField(
        "credit_line",
        FieldType.TEXT,
        N_("Credit line (author / photographer)"),
        200,
        required_for=ALL_KINDS,
        set_by=frozenset(Setter),
        api_name="credit",
        api_description="The credit line, e.g. 某某科协 摄/张三.",
    ),
    ItemField(
        "usage_terms",
        FieldType.CHOICE,
        N_("Usage terms"),
        required_for=ALL_KINDS,
        set_by=EVERYWHERE,
        choices=UsageTerms,
        default=UsageTerms.WITH_CREDIT.value,
    ),
    ItemField(
        "consent_confirmed",
        FieldType.FLAG,
        N_("People who can be recognised, or are named, agreed to publication"),
        set_by=frozenset({Setter.SUBMIT, Setter.BATCH}),
        api_name="consent",
        api_description="The people shown agreed to publication.",
    ),
    ItemField(
        "credit_stamp",
        FieldType.FLAG,
        N_("Draw the credit line on the web-size pictures"),
        set_by=frozenset({Setter.SUBMIT, Setter.CORRECT}),
        api_description="Draw the credit line on the web-size pictures.",
    ),
    ItemField(
        "rights_until",
        FieldType.DATE,
        N_("Rights valid until"),
        set_by=frozenset({Setter.SUBMIT, Setter.CORRECT}),
        description=N_("Leave empty if the material may be used without a time limit."),
        api_description="The item is withdrawn on this day (rights end).",
    ),
    ItemField(
        "consent_until",
        FieldType.DATE,
        N_("Consent of the people shown valid until"),
        set_by=frozenset({Setter.SUBMIT, Setter.CORRECT}),
        description=N_("After that day the item is withdrawn from the library."),
        api_description="The consent of the people shown ends this day.",
    ),
    ItemField(
        "contact_name",
        FieldType.TEXT,
        N_("Contact person"),
        80,
        required_for=frozenset({ItemKind.LEAD}),
        api_description="Leads only.",
    ),
    ItemField(
        "contact_info",
        FieldType.TEXT,
        N_("Phone or e-mail"),
        200,
        required_for=frozenset({ItemKind.LEAD}),
        api_description="Leads only.",
    ),
    ItemField(
        "angle",
        FieldType.LONG_TEXT,
        N_("Suggested angle"),
        2000,
        set_by=SUBMIT_REVISE,
        api_description="Leads only.",
    ),
    ItemField(
        "urgency",
        FieldType.CHOICE,
        N_("Urgency"),
        choices=Urgency,
        default=Urgency.NORMAL.value,
    ),
    ItemField(
        "link_url",
        FieldType.URL,
        N_("Link to an online page"),
        500,
        set_by=SUBMIT_REVISE,
        api_description="Products: a web address (http or https).",
    ),
    ItemField(
        "campaigns",
        FieldType.CAMPAIGNS,
        N_("Suggested campaigns"),
        set_by=EVERYWHERE,
        search_weight=0,  # 扶贫 finds the items tagged 定点扶贫, below those that say it
        index_name="campaign_names",
        api_description="Slugs of open campaigns the item answers.",
    ),
    ItemField(
        "featured",
        FieldType.FLAG,
        N_("Featured (精选)"),
        set_by=frozenset({Setter.CORRECT}),
    ),
)

BY_NAME: dict[str, ItemField] = {f.name: f for f in ITEM_FIELDS}

# The texts of an item's versions in other languages (kitchen.models.ItemVersion), searched
# after its own fields with these ranking weights: a version's title as a title, the rest as text.
VERSION_TEXTS: dict[str, int] = {"version_title": 3, "version_text": 1}
# The words read from the item's files (kitchen.services.extraction), searched below the item's
# own fields: they find the item, and never rank it above one whose own words say the same.
FILE_TEXTS: dict[str, int] = {"document_text": 0, "image_text": 0}


def set_by(setter: Setter, spec: tuple[ItemField, ...] | None = None) -> tuple[ItemField, ...]:
    """The fields this setter sets, in spec order."""
    return tuple(f for f in (spec or ITEM_FIELDS) if setter in f.set_by)


def searched(spec: tuple[ItemField, ...] | None = None) -> tuple[ItemField, ...]:
    """The fields search indexes as text, in spec order (the order of the index's text)."""
    return tuple(f for f in (spec or ITEM_FIELDS) if f.search_weight is not None)


def split_list(value: str) -> list[str]:
    """A stored list field's entries."""
    return [part.strip() for part in LIST_SEPARATORS.split(value or "") if part.strip()]


class FacetNames(Enum):
    """Where a facet's value labels come from."""

    CHOICES = "choices"  # the enum's labels
    CAMPAIGNS = "campaigns"  # campaign names by slug
    ORGANIZATIONS = "organizations"  # organisation names by id
    VALUES = "values"  # the value itself (a year)


@dataclass(frozen=True)
class Facet:
    """One facet of the search: a filter with counts."""

    name: str  # the engine's column and the page's name for it
    label: str
    source: str  # the SearchDocument attribute it is read from (a list for `multi`)
    names: FacetNames
    param: str = ""  # the query parameter (page and API) where it differs from `name`
    choices: type[StrEnum] | None = None  # FacetNames.CHOICES: the enum
    multi: bool = False  # a document has several values (campaigns)
    staff_only: bool = False  # filtered and counted for centre staff only
    shown: bool = True  # offered as a filter (False: used by the access scope only)
    maximum: int = 0  # whole-number values (ids, years) from 1 to this; 0: text values
    newest_first: bool = False  # values listed largest first (years), not by count

    @property
    def numeric(self) -> bool:
        """Whether the values are whole numbers."""
        return self.maximum > 0

    @property
    def query_param(self) -> str:
        """The query parameter of the page and the API."""
        return self.param or self.name


FACETS: tuple[Facet, ...] = (
    Facet("campaign", N_("Campaign"), "campaigns", FacetNames.CAMPAIGNS, multi=True),
    Facet("kind", N_("Kind"), "kind", FacetNames.CHOICES, choices=ItemKind),
    Facet(
        "organization",
        N_("Organisation"),
        "organization",
        FacetNames.ORGANIZATIONS,
        "org",
        maximum=2**31 - 1,
    ),
    Facet("year", N_("Year"), "year", FacetNames.VALUES, maximum=9999, newest_first=True),
    Facet(
        "language",
        N_("Language"),
        "languages",
        FacetNames.CHOICES,
        "lang",
        choices=Language,
        multi=True,
    ),
    Facet(
        "status", N_("Status"), "status", FacetNames.CHOICES, choices=ItemStatus, staff_only=True
    ),
    Facet(
        "terms",
        N_("Usage terms"),
        "usage_terms",
        FacetNames.CHOICES,
        choices=UsageTerms,
        shown=False,
    ),
)
FACET_NAMES: tuple[str, ...] = tuple(f.name for f in FACETS)
FACETS_BY_NAME: dict[str, Facet] = {f.name: f for f in FACETS}


def shown_facets(staff: bool) -> tuple[Facet, ...]:
    """The facets a user is offered: staff-only ones for centre staff alone."""
    return tuple(f for f in FACETS if f.shown and (staff or not f.staff_only))
