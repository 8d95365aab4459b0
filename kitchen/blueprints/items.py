"""Lists of items within the user's scope, and the item page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kitchen.blueprints.guards import requires
from kitchen.inputs import page_number, record_id
from kitchen.models import ItemKind, ItemStatus
from kitchen.services import (
    access,
    accounts,
    campaigns,
    items,
    notifications,
    reviews,
    submission,
    uploads,
    workflow,
)
from kitchen.services.access import Action
from kitchen.services.items import ItemFilter

bp = Blueprint("items", __name__, url_prefix="/items")


@bp.get("/")
@requires(Action.VIEW_ITEM)
def index() -> ResponseReturnValue:
    """Items the user may see, filtered by state, kind, organisation and campaign."""
    flt = ItemFilter(
        status=request.args.get("status") or None,
        kind=request.args.get("kind") or None,
        organization_id=request.args.get("org", type=record_id),
        campaign=request.args.get("campaign") or None,
        mine=request.args.get("mine") == "1",
    )
    page = items.list_items(current_user, flt, page=request.args.get("page", 1, type=page_number))
    return render_template(
        "items/index.html",
        page=page,
        flt=flt,
        statuses=list(ItemStatus),
        kinds=list(ItemKind),
        orgs=accounts.list_orgs(),
        campaign_list=campaigns.list_campaigns(),
    )


@bp.get("/<int:item_id>")
@requires(Action.VIEW_ITEM)
def show(item_id: int) -> ResponseReturnValue:
    """One item: its text, people, credit line, usage terms and campaigns."""
    item = items.get_item(current_user, item_id)
    notifications.mark_read(current_user, item.id)
    in_house = access.sees_review_history(current_user, item)
    return render_template(
        "items/show.html",
        item=item,
        history=reviews.history(item) if in_house else [],
        moves=[m.value for m in workflow.allowed_moves(current_user, item)],
        duplicates=uploads.duplicate_counts(current_user, item) if in_house else {},
        missing=submission.missing_for_submission(item) if item.is_editable else [],
    )
