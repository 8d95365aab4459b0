"""A journalist's desk over the API: saved searches (with their feeds) and collections."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kitchen.api import bp, payloads
from kitchen.api.serializers import item_summary, when
from kitchen.inputs import MAX_ID
from kitchen.links import external_url
from kitchen.models import Collection, SavedSearch
from kitchen.services import alerts, items, selections
from kitchen.services.access import may_edit_collection
from kitchen.services.errors import ValidationError


def saved_json(saved: SavedSearch) -> dict[str, Any]:
    """A saved search: its query and its private feed address."""
    return {
        "id": saved.id,
        "name": saved.name,
        "query": alerts.params_of(saved),
        "feed_url": external_url("library.saved_feed", token=saved.feed_token),
        "created_at": when(saved.created_at),
    }


@bp.get("/saved-searches")
def list_saved_searches() -> ResponseReturnValue:
    """The caller's saved searches."""
    return jsonify({"results": [saved_json(s) for s in alerts.saved_searches(current_user)]})


@bp.post("/saved-searches")
def save_search() -> ResponseReturnValue:
    """Save a search (the search endpoint's query parameters) under a name."""
    data = payloads.json_object(frozenset({"name", "query"}))
    if "name" not in data:
        raise ValidationError(_l("Please give a name."), field="name")
    query = data.get("query", {})
    if not isinstance(query, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int) for k, v in query.items()
    ):
        raise ValidationError(_l("Please give an object of texts."), field="query")
    unknown = sorted(set(query) - set(alerts.PARAMS))
    if unknown:
        raise ValidationError(_l("Unknown field: %(name)s", name=unknown[0]), field="query")
    args = {k: str(v) for k, v in query.items()}
    saved = alerts.save(current_user, payloads.text(data, "name"), args)
    return jsonify(saved_json(saved)), 201


def collection_json(collection: Collection, count: int | None = None) -> dict[str, Any]:
    """A collection as a list shows it."""
    return {
        "id": collection.id,
        "name": collection.name,
        "is_default": collection.is_default,
        "mine": collection.owner_id == current_user.id,
        "may_edit": may_edit_collection(current_user, collection),
        "item_count": count if count is not None else len(collection.entries),
        "url": external_url("api.get_collection", collection_id=collection.id),
    }


@bp.get("/collections")
def list_collections() -> ResponseReturnValue:
    """The caller's collections (the basket first) and those shared with the caller."""
    rows = selections.collections_of(current_user)
    return jsonify({"results": [collection_json(r.collection, r.count) for r in rows]})


def _detail(collection: Collection) -> dict[str, Any]:
    entries = selections.entries(current_user, collection)
    return {
        **collection_json(collection, len(entries)),
        "items": [{"note": e.note, "item": item_summary(e.item)} for e in entries],
    }


@bp.get("/collections/<int:collection_id>")
def get_collection(collection_id: int) -> ResponseReturnValue:
    """One collection with its items, in order, and their notes."""
    return jsonify(_detail(selections.get_collection(current_user, collection_id)))


@bp.post("/collections/<int:collection_id>/items")
def add_to_collection(collection_id: int) -> ResponseReturnValue:
    """Put an approved item into a collection (once), with a note."""
    collection = selections.get_collection(current_user, collection_id)
    data = payloads.json_object(frozenset({"item_id", "note"}))
    item_id = data.get("item_id")
    if not isinstance(item_id, int) or isinstance(item_id, bool) or not 0 < item_id <= MAX_ID:
        raise ValidationError(_l("Please give the id of an item."), field="item_id")
    note = payloads.text(data, "note") if "note" in data else ""
    selections.add(current_user, items.get_item(current_user, item_id), collection, note)
    return jsonify(_detail(collection)), 201
