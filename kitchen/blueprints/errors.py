"""One error path: domain and HTTP errors answered as a page or as JSON, in the UI language."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from kitchen.extensions import db
from kitchen.inputs import too_large_message
from kitchen.services.errors import DomainError, RateLimited

log = logging.getLogger("kitchen.errors")


def _messages() -> dict[int, str]:
    """Plain-language messages for the HTTP statuses users meet."""
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in."),
        403: _("You are not allowed to do this."),
        404: _("This page does not exist, or you cannot see it."),
        405: _("This action is not available here."),
        413: _("The upload is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. The error was logged; please try again."),
    }


def wants_json() -> bool:
    """API paths and clients asking for JSON get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(
    status: int, code: str, message: str, field: str | None = None
) -> ResponseReturnValue:
    """Answer an error as JSON (naming the field at fault, if any) or as the error page."""
    if wants_json():
        body: dict[str, object] = {"code": code, "message": message}
        if field:
            body["field"] = field
        return jsonify({"error": body}), status
    template = f"errors/{status}.html" if status in (403, 404, 413, 500) else "errors/generic.html"
    return render_template(template, status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    """Install the handlers for domain errors, HTTP errors, CSRF and anything unexpected."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> ResponseReturnValue:
        db.session.rollback()
        response = make_response(error_response(exc.status, exc.code, str(exc.message), exc.field))
        if isinstance(exc, RateLimited) and exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> ResponseReturnValue:
        message = _("The form has expired or was not sent from this site. Please try again.")
        return error_response(400, "csrf", message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        message = _messages().get(status, exc.description or "")
        if status == 413:
            message = too_large_message() or message
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(status, code, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        db.session.rollback()
        log.exception("unhandled error")
        return error_response(500, "internal_error", _messages()[500])
