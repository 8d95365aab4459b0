"""The OpenAPI components: data schemas, shared parameters and error responses."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kitchen.models import ItemKind, ItemStatus, OrgKind, Role, Urgency, UsageTerms

Schema = dict[str, Any]
MAX_ID = 2**31 - 1
DECISIONS = ["approve", "request_changes", "reject", "withdraw", "reinstate"]

ERRORS = {
    400: ("BadRequest", "The request is malformed (not JSON, no file, or a missing CSRF token)."),
    401: ("Unauthorized", "No token, or an unknown or revoked one, or a disabled account."),
    403: ("Forbidden", "The caller's role may not do this."),
    404: ("NotFound", "It does not exist, or is outside the caller's scope."),
    409: ("Conflict", "The item's state does not allow this, or another curator holds it."),
    413: ("TooLarge", "The upload is larger than allowed."),
    422: ("Invalid", "A field is missing, too long, of the wrong type or not allowed."),
    429: ("RateLimited", "Too many invalid tokens from this address; wait and try again."),
}


def ref(name: str) -> Schema:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values: type[StrEnum]) -> Schema:
    """A string taking an enum's values."""
    return {"type": "string", "enum": [v.value for v in values]}


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

ITEM_INPUT: dict[str, Schema] = {
    "title": {"type": "string", "maxLength": 200},
    "summary": {"type": "string", "maxLength": 2000},
    "body": {"type": "string", "maxLength": 100_000},
    "people": {**TEXTS, "description": "Names of the people shown or quoted."},
    "keywords": TEXTS,
    "place": {"type": "string", "maxLength": 200},
    "event_date": DAY,
    "credit": {"type": "string", "maxLength": 200, "description": "The credit line."},
    "usage_terms": enum(UsageTerms),
    "consent": {**BOOL, "description": "The people shown agreed to publication."},
    "campaigns": {**TEXTS, "description": "Slugs of open campaigns the item answers."},
    "contact_name": {"type": "string", "maxLength": 80, "description": "Leads only."},
    "contact_info": {"type": "string", "maxLength": 200, "description": "Leads only."},
    "angle": {"type": "string", "maxLength": 2000, "description": "Leads only."},
    "urgency": enum(Urgency),
    "link_url": {"type": "string", "maxLength": 500, "description": "Products: a web address."},
}

CORRECTABLE = ("title", "summary", "credit", "usage_terms", "people", "keywords")
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
        "renditions": ref("Renditions"),
    }
)
UPLOADED_FILE: Schema = {
    "allOf": [
        ref("File"),
        obj(
            {
                "duplicate_of": {
                    **{"type": "array", "items": INT},
                    "description": "Other items, visible to the caller, holding the same bytes.",
                }
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
        "featured": BOOL,
        "updated_at": TIME,
        "thumb_url": nullable(URL),
        "url": URL,
    }
)
ITEM_DETAIL = obj(
    {
        "body": TEXT,
        "people": TEXTS,
        "keywords": TEXTS,
        "place": TEXT,
        "event_date": DAY,
        "credit": TEXT,
        "usage_terms": enum(UsageTerms),
        "consent": BOOL,
        "contact_name": TEXT,
        "contact_info": TEXT,
        "angle": TEXT,
        "urgency": enum(Urgency),
        "link_url": TEXT,
        "created_at": TIME,
        "submitted_at": TIME,
        "approved_at": TIME,
        "claimed_by": nullable(obj({"id": INT, "display_name": TEXT})),
        "files": {"type": "array", "items": ref("File")},
    }
)
ITEM: Schema = {"allOf": [ref("ItemSummary"), ITEM_DETAIL]}

SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {**TEXT, "examples": ["not_found", "invalid", "invalid_token"]},
                    "message": {**TEXT, "description": "For people, in the UI language."},
                }
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
    "UploadedFile": UPLOADED_FILE,
    "ItemSummary": ITEM_SUMMARY,
    "Item": ITEM,
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
        required=["kind", "title"],
        additionalProperties=False,
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
    "Caption": obj({"caption": {"type": "string", "maxLength": 2000}}, additionalProperties=False),
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
                {name: COUNTS for name in ("campaign", "kind", "org", "year")},
                description="Per filter, value -> number of matching items in the caller's scope.",
            ),
        }
    ),
}


def _id_param(name: str, description: str) -> Schema:
    """A path parameter naming a row by id."""
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


def _query(name: str, schema: Schema, description: str) -> Schema:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PARAMETERS: dict[str, Schema] = {
    "ItemId": _id_param("item_id", "The item's id."),
    "FileId": _id_param("file_id", "The file's id."),
    "Page": _query("page", {"type": "integer", "minimum": 1, "maximum": 10_000}, "Page number."),
    "SearchPage": _query("page", {"type": "integer", "minimum": 1, "maximum": 500}, "Page number."),
    "PerPage": _query(
        "per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Results per page."
    ),
    "Kind": _query("kind", enum(ItemKind), "Only items of this kind."),
    "Org": _query("org", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, "Organisation id."),
    "Campaign": _query("campaign", {"type": "string", "maxLength": 64}, "Campaign slug."),
}


def _error_response(description: str, status: int) -> Schema:
    """An error answer: JSON with a code and a message; 401 also names the scheme."""
    response: Schema = {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }
    if status == 401:
        response["headers"] = {
            "WWW-Authenticate": {
                "description": 'Bearer realm="kitchen", with error="invalid_token" for a bad one.',
                "schema": {"type": "string"},
            }
        }
    return response


RESPONSES: dict[str, Schema] = {
    name: _error_response(description, status) for status, (name, description) in ERRORS.items()
}


def errors(*statuses: int) -> dict[str, Schema]:
    """References to the error responses of these statuses."""
    return {str(s): {"$ref": f"#/components/responses/{ERRORS[s][0]}"} for s in statuses}
