"""The journalists' library: Chinese search with facets, and the selection (素材篮)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl

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
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kitchen.blueprints.guards import requires
from kitchen.forms.submit import usage_choices
from kitchen.inputs import page_number, record_id, safe_target
from kitchen.links import external_url
from kitchen.models import Collection
from kitchen.security import client_address
from kitchen.services import alerts, feeds, items, pages, selections, shares
from kitchen.services.access import Action
from kitchen.services.errors import TermsNotAccepted, ValidationError

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
    """The basket (素材篮): a collection like the others, the one the item page fills."""
    page = pages.collection_page(current_user, selections.basket(current_user).id)
    return render_template("library/collection.html", **page.context())


@bp.post("/selection")
@requires(Action.SEARCH)
def change_selection() -> ResponseReturnValue:
    """Add an item to a collection (the basket unless another is chosen), remove it, or empty
    the basket."""
    item_id = request.form.get("item_id", type=record_id)
    chosen = request.form.get("collection_id", type=record_id)
    collection = selections.get_collection(current_user, chosen) if chosen else None
    action = request.form.get("action")
    if action == "add" and item_id:
        selections.add(current_user, items.get_item(current_user, item_id), collection)
        flash(
            _("Added to %(name)s.", name=(collection or selections.basket(current_user)).name),
            "success",
        )
    elif action == "remove" and item_id:
        selections.remove(current_user, item_id, collection)
        flash(_("Removed from your selection."), "success")
    elif action == "clear":
        selections.clear(current_user, collection)
        flash(_("Your selection is empty now."), "success")
    return redirect(safe_target(request.form.get("next"), url_for("library.selection")))


def _zip_response(chunks: Iterator[bytes]) -> Response:
    response = Response(stream_with_context(chunks), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        "attachment; filename=kitchen-selection.zip; "
        "filename*=UTF-8''%E4%B8%AD%E5%A4%AE%E5%8E%A8%E6%88%BF%E7%B4%A0%E6%9D%90.zip"
    )
    return response


def _zip_of(collection: Collection | None, back: str) -> ResponseReturnValue:
    size = request.args.get("size", "original")
    try:
        chunks = selections.zip_stream(
            current_user,
            size if size in selections.SIZES else "original",
            accepted=request.args.get("accept") == "editorial",
            collection=collection,
        )
    except TermsNotAccepted as exc:
        flash(str(exc.message), "warning")
        return redirect(back)
    return _zip_response(chunks)


@bp.get("/selection.zip")
@requires(Action.SEARCH)
def selection_zip() -> ResponseReturnValue:
    """The basket as one ZIP with credits.txt, streamed as it is written."""
    return _zip_of(None, url_for("library.selection"))


@bp.get("/collections")
@requires(Action.SEARCH)
def collections() -> ResponseReturnValue:
    """My collections and those shared with me."""
    return render_template("library/collections.html", rows=selections.collections_of(current_user))


@bp.post("/collections")
@requires(Action.SEARCH)
def create_collection() -> ResponseReturnValue:
    """A new, empty collection."""
    made = selections.create(current_user, request.form.get("name", ""))
    flash(_("The collection was made."), "success")
    return redirect(url_for("library.collection", collection_id=made.id))


@bp.get("/collections/<int:collection_id>")
@requires(Action.SEARCH)
def collection(collection_id: int) -> ResponseReturnValue:
    """One collection: its items in order with notes; its sharing for the owner."""
    page = pages.collection_page(current_user, collection_id)
    return render_template("library/collection.html", **page.context())


@bp.post("/collections/<int:collection_id>")
@requires(Action.SEARCH)
def change_collection(collection_id: int) -> ResponseReturnValue:
    """Rename, delete, note, move, remove, empty, share with an account or stop sharing."""
    collection = selections.get_collection(current_user, collection_id)
    form = request.form
    action = form.get("action", "")
    item_id = form.get("item_id", type=record_id)
    user_id = form.get("user_id", type=record_id)
    here = url_for("library.collection", collection_id=collection_id)
    if action == "rename":
        selections.rename(current_user, collection, form.get("name", ""))
        flash(_("The collection was renamed."), "success")
    elif action == "delete":
        selections.delete_collection(current_user, collection)
        flash(_("The collection was deleted."), "success")
        return redirect(url_for("library.collections"))
    elif action == "note" and item_id:
        selections.set_note(current_user, collection, item_id, form.get("note", ""))
        flash(_("The note was saved."), "success")
    elif action in selections.MOVES and item_id:
        selections.move(current_user, collection, item_id, action)
    elif action == "remove" and item_id:
        selections.remove(current_user, item_id, collection)
        flash(_("Removed from the collection."), "success")
    elif action == "clear":
        selections.clear(current_user, collection)
        flash(_("The collection is empty now."), "success")
    elif action == "share":
        selections.share(
            current_user, collection, form.get("email", ""), form.get("can_edit") == "1"
        )
        flash(_("The collection is shared."), "success")
    elif action == "unshare" and user_id:
        selections.unshare(current_user, collection, user_id)
        flash(_("The account no longer has access."), "success")
    else:
        raise ValidationError(_l("Please choose one of the listed values."), field="action")
    return redirect(here)


@bp.get("/collections/<int:collection_id>.zip")
@requires(Action.SEARCH)
def collection_zip(collection_id: int) -> ResponseReturnValue:
    """A collection as one ZIP with credits.txt (with the notes), streamed."""
    collection = selections.get_collection(current_user, collection_id)
    return _zip_of(collection, url_for("library.collection", collection_id=collection_id))


@bp.get("/saved")
@requires(Action.SEARCH)
def saved() -> ResponseReturnValue:
    """My saved searches, with their feeds."""
    return render_template("library/saved.html", saved=alerts.saved_searches(current_user))


@bp.post("/saved")
@requires(Action.SEARCH)
def save_search() -> ResponseReturnValue:
    """Save the search the page shows (its query string) under a name."""
    query = dict(parse_qsl(request.form.get("query", "")[:4000]))
    made = alerts.save(current_user, request.form.get("name", ""), query)
    flash(
        _("The search “%(name)s” was saved; new matches will be announced.", name=made.name),
        "success",
    )
    return redirect(url_for("library.saved"))


@bp.post("/saved/<int:saved_id>")
@requires(Action.SEARCH)
def change_saved(saved_id: int) -> ResponseReturnValue:
    """Delete a saved search, or give its feed a new address."""
    found = alerts.get_saved(current_user, saved_id)
    if request.form.get("action") == "delete":
        alerts.delete(current_user, found)
        flash(_("The saved search was deleted."), "success")
    elif request.form.get("action") == "renew":
        alerts.renew_token(current_user, found)
        flash(_("The feed has a new address; the old one no longer works."), "success")
    else:
        raise ValidationError(_l("Please choose one of the listed values."), field="action")
    return redirect(url_for("library.saved"))


@bp.get("/feeds/<token>.atom")
def saved_feed(token: str) -> ResponseReturnValue:
    """A saved search's Atom feed, for a newsroom's reader: the token is the key."""
    found = alerts.feed_search(token, client_address())
    body = feeds.atom(
        found.name,
        str(_l("Saved search in the central kitchen")),
        found.created_at,
        alerts.latest_items(found),
        self_url=external_url("library.saved_feed", token=token),
        page_url=external_url("library.search", **alerts.params_of(found)),
        item_url=lambda item: external_url("items.show", item_id=item.id),
    )
    return Response(body, mimetype="application/atom+xml")


@bp.get("/links")
@requires(Action.SEARCH)
def links() -> ResponseReturnValue:
    """My share links: what each shows, until when, how often it was opened and used."""
    return render_template("library/links.html", rows=shares.links_of(current_user), made=None)


@bp.post("/links")
@requires(Action.SEARCH)
def create_link() -> ResponseReturnValue:
    """A share link to a collection or an item; its address is shown this once."""
    form = request.form
    collection_id = form.get("collection_id", type=record_id)
    item_id = form.get("item_id", type=record_id)
    made = shares.create(
        current_user,
        collection=selections.get_collection(current_user, collection_id)
        if collection_id
        else None,
        item=items.get_item(current_user, item_id) if item_id else None,
        days=_days(form.get("days", "")),
        password=form.get("password", ""),
        originals=form.get("originals") == "1",
    )
    address = external_url("shared.show", token=made.token)
    return render_template(
        "library/links.html", rows=shares.links_of(current_user), made=made, address=address
    )


def _days(raw: str) -> int:
    """The days a link is valid for, as typed (0 for something that is not a number: the
    service refuses it with its message)."""
    raw = raw.strip()
    if not raw:
        return shares.DEFAULT_DAYS
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 3 else 0


@bp.post("/links/<int:link_id>/revoke")
@requires(Action.SEARCH)
def revoke_link(link_id: int) -> ResponseReturnValue:
    """Stop a share link now."""
    shares.revoke(current_user, shares.get_own(current_user, link_id))
    flash(_("The link was withdrawn; it no longer opens."), "success")
    return redirect(url_for("library.links"))
