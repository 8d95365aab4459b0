"""The OpenAPI components: data schemas, shared parameters and error responses."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kitchen import fields
from kitchen.enums import Discipline
from kitchen.models import Channel, ItemKind, ItemStatus, OrgKind, Role
from kitchen.services import reports, workflow
from kitchen.services.versions import LIMITS as VERSION_LIMITS
from kitchen.services.versions import OTHER_LANGUAGES

Schema = dict[str, Any]
DECISIONS = list(workflow.DECISIONS)


def ref(name: str) -> Schema:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values: type[StrEnum]) -> Schema:
    """A string taking an enum's values."""
    return {"type": "string", "enum": [v.value for v in values]}


def _search_query() -> Schema:
    """A saved search's query: the search endpoint's parameters (words, filters, dates)."""
    from kitchen.fields import FACETS

    names = ["q", *(f.query_param for f in FACETS if f.shown), "from", "to"]
    return {
        "type": "object",
        "properties": {name: {"type": "string", "maxLength": 500} for name in names},
        "additionalProperties": False,
        "description": 'The search\'s query parameters, e.g. {"q": "量子", "kind": "story"}.',
    }


def obj(properties: dict[str, Schema], required: list[str] | None = None, **extra: Any) -> Schema:
    """An object schema; every property is required unless `required` says otherwise."""
    names = list(properties) if required is None else required
    return {"type": "object", "properties": properties, "required": names, **extra}


TEXT: Schema = {"type": "string"}
TEXTS: Schema = {"type": "array", "items": {"type": "string"}}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
URL: Schema = {"type": "string", "format": "uri"}
TIME: Schema = nullable({"type": "string", "format": "date-time"})
DAY: Schema = nullable({"type": "string", "format": "date"})

NOT_BLANK = r"\S"
WEB_ADDRESS = r"^$|^https?://[^\s/$.?#][^\s]*$"


def field_input(field: fields.ItemField) -> Schema:
    """What the API accepts for a spec field."""
    schema: Schema
    if field.type in (fields.FieldType.LIST, fields.FieldType.CAMPAIGNS):
        schema = dict(TEXTS)
    elif field.type is fields.FieldType.PERSONS:
        schema = {"type": "array", "items": {"type": "integer", "minimum": 1}}
        if field.max_length:
            schema["maxItems"] = field.max_length
    elif field.type is fields.FieldType.DATE:
        schema = dict(DAY)
    elif field.type is fields.FieldType.FLAG:
        schema = dict(BOOL)
    elif field.type is fields.FieldType.CHOICE:
        assert field.choices is not None
        schema = enum(field.choices)
    else:
        schema = {"type": "string"}
        if field.max_length:
            schema["maxLength"] = field.max_length
        if field.type is fields.FieldType.URL:
            schema["pattern"] = WEB_ADDRESS
        elif field.required_for == fields.ALL_KINDS:
            schema["pattern"] = NOT_BLANK
    if field.api_description:
        schema["description"] = field.api_description
    return schema


def field_output(field: fields.ItemField) -> Schema:
    """What the API gives for a spec field."""
    if field.type is fields.FieldType.LIST:
        return TEXTS
    if field.type is fields.FieldType.CAMPAIGNS:
        return {"type": "array", "items": ref("CampaignRef")}
    if field.type is fields.FieldType.PERSONS:
        return {"type": "array", "items": INT}
    if field.type is fields.FieldType.DATE:
        return DAY
    if field.type is fields.FieldType.FLAG:
        return BOOL
    if field.type is fields.FieldType.CHOICE:
        assert field.choices is not None
        return enum(field.choices)
    return TEXT


def item_input(spec: tuple[fields.ItemField, ...] = fields.ITEM_FIELDS) -> dict[str, Schema]:
    """The input schema of each field a contributor sets."""
    return {f.json_name: field_input(f) for f in fields.set_by(fields.Setter.SUBMIT, spec)}


