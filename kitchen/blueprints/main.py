"""The home page of each role, and the health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from kitchen.services import health, notifications, pages

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Send visitors to sign in, and users to their home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for("main.home"))


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """The tab icon, for clients that ask for it at the root instead of reading the page."""
    response = send_from_directory(
        current_app.static_folder or "static", "favicon.svg", mimetype="image/svg+xml"
    )
    response.cache_control.max_age = 86400
    return response


@bp.get("/home")
@login_required
def home() -> ResponseReturnValue:
    """What each role starts its day with."""
    template, context = pages.home_page(current_user)
    return render_template(template, **context)


@bp.get("/notifications")
@login_required
def notifications_page() -> ResponseReturnValue:
    """Decisions and comments on my items; opening the page reads them."""
    return render_template("main/notifications.html", notes=notifications.open_list(current_user))


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """200 when the database answers and the data folders are writable, 503 otherwise."""
    results = health.check()
    healthy = all(value == "ok" for value in results.values())
    return jsonify({"status": "ok" if healthy else "error", "checks": results}), (
        200 if healthy else 503
    )
