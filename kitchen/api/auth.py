"""Who is calling the API: the holder of a Bearer token, or the signed-in browser's user.

A Bearer header, when sent, is the credential: the token's user becomes Flask-Login's user for
this request (`g._login_user`, where Flask-Login keeps it) and the session is not read, so an
explicit token is never overridden by a cookie. Flask-Login's `request_loader` is not used for
this: it is consulted only when the session names no user, and not at all when "strong" session
protection discards a session, so a valid token would sometimes be ignored.

Without a Bearer header, the session cookie decides, and unsafe methods need the page's CSRF
token in the X-CSRFToken header, as forms do.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from kitchen.api import bp
from kitchen.extensions import csrf
from kitchen.security import client_address
from kitchen.services import tokens

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer ...` header ("" when the header is malformed)."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """Every API route but the description needs a user; cookie users also need a CSRF token."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    plain = bearer_token()
    if plain is not None:
        g.api_token_sent = True
        user, token = tokens.authenticate(plain, client_address())
        g._login_user, g.api_token = user, token
    elif not current_user.is_authenticated:
        raise tokens.Unauthenticated()
    elif current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # the session cookie came with the request: it must be the user's page
    return None


@bp.after_request
def _challenge(response: Response) -> Response:
    """A 401 tells the client how to authenticate (RFC 6750)."""
    if response.status_code == 401:
        challenge = 'Bearer realm="kitchen"'
        if g.get("api_token_sent"):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    return response