def needs_by_kind(
    spec: tuple[fields.ItemField, ...] = fields.ITEM_FIELDS,
) -> dict[ItemKind, list[str]]:
    """What each kind needs besides the fields every kind needs (the service says the same)."""
    needs: dict[ItemKind, list[str]] = {}
    for f in spec:
        if f.required_for and f.required_for != fields.ALL_KINDS:
            for kind in sorted(f.required_for):
                needs.setdefault(kind, []).append(f.json_name)
    return needs


def required_input(spec: tuple[fields.ItemField, ...] = fields.ITEM_FIELDS) -> list[str]:
    """The fields a new item cannot do without: required for every kind, with no default."""
    return [f.json_name for f in spec if f.required_for == fields.ALL_KINDS and f.default is None]


ITEM_INPUT = item_input()
NEEDS_BY_KIND = needs_by_kind()
CORRECTABLE = tuple(
    f.json_name
    for f in fields.set_by(fields.Setter.CORRECT)
    if f.type is not fields.FieldType.CAMPAIGNS and f.json_name in ITEM_INPUT
)
COUNTS: Schema = {"type": "object", "additionalProperties": {"type": "integer"}}

ORGANIZATION = obj({"id": INT, "name": TEXT, "kind": enum(OrgKind)})
CAMPAIGN_REF = obj({"slug": TEXT, "name": TEXT})
RENDITIONS = obj(
    {"original": URL, "web": URL, "thumb": URL, "poster": URL},
    required=["original"],
    description="Download URLs of the original and of the renditions made from it.",
)
FILE = obj(
    {
        "id": INT,
        "item_id": INT,
        "original_name": TEXT,
        "mime": TEXT,
        "media_type": {"type": "string", "enum": ["image", "video", "document"]},
        "size": INT,
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "width": nullable(INT),
        "height": nullable(INT),
        "duration": nullable({"type": "number"}),
        "caption": TEXT,
        "processing": {
            "type": "boolean",
            "description": "True while the worker makes the renditions (a video's poster).",
        },
        "renditions": ref("Renditions"),
        "text": nullable(ref("FileText")),
    }
)
FILE_TEXT = obj(
    {
        "state": {
            "type": "string",
            "enum": ["pending", "done", "failed"],
            "description": "pending until the worker has read the file.",
        },
        "source": {"type": "string", "enum": ["document", "image"]},
        "note": {**TEXT, "description": "Why there is no text (failed), in the UI language."},
        "corrected": {**BOOL, "description": "A curator corrected what was read."},
        "searched": {**BOOL, "description": "Search finds the item by these words."},
        "segments": {
            "type": "array",
            "items": obj(
                {
                    "page": nullable(INT),
                    "text": TEXT,
                    "confidence": nullable({"type": "number"}),
                    "searched": BOOL,
                }
            ),
            "description": "A document's pages or slides (page), a picture's lines (confidence).",
        },
    },
    description="The words read from the file: a document's text, a picture's by OCR.",
)
SIMILAR = obj(
    {
        "item_id": nullable(INT),
        "title": TEXT,
        "credit": TEXT,
        "usage_terms": nullable(TEXT),
        "bits": INT,
    },
    required=["item_id", "bits"],
    description="A photo of another item that looks the same (perceptual hash within a few "
    "bits); item_id null: one the caller may not open.",
)
UPLOADED_FILE: Schema = {
    "allOf": [
        ref("File"),
        obj(
            {
                "duplicate_of": {
                    **{"type": "array", "items": INT},
                    "description": "Other items, visible to the caller, holding the same bytes.",
                },
                "similar_to": {
                    **{"type": "array", "items": ref("SimilarPhoto")},
                    "description": "Photos of other items that look the same, nearest first.",
                },
            }
        ),
    ]
}
ITEM_SUMMARY = obj(
    {
        "id": INT,
        "kind": enum(ItemKind),
        "status": enum(ItemStatus),
        "title": TEXT,
        "summary": TEXT,
        "organization": ref("Organization"),
        "campaigns": {"type": "array", "items": ref("CampaignRef")},
        "persons": {
            "type": "array",
            "items": ref("PersonRef"),
            "description": "The recorded people the item features (GET /people/{id}).",
        },
        "featured": BOOL,
        "updated_at": TIME,
        "thumb_url": nullable(URL),
        "url": URL,
    }
)
ITEM_DETAIL = obj(
    {
        **{
            f.json_name: field_output(f)
            for f in fields.ITEM_FIELDS
            if f.json_name not in ITEM_SUMMARY["properties"]
        },
        "created_at": TIME,
        "submitted_at": TIME,
        "approved_at": TIME,
        "claimed_by": nullable(obj({"id": INT, "display_name": TEXT})),
        "files": {"type": "array", "items": ref("File")},
        "versions": {
            "type": "array",
            "items": ref("ItemVersion"),
            "description": "The item in other languages (approved versions only).",
        },
    }
)
LANGUAGE: Schema = {"type": "string", "enum": [str(code) for code in OTHER_LANGUAGES]}
ITEM_VERSION = obj(
    {
        "id": INT,
        "language": LANGUAGE,
        **{name: TEXT for name in VERSION_LIMITS},
        "status": {"type": "string", "enum": ["pending", "approved", "declined", "replaced"]},
        "created_at": TIME,
        "decided_at": TIME,
    }
)
VERSION_INPUT = obj(
    {
        "language": LANGUAGE,
        **{
            name: {"type": "string", "maxLength": limit}
            for name, limit in {**VERSION_LIMITS, "note": 2000}.items()
        },
        "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": NOT_BLANK},
    },
    required=["language", "title"],
    additionalProperties=False,
)
ITEM: Schema = {"allOf": [ref("ItemSummary"), ITEM_DETAIL]}
PERSON_REF = obj({"id": INT, "name": TEXT, "url": URL})
PERSON = obj(
    {
        "id": INT,
        "name": TEXT,
        "url": URL,
        "other_names": TEXTS,
        "title": TEXT,
        "affiliation": TEXT,
        "fields": {"type": "array", "items": enum(Discipline)},
        "keywords": TEXTS,
        "honours": TEXTS,
        "region": TEXT,
        "bio": TEXT,
        "expert": {**BOOL, "description": "In the expert directory (agreed to media contact)."},
        "page_url": URL,
        "contact": {**TEXT, "description": "Centre staff only."},
        "consent_featured": {**BOOL, "description": "Centre staff only."},
        "consent_until": {**DAY, "description": "Centre staff only."},
        "confirmed": {**BOOL, "description": "Centre staff only."},
    },
    required=[
        "id",
        "name",
        "url",
        "other_names",
        "title",
        "affiliation",
        "fields",
        "keywords",
        "honours",
        "region",
        "bio",
        "expert",
        "page_url",
    ],
)
PERSON_DETAIL: Schema = {
    "allOf": [
        ref("Person"),
        obj(
            {
                "items": {
                    "type": "array",
                    "items": ref("ItemSummary"),
                    "description": "Approved items featuring the person, photos first.",
                },
                "item_total": INT,
            }
        ),
    ]
}

