"""What the item pages show a user: one call per page, every rule answered here (the views
render, the templates test booleans)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from flask_babel import lazy_gettext as _l

from kitchen.models import Item, ItemStatus, Review, Revision, User
from kitchen.services import (
    access,
    items,
    reviews,
    revisions,
    selections,
    submission,
    uploads,
    uses,
    workflow,
)
from kitchen.services.access import Action
from kitchen.services.errors import Conflict


@dataclass
class ItemPage:
    """The item page (`/items/<id>`) for one user."""

    item: Item
    history: list[Review]
    duplicates: dict[int, list[int | None]]
    missing: list[str]
    panel: uses.Panel
    pending_revision: Revision | None
    in_selection: bool
    may_edit: bool  # edit and submit: a draft (or an item sent back) of the user's organisation
    may_retract: bool
    may_delete: bool
    may_revise: bool
    may_select: bool  # approved: it may go into the selection (素材篮)

    def context(self) -> dict[str, Any]:
        """The page's values by name, for the template."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def item_page(user: User, item_id: int) -> ItemPage:
    """The item page, within the user's scope (NotFound outside it). Reading it changes
    nothing: notifications are read when their list is opened."""
    item = items.get_item(user, item_id)
    in_house = access.sees_review_history(user, item)
    moves = workflow.allowed_moves(user, item)
    return ItemPage(
        item=item,
        history=reviews.history(item) if in_house else [],
        duplicates=uploads.duplicate_counts(user, item) if in_house else {},
        missing=submission.missing_for_submission(item) if item.is_editable else [],
        panel=uses.panel(user, item),
        pending_revision=revisions.pending_for(item) if in_house else None,
        in_selection=selections.contains(user, item.id),
        may_edit=item.is_editable and workflow.Move.SUBMIT in moves,
        may_retract=workflow.Move.RETRACT in moves,
        may_delete=access.may_delete_draft(user, item),
        may_revise=access.may_propose_revision(user, item),
        may_select=access.may_select(user, item),
    )


@dataclass
class ReviewPage:
    """The curator's review page (`/review/<id>`)."""

    item: Item
    history: list[Review]
    duplicates: dict[int, list[int | None]]
    claim: str | None  # "mine", "other" (another curator has it), "free"; None: not in review
    moves: list[str]  # the decisions the curator may take now

    def context(self) -> dict[str, Any]:
        """The page's values by name, for the template."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def claim_state(user: User, item: Item) -> str | None:
    """Who holds a submitted item: the user ("mine"), another curator ("other"), nobody."""
    if item.status != ItemStatus.SUBMITTED:
        return None
    if item.claimed_by_id is None:
        return "free"
    return "mine" if item.claimed_by_id == user.id else "other"


def review_page(user: User, item: Item) -> ReviewPage:
    """The review page of an item the user reviews."""
    access.authorize(user, Action.REVIEW, item)
    return ReviewPage(
        item=item,
        history=reviews.history(item),
        duplicates=uploads.duplicate_counts(user, item),
        claim=claim_state(user, item),
        moves=[move.value for move in workflow.allowed_moves(user, item)],
    )


def editable(user: User, item_id: int) -> Item:
    """An item the user edits now (Conflict unless it is a draft or sent back for changes)."""
    item = items.get_item(user, item_id, Action.EDIT_ITEM)
    if not item.is_editable:
        raise Conflict(_l("Only drafts and items sent back for changes can be edited."))
    return item
