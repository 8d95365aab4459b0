"""Items: create, read, edit, submit, retract, list; the curators' review, claim and release."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from kitchen.api import bp, payloads
from kitchen.api.serializers import item_json, page_json, version_json
from kitchen.services import curation, items, submission, versions, workflow
from kitchen.services.access import Action
from kitchen.services.errors import ValidationError
from kitchen.services.items import ItemFilter


@bp.post("/items")
def create_item() -> ResponseReturnValue:
    """A new draft of the caller's organisation."""
    data = payloads.json_object(payloads.ITEM_FIELDS | {"kind"})
    values = payloads.item_data(data, submission.ItemData(kind="", title=""))
    item = submission.create_item(current_user, values)
    return jsonify(item_json(item)), 201


@bp.get("/items")
def list_items() -> ResponseReturnValue:
    """Items within the caller's scope, newest change first."""
    flt = ItemFilter(
        status=payloads.query_text("status"),
        kind=payloads.query_text("kind"),
        organization_id=payloads.query_int("org"),
        campaign=payloads.query_text("campaign"),
    )
    page = payloads.query_int("page", 1, maximum=items.MAX_PAGE) or 1
    per_page = payloads.query_int("per_page", 20, maximum=items.MAX_PER_PAGE) or 20
    return jsonify(page_json(items.list_items(current_user, flt, page=page, per_page=per_page)))


@bp.get("/items/<int:item_id>")
def get_item(item_id: int) -> ResponseReturnValue:
    """One item with its state, campaigns and files."""
    return jsonify(item_json(items.get_item(current_user, item_id)))


@bp.patch("/items/<int:item_id>")
def update_item(item_id: int) -> ResponseReturnValue:
    """Change some fields of a draft or of an item sent back for changes."""
    item = items.get_item(current_user, item_id, Action.EDIT_ITEM)
    data = payloads.json_object(payloads.ITEM_FIELDS)
    values = payloads.item_data(data, submission.current_data(item))
    return jsonify(item_json(submission.update_item(current_user, item, values)))


@bp.delete("/items/<int:item_id>")
def delete_item(item_id: int) -> ResponseReturnValue:
    """Delete a draft of the caller's organisation, with its files."""
    item = items.get_item(current_user, item_id, Action.EDIT_ITEM)
    submission.delete_draft(current_user, item)
    return "", 204


@bp.post("/items/<int:item_id>/versions")
def propose_version(item_id: int) -> ResponseReturnValue:
    """The item in another language: the organisation proposes it (a curator decides), a
    curator's is approved at once."""
    item = items.get_item(current_user, item_id)
    allowed = frozenset({"language", *versions.LIMITS, "note"})
    data = payloads.json_object(allowed)
    if "language" not in data:
        raise ValidationError(_l("This field is required."), field="language")
    values = {name: payloads.text(data, name) for name in allowed if name in data}
    version = versions.propose(current_user, item, versions.VersionData(**values))
    return jsonify(version_json(version)), 201


@bp.post("/items/<int:item_id>/submit")
def submit_item(item_id: int) -> ResponseReturnValue:
    """Send the item to the curators, once it is complete."""
    item = items.get_item(current_user, item_id, Action.SUBMIT_ITEM)
    return jsonify(item_json(submission.submit_item(current_user, item)))


@bp.post("/items/<int:item_id>/retract")
def retract_item(item_id: int) -> ResponseReturnValue:
    """Take a submitted item back to draft before a curator decides."""
    item = items.get_item(current_user, item_id, Action.RETRACT_ITEM)
    return jsonify(item_json(submission.retract_item(current_user, item)))


def _decision(value: object) -> workflow.Move | None:
    """The move a review asks for (None: corrections only)."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in workflow.DECISIONS:
        raise ValidationError(_l("Please choose one of the listed values."), field="decision")
    return workflow.DECISIONS[value]


@bp.post("/items/<int:item_id>/review")
def review_item(item_id: int) -> ResponseReturnValue:
    """A curator's corrections, campaigns, featuring and decision, all in one transaction."""
    item = items.get_item(current_user, item_id, Action.REVIEW)
    data = payloads.json_object(payloads.REVIEW_FIELDS)
    move = _decision(data.get("decision"))
    comment = payloads.text(data, "comment") if "comment" in data else ""
    corrections = payloads.corrections(data, item)
    curation.review(current_user, item, corrections, move, comment)
    return jsonify(item_json(item))


@bp.post("/items/<int:item_id>/claim")
def claim_item(item_id: int) -> ResponseReturnValue:
    """Take a submitted item into the caller's hands (`?take_over=true` from another curator)."""
    item = items.get_item(current_user, item_id, Action.REVIEW)
    workflow.claim(current_user, item, take_over=request.args.get("take_over") == "true")
    return jsonify(item_json(item))


@bp.post("/items/<int:item_id>/release")
def release_item(item_id: int) -> ResponseReturnValue:
    """Let go of a claimed item."""
    item = items.get_item(current_user, item_id, Action.REVIEW)
    workflow.release(current_user, item)
    return jsonify(item_json(item))
