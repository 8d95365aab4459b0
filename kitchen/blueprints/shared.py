"""Share links opened by people without an account: a read-only page, previews, downloads."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, session, stream_with_context
from flask.typing import ResponseReturnValue

from kitchen.blueprints.files import send_served
from kitchen.models import ShareLink
from kitchen.security import client_address
from kitchen.services import filenames, shares
from kitchen.services.errors import TermsNotAccepted

bp = Blueprint("shared", __name__, url_prefix="/s")

UNLOCKED = "unlocked_shares"  # the session's list of link ids whose password was given
KEPT_UNLOCKED = 50


def _open(token: str) -> ShareLink | None:
    """The link, if it is open to this browser (None: its password is still to be given)."""
    link = shares.resolve(token, client_address())
    if shares.needs_password(link) and link.id not in session.get(UNLOCKED, []):
        return None
    return link


def _locked(token: str, wrong: bool = False) -> ResponseReturnValue:
    return render_template("shared/password.html", token=token, wrong=wrong), 401 if wrong else 200


def _confirm_terms(
    token: str, file_id: int | None, rendition: str, exc: TermsNotAccepted
) -> ResponseReturnValue:
    """Editorial-only originals: the visitor confirms the terms, then downloads (409 until)."""
    return render_template(
        "shared/terms.html",
        token=token,
        file_id=file_id,
        rendition=rendition,
        message=str(exc.message),
    ), 409


@bp.get("/<token>")
def show(token: str) -> ResponseReturnValue:
    """What the link shows: previews, the credit and the usage terms of each item."""
    link = _open(token)
    if link is None:
        return _locked(token)
    shares.record_visit(link, client_address())
    shown = shares.page(link)
    response = Response(
        render_template(
            "shared/show.html",
            link=link,
            token=token,
            shown=shown,
            title=shares.title(link, shown),
            any_editorial=any(one.editorial for one in shown),
            renditions=lambda media: shares.renditions(link, media),
        )
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the address is the key
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.post("/<token>")
def unlock(token: str) -> ResponseReturnValue:
    """Give a link's password."""
    link = shares.resolve(token, client_address())
    if not shares.unlock(link, request.form.get("password", ""), client_address()):
        return _locked(token, wrong=True)
    session[UNLOCKED] = [*session.get(UNLOCKED, [])[-KEPT_UNLOCKED:], link.id]
    return show(token)


@bp.get("/<token>/files/<int:file_id>/<rendition>")
def file(token: str, file_id: int, rendition: str) -> ResponseReturnValue:
    """A preview or an allowed download of one file the link shows."""
    link = _open(token)
    if link is None:
        return _locked(token)
    accepted = request.args.get("accept") == "editorial"
    try:
        served = shares.fetch(link, file_id, rendition, accepted=accepted, client=client_address())
    except TermsNotAccepted as exc:
        return _confirm_terms(token, file_id, rendition, exc)
    response = send_served(served, attachment=rendition not in shares.PREVIEWS)
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/<token>.zip")
def archive(token: str) -> ResponseReturnValue:
    """Everything the link shows as one ZIP with credits.txt."""
    link = _open(token)
    if link is None:
        return _locked(token)
    size = request.args.get("size", "web")
    try:
        chunks = shares.zip_stream(link, size, accepted=request.args.get("accept") == "editorial")
    except TermsNotAccepted as exc:
        return _confirm_terms(token, None, size, exc)
    response = Response(stream_with_context(chunks), mimetype="application/zip")
    response.headers["Content-Disposition"] = filenames.content_disposition(
        "中央厨房素材.zip", "kitchen-shared.zip", attachment=True
    )
    return response
