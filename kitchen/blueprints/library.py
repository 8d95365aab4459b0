"""The journalists' library: Chinese search with facets, and the selection (素材篮)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from kitchen.blueprints.guards import requires
from kitchen.forms.submit import usage_choices
from kitchen.inputs import page_number, record_id, safe_target
from kitchen.services import items, pages, selections
from kitchen.services.access import Action
from kitchen.services.errors import TermsNotAccepted

bp = Blueprint("library", __name__, url_prefix="/library")


@bp.get("/")
@requires(Action.SEARCH)
def search() -> ResponseReturnValue:
    """Search box, facets with counts, chips, sort, pages; featured and latest when empty."""
    args = request.args
    text = args.get("q", "").strip()
    page = pages.search_page(current_user, text, args, args.get("page", 1, type=page_number))
    return render_template(
        "library/search.html",
        **page.context(),
        text=text,
        args=args,
        usage_options=usage_choices() if page.may_bulk_edit else [],
    )


@bp.get("/selection")
@requires(Action.SEARCH)
def selection() -> ResponseReturnValue:
    """The items collected for download."""
    entries = selections.entries(current_user)
    return render_template(
        "library/selection.html",
        entries=entries,
        confirm_terms=selections.needs_terms(current_user, entries),
    )


@bp.post("/selection")
@requires(Action.SEARCH)
def change_selection() -> ResponseReturnValue:
    """Add an item, remove one, or empty the selection."""
    item_id = request.form.get("item_id", type=record_id)
    action = request.form.get("action")
    if action == "add" and item_id:
        selections.add(current_user, items.get_item(current_user, item_id))
        flash(_("Added to your selection."), "success")
    elif action == "remove" and item_id:
        selections.remove(current_user, item_id)
        flash(_("Removed from your selection."), "success")
    elif action == "clear":
        selections.clear(current_user)
        flash(_("Your selection is empty now."), "success")
    return redirect(safe_target(request.form.get("next"), url_for("library.selection")))


@bp.get("/selection.zip")
@requires(Action.SEARCH)
def selection_zip() -> ResponseReturnValue:
    """The selection as one ZIP with credits.txt, streamed as it is written."""
    size = request.args.get("size", "original")
    try:
        chunks = selections.zip_stream(
            current_user,
            size if size in selections.SIZES else "original",
            accepted=request.args.get("accept") == "editorial",
        )
    except TermsNotAccepted as exc:
        flash(str(exc.message), "warning")
        return redirect(url_for("library.selection"))
    response = Response(stream_with_context(chunks), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        "attachment; filename=kitchen-selection.zip; "
        "filename*=UTF-8''%E4%B8%AD%E5%A4%AE%E5%8E%A8%E6%88%BF%E7%B4%A0%E6%9D%90.zip"
    )
    return response
