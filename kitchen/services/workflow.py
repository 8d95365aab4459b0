"""The review workflow as data: one transition table and one guard."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, Review, User, utcnow
from kitchen.services import audit
from kitchen.services.access import Action, authorize
from kitchen.services.errors import Conflict, ValidationError


class Move(StrEnum):
    """What a user can do to an item's state."""

    SUBMIT = "submit"
    RETRACT = "retract"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    REINSTATE = "reinstate"


@dataclass(frozen=True)
class Transition:
    """One allowed move: from which states, to which state, who, and whether a comment is due."""

    sources: frozenset[ItemStatus]
    target: ItemStatus
    right: Action
    needs_comment: bool = False


S = ItemStatus
TRANSITIONS: dict[Move, Transition] = {
    Move.SUBMIT: Transition(
        frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED, Action.SUBMIT_ITEM
    ),
    Move.RETRACT: Transition(frozenset({S.SUBMITTED}), S.DRAFT, Action.RETRACT_ITEM),
    Move.APPROVE: Transition(frozenset({S.SUBMITTED}), S.APPROVED, Action.REVIEW),
    Move.REQUEST_CHANGES: Transition(
        frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED, Action.REVIEW, needs_comment=True
    ),
    Move.REJECT: Transition(
        frozenset({S.SUBMITTED}), S.REJECTED, Action.REVIEW, needs_comment=True
    ),
    Move.WITHDRAW: Transition(
        frozenset({S.APPROVED}), S.WITHDRAWN, Action.REVIEW, needs_comment=True
    ),
    Move.REINSTATE: Transition(frozenset({S.WITHDRAWN}), S.APPROVED, Action.REVIEW),
}


def allowed_moves(user: User, item: Item) -> list[Move]:
    """The moves this user could make on this item now (for buttons)."""
    from kitchen.services.access import may

    return [
        m for m, t in TRANSITIONS.items() if item.status in t.sources and may(user, t.right, item)
    ]


def guard(user: User, item: Item, move: Move, comment: str) -> Transition:
    """Raise unless the user may make this move from the item's current state."""
    transition = TRANSITIONS[move]
    authorize(user, transition.right, item)
    if item.status not in transition.sources:
        raise Conflict(
            _l(
                "This item can no longer be changed this way: it is already %(status)s.",
                status=status_label(item.status),
            )
        )
    if transition.needs_comment and not comment.strip():
        raise ValidationError(_l("Please give a reason in the comment."), field="comment")
    if len(comment) > 5000:
        raise ValidationError(_l("At most %(n)d characters are allowed.", n=5000), field="comment")
    return transition


def apply(user: User, item: Item, move: Move, comment: str = "") -> Review:
    """Make the move, record it, and commit; a concurrent change makes this one fail cleanly."""
    transition = guard(user, item, move, comment)
    source = item.status
    item.status = transition.target
    now = utcnow()
    if transition.target == S.SUBMITTED:
        item.submitted_at = now
    if transition.target == S.APPROVED and item.approved_at is None:
        item.approved_at = now
    item.claimed_by_id = None
    review = Review(
        item_id=item.id,
        actor_id=user.id,
        action=move.value,
        from_status=source.value,
        to_status=transition.target.value,
        comment=comment.strip(),
    )
    db.session.add(review)
    audit.record(
        user,
        f"item.{move.value}",
        "item",
        item.id,
        {"from": source.value, "to": transition.target.value, "comment": comment.strip()},
    )
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(
            _l("Someone else changed this item a moment ago. Please reload it.")
        ) from exc
    return review


def status_label(status: ItemStatus | str) -> str:
    """The state's name in the UI language."""
    labels = {
        S.DRAFT: _l("draft"),
        S.SUBMITTED: _l("submitted"),
        S.CHANGES_REQUESTED: _l("changes requested"),
        S.APPROVED: _l("approved"),
        S.REJECTED: _l("rejected"),
        S.WITHDRAWN: _l("withdrawn"),
    }
    return str(labels.get(ItemStatus(status), status))
