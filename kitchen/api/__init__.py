"""The JSON API v1: the pages' services and access rules, for partner platforms and bulk work.

Requests authenticate with `Authorization: Bearer <token>` (see `kitchen.api.auth`); a signed-in
browser may call it with its session cookie too, and then keeps CSRF protection.
"""

from flask import Blueprint

from kitchen.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Flask-WTF's form-field check does not suit JSON; kitchen.api.auth checks the X-CSRFToken
# header itself for cookie-authenticated requests, and a Bearer token cannot be forged by a page.
csrf.exempt(bp)

# The view modules attach their routes to `bp` when imported.
from kitchen.api import (  # noqa: E402
    account,
    auth,
    desk,
    files,
    items,
    openapi,
    people,
    reports,
    search,
)

__all__ = [
    "account",
    "auth",
    "bp",
    "desk",
    "files",
    "items",
    "openapi",
    "people",
    "reports",
    "search",
]
