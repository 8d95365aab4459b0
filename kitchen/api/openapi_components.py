"""The OpenAPI components shared by operations: path and query parameters, error responses."""

from __future__ import annotations

from kitchen.api.openapi_schemas import Schema, enum, ref
from kitchen.inputs import MAX_ID
from kitchen.models import ItemKind
from kitchen.services import items, library

ERRORS = {
    400: (
        "BadRequest",
        "The request is malformed (not JSON, no file, a control character in the address, "
        "or a missing CSRF token).",
    ),
    401: ("Unauthorized", "No token, or an unknown or revoked one, or a disabled account."),
    403: ("Forbidden", "The caller's role may not do this."),
    404: ("NotFound", "It does not exist, or is outside the caller's scope."),
    409: (
        "Conflict",
        "The item's state does not allow this, another curator holds it, or its usage terms "
        "must be confirmed first (accept_terms).",
    ),
    413: ("TooLarge", "The upload is larger than allowed."),
    422: ("Invalid", "A field is missing, too long, of the wrong type or not allowed."),
    429: ("RateLimited", "Too many invalid tokens from this address; wait and try again."),
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
    "UseId": _id_param("use_id", "The recorded use's id."),
    "Page": _query(
        "page", {"type": "integer", "minimum": 1, "maximum": items.MAX_PAGE}, "Page number."
    ),
    "SearchPage": _query(
        "page", {"type": "integer", "minimum": 1, "maximum": library.MAX_PAGE}, "Page number."
    ),
    "PerPage": _query(
        "per_page",
        {"type": "integer", "minimum": 1, "maximum": library.MAX_PER_PAGE},
        "Results per page.",
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
