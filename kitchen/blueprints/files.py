"""Serving stored files: only through access checks, never as HTML, with the original name."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wsgi import wrap_file

from kitchen.blueprints.guards import requires
from kitchen.services import filenames, uploads
from kitchen.services.access import Action
from kitchen.services.errors import TermsNotAccepted

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
    # A player's range requests watch a video in the page; a download confirms the terms.
    accepted = request.args.get("accept") == "editorial" or request.range is not None
    download = request.args.get("download") == "1"
    try:
        served = uploads.fetch(
            current_user,
            media,
            rendition,
            accepted=accepted,
            asked=download,
            partial=request.range is not None,
        )
    except TermsNotAccepted as exc:
        return render_template(
            "items/accept_terms.html", item=media.item, media=media, message=str(exc.message)
        ), 409
    response = send_served(served, attachment=served.attachment or download)
    if response.status_code == 302:  # to the bucket, by an address that expires: not cached
        return response
    # Access-checked files must not sit in shared caches. Thumbnails and posters never change;
    # a file carrying its credit changes with the credit, so it is checked again (ETag, 304).
    response.cache_control.public = False
    response.cache_control.private = True
    if served.plan is not None:
        response.cache_control.no_cache = True
    else:
        response.cache_control.max_age = ONE_YEAR
        if rendition != "original":
            response.cache_control.immutable = True
    return response


def send_served(served: uploads.Served, *, attachment: bool) -> Response:
    """Send a rendition: as stored (with ranges, for video; or by a redirect to the bucket when
    presigned downloads are set) or by its plan (credit written in), named by RFC 6266 with a
    readable ASCII fallback; never rendered as a page."""
    disposition = filenames.content_disposition(
        served.download_name, served.fallback_name, attachment=attachment
    )
    if served.plan is None:
        url = served.blob.download_url(mime=served.mime, disposition=disposition)
        if url is not None:
            response = Response(status=302, headers={"Location": url})
            response.cache_control.no_store = True
            return response
        response = Response(
            wrap_file(request.environ, served.blob.open()),
            mimetype=served.mime,
            direct_passthrough=True,
        )
        response.content_length = served.size
        response.set_etag(served.etag)
        response.make_conditional(request, accept_ranges=True, complete_length=served.size)
    else:
        response = Response(served.chunks(), mimetype=served.mime, direct_passthrough=True)
        response.content_length = served.size
        response.set_etag(served.etag)
        response.make_conditional(request)
    response.headers["Content-Disposition"] = disposition
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
