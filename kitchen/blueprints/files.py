"""Serving stored files: only through access checks, never as HTML, with the original name."""

from __future__ import annotations

from flask import Blueprint, abort, request, send_file
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kitchen.blueprints.guards import requires
from kitchen.services import uploads
from kitchen.services.access import Action

bp = Blueprint("files", __name__, url_prefix="/files")

RENDITIONS = ("original", "web", "thumb", "poster")
ONE_YEAR = 365 * 24 * 3600


@bp.get("/<int:file_id>/<rendition>")
@requires(Action.VIEW_ITEM)
def serve(file_id: int, rendition: str) -> ResponseReturnValue:
    """One rendition of a file; originals download under their original (Chinese) name."""
    if rendition not in RENDITIONS:
        abort(404)
    media = uploads.get_file(current_user, file_id)
    served = uploads.open_rendition(current_user, media, rendition)
    download = request.args.get("download") == "1"
    if uploads.is_download(rendition, asked=download, partial=request.range is not None):
        uploads.record_download(current_user, media, rendition)
    response = send_file(
        served.path,
        mimetype=served.mime,
        as_attachment=served.attachment or download,
        download_name=served.download_name,
        conditional=True,
        max_age=ONE_YEAR,
        etag=True,
    )
    # Access-checked files must not sit in shared caches; renditions never change.
    response.cache_control.public = False
    response.cache_control.private = True
    if rendition != "original":
        response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
