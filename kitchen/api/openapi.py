"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from kitchen.api import bp
from kitchen.api.openapi_components import PARAMETERS, RESPONSES
from kitchen.api.openapi_paths import paths
from kitchen.api.openapi_schemas import SCHEMAS
from kitchen.links import external_url

DESCRIPTION = """\
The central kitchen's library for partner platforms and member organisations: the same
actions, under the same access rules, as the web pages.

Authenticate with `Authorization: Bearer <token>`; create a token on the page
*API tokens* (`/account/tokens`) or with `flask --app wsgi kitchen token create --email E`.
A signed-in browser may call the API with its session cookie instead, and then sends the
page's CSRF token in the `X-CSRFToken` header with every POST, PATCH and DELETE.

Errors are `{"error": {"code": ..., "message": ...}}`; messages are in the caller's
interface language (Simplified Chinese unless the account chose English).
"""


def document(server_url: str) -> dict[str, Any]:
    """The whole OpenAPI document, for a server at `server_url`."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Central Kitchen API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": name} for name in ("account", "items", "files", "search", "people", "reports")
        ],
        "paths": paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "kit_..."}
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API (no token needed)."""
    return jsonify(document(external_url("api.openapi").rsplit("/", 1)[0]))