NUMBER: Schema = {"type": "number"}
REPORT_VALUES: dict[str, Schema] = {
    c.key: {
        **(nullable(NUMBER) if c.kind in ("rate", "hours") else NUMBER),
        "description": str(c.label),
    }
    for c in reports.COLUMNS
}
REPORT_ROW = obj(
    {
        "organization_id": INT,
        "name": TEXT,
        "kind": enum(OrgKind),
        "region": TEXT,
        "rank": {**INT, "description": "Equal indexes share a rank."},
        **REPORT_VALUES,
        "scores": obj(
            {p.key: NUMBER for p in reports.PARTS},
            description="Each part's score, 0-100.",
        ),
    }
)
SEARCH_QUERY = _search_query()
SAVED_SEARCH = obj(
    {
        "id": INT,
        "name": TEXT,
        "query": SEARCH_QUERY,
        "feed_url": {**URL, "description": "The search's Atom feed; the address is the key."},
        "created_at": {"type": "string", "format": "date-time"},
    }
)
COLLECTION = obj(
    {
        "id": INT,
        "name": TEXT,
        "is_default": {**BOOL, "description": "The basket (素材篮) the item page fills."},
        "mine": BOOL,
        "may_edit": BOOL,
        "item_count": INT,
        "url": URL,
    }
)
USE = obj(
    {
        "id": INT,
        "item_id": INT,
        "outlet": TEXT,
        "url": TEXT,
        "published_on": {"type": "string", "format": "date"},
        "channel": enum(Channel),
        "recorded_by": obj({"id": INT, "display_name": TEXT}),
        "handoff_id": nullable(INT),
        "created_at": {"type": "string", "format": "date-time"},
    }
)

SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {**TEXT, "examples": ["not_found", "invalid", "invalid_token"]},
                    "message": {**TEXT, "description": "For people, in the UI language."},
                    "field": {**TEXT, "description": "The input field at fault, when known."},
                },
                required=["code", "message"],
            )
        }
    ),
    "Me": obj(
        {
            "id": INT,
            "email": TEXT,
            "display_name": TEXT,
            "role": enum(Role),
            "organization": nullable(ref("Organization")),
            "locale": nullable(TEXT),
        }
    ),
    "Organization": ORGANIZATION,
    "Campaign": obj(
        {
            "slug": TEXT,
            "name": TEXT,
            "description": TEXT,
            "starts_on": DAY,
            "ends_on": DAY,
            "is_open": BOOL,
        }
    ),
    "CampaignList": obj({"results": {"type": "array", "items": ref("Campaign")}}),
    "CampaignRef": CAMPAIGN_REF,
    "Renditions": RENDITIONS,
    "File": FILE,
    "FileText": FILE_TEXT,
    "SimilarPhoto": SIMILAR,
    "UploadedFile": UPLOADED_FILE,
    "PersonRef": PERSON_REF,
    "Person": PERSON,
    "PersonDetail": PERSON_DETAIL,
    "PersonList": obj(
        {
            "total": INT,
            "page": INT,
            "pages": INT,
            "results": {"type": "array", "items": ref("Person")},
        }
    ),
    "ItemSummary": ITEM_SUMMARY,
    "Item": ITEM,
    "ItemVersion": ITEM_VERSION,
    "ItemVersionInput": VERSION_INPUT,
    "ItemPage": obj(
        {
            "total": INT,
            "page": INT,
            "per_page": INT,
            "pages": INT,
            "results": {"type": "array", "items": ref("ItemSummary")},
        }
    ),
    "ItemCreate": obj(
        {"kind": enum(ItemKind), **ITEM_INPUT},
        required=["kind", *required_input()],
        additionalProperties=False,
        allOf=[
            {
                "if": {"properties": {"kind": {"const": kind.value}}},
                "then": {
                    "required": needs,
                    "properties": {name: {"pattern": NOT_BLANK} for name in needs},
                },
            }
            for kind, needs in NEEDS_BY_KIND.items()
        ],
    ),
    "ItemUpdate": obj(ITEM_INPUT, required=[], additionalProperties=False),
    "Review": obj(
        {
            "decision": {
                "anyOf": [{"type": "string", "enum": DECISIONS}, {"type": "null"}],
                "description": "Absent or null: save the corrections without deciding.",
            },
            "comment": {
                "type": "string",
                "maxLength": 5000,
                "description": "Required to ask for changes, to reject and to withdraw.",
            },
            "campaigns": {**TEXTS, "description": "Campaign slugs; they replace the item's."},
            "featured": BOOL,
            **{k: ITEM_INPUT[k] for k in CORRECTABLE},
        },
        required=[],
        additionalProperties=False,
    ),
    "Report": obj(
        {
            "period": obj(
                {
                    "code": {**TEXT, "examples": ["2026Q4", "2026-11", "2026"]},
                    "kind": {"type": "string", "enum": ["quarter", "month", "year"]},
                    "start": {"type": "string", "format": "date"},
                    "end": {
                        "type": "string",
                        "format": "date",
                        "description": "The day after the period's last day.",
                    },
                }
            ),
            "weights": obj({p.key: NUMBER for p in reports.PARTS}),
            "ranked": {**INT, "description": "How many organisations were ranked."},
            "organizations": {"type": "array", "items": ref("ReportRow")},
        }
    ),
    "ReportRow": REPORT_ROW,
    "Use": USE,
    "UseList": obj({"results": {"type": "array", "items": ref("Use")}}),
    "SavedSearch": SAVED_SEARCH,
    "SavedSearchList": obj({"results": {"type": "array", "items": ref("SavedSearch")}}),
    "SavedSearchCreate": obj(
        {
            "name": {"type": "string", "minLength": 1, "maxLength": 120, "pattern": NOT_BLANK},
            "query": SEARCH_QUERY,
        },
        additionalProperties=False,
    ),
    "Collection": COLLECTION,
    "CollectionList": obj({"results": {"type": "array", "items": ref("Collection")}}),
    "CollectionDetail": {
        "allOf": [
            ref("Collection"),
            obj(
                {
                    "items": {
                        "type": "array",
                        "items": obj({"note": TEXT, "item": ref("ItemSummary")}),
                        "description": "In the collection's order.",
                    }
                }
            ),
        ]
    },
    "CollectionAdd": obj(
        {
            "item_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            "note": {"type": "string", "maxLength": 500},
        },
        required=["item_id"],
        additionalProperties=False,
    ),
    "UseCreate": obj(
        {
            "outlet": {
                "type": "string",
                "maxLength": 120,
                "description": "Default: the media account's own outlet.",
            },
            "url": {
                "type": "string",
                "maxLength": 500,
                "pattern": r"^$|^https?://[^\s/$.?#][^\s]*$",
            },
            "published_on": {"type": "string", "format": "date"},
            "channel": enum(Channel),
        },
        required=["published_on"],
        additionalProperties=False,
    ),
    "Caption": obj({"caption": {"type": "string", "maxLength": 2000}}, additionalProperties=False),
    "FileTextInput": obj(
        {"text": {"type": "string", "maxLength": 20000}}, additionalProperties=False
    ),
    "SearchHit": obj(
        {
            "id": INT,
            "title": TEXT,
            "title_html": {**TEXT, "description": "The title, escaped, matches in <mark>."},
            "kind": enum(ItemKind),
            "status": enum(ItemStatus),
            "org": ref("Organization"),
            "campaigns": {"type": "array", "items": ref("CampaignRef")},
            "snippet": {**TEXT, "description": "A passage, escaped, matches in <mark>."},
            "snippet_from": {
                **nullable(TEXT),
                "description": "The text the passage is cut from: a field's name, translation, "
                "document_text (a document's own words) or image_text (read by OCR).",
            },
            "snippet_page": {
                **nullable(INT),
                "description": "The page or slide of the document the passage is on.",
            },
            "matched_in": {
                **TEXTS,
                "description": "Where the words were found: title, summary, body, people, "
                "keywords, place, translation, document_text, image_text…",
            },
            "thumb_url": nullable(URL),
        }
    ),
    "SearchResults": obj(
        {
            "total": INT,
            "page": INT,
            "per_page": INT,
            "results": {"type": "array", "items": ref("SearchHit")},
            "facets": obj(
                {f.query_param: COUNTS for f in fields.shown_facets(staff=True)},
                required=[f.query_param for f in fields.shown_facets(staff=False)],
                description="Per filter, value -> number of matching items in the caller's scope "
                "(centre staff also by status).",
            ),
            "facets_estimated": {
                "type": "boolean",
                "description": "True when the facet counts were estimated from a sample of the "
                "hits (a query matching more than 50,000 items on the PostgreSQL search "
                "backend); total and results are exact either way.",
            },
        }
    ),
}
