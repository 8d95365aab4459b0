"""Who is calling the API: a Bearer token (Flask-Login's request loader) or the session cookie."""

from __future__ import annotations

from flask import current_app, g, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from kitchen.api import bp
from kitchen.extensions import csrf, login_manager
from kitchen.models import User
from kitchen.services import tokens
from kitchen.services.errors import DomainError, NotFound

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
# Ids beyond a 32-bit integer cannot exist; refusing them early keeps the database from erroring.
MAX_ID = 2**31 - 1


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer ...` header ("" when the header is malformed)."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def load_user_from_token(req: object) -> User | None:
    """Flask-Login's request loader: the token's user, on API routes only.

    Failures are kept in `g` and answered by `authenticate` below: an exception raised here
    would be raised again each time `current_user` is read, even while rendering the error.
    """
    plain = bearer_token()
    if request.blueprint != bp.name or plain is None or g.get("api_authenticating"):
        # Re-entered when an error message is translated during the check: the translation
        # asks for the user's locale, and there is no user yet.
        return None
    g.api_authenticating = True
    try:
        user, token = tokens.authenticate(plain, request.remote_addr or "")
    except DomainError as exc:
        g.api_auth_error = exc
        return None
    finally:
        g.api_authenticating = False
    g.api_token = token
    return user


@bp.record_once
def _install_request_loader(state: BlueprintSetupState) -> None:
    """Let Flask-Login ask for a Bearer token when the session names no user."""
    login_manager.request_loader(load_user_from_token)


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """Every API route but the description needs a user; cookie users also need a CSRF token."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user = current_user._get_current_object()  # runs the loaders once for this request
    error = g.get("api_auth_error")
    if error is not None:
        raise error
    if not user.is_authenticated:
        raise tokens.Unauthenticated()
    if g.get("api_token") is None and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # the session cookie came with the request: it must be the user's page
    if any(isinstance(v, int) and v > MAX_ID for v in (request.view_args or {}).values()):
        raise NotFound()
    return None


@bp.after_request
def _challenge(response: Response) -> Response:
    """A 401 tells the client how to authenticate (RFC 6750)."""
    if response.status_code == 401:
        challenge = 'Bearer realm="kitchen"'
        if isinstance(g.get("api_auth_error"), tokens.InvalidToken):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    return response
