"""Sign-in plumbing, the client's address, and response headers that protect every page."""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, request, session
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response as BaseResponse

from kitchen.extensions import login_manager
from kitchen.models import User
from kitchen.services import sessions

# The session cookie's field holding the key of the server-side session record.
SESSION_KEY = "_sk"
# A browser that signed in to an account keeps this cookie; its failures are then counted on
# the device, not on the address it shares with others (OWASP's "device cookies").
DEVICE_COOKIE = "kitchen_device"
DEVICE_COOKIE_DAYS = 365
# Pages may load scripts, styles, images and media from this site only; no inline script.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)


def init_app(app: Flask) -> None:
    """Bind Flask-Login, trust the configured proxies, add security headers to every response."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not (user_id.isascii() and user_id.isdigit()):
            return None
        return sessions.load(int(user_id), session.get(SESSION_KEY))

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def client_address() -> str:
    """The caller's address (the one the trusted proxy saw, when KITCHEN_TRUSTED_PROXIES is set)."""
    return request.remote_addr or "unknown"


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="kitchen.device")


def device_client(email: str) -> str | None:
    """The device this browser proved for `email` at an earlier sign-in, if any."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _devices().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != (email or "").strip().lower():
        return None
    return f"device:{data.get('n', '')}"[:64]


def remember_device(response: BaseResponse, user: User) -> None:
    """Give the browser a device cookie for the account it just signed in to."""
    value = _devices().dumps({"e": user.email, "n": secrets.token_hex(12)})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
