"""The review workflow as data: one transition table and one guard."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, Review, User, utcnow
from kitchen.services import audit, notifications
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

# The moves a curator decides with, by name (pages and the API take them as text).
DECISIONS: dict[str, Move] = {
    m.value: m
    for m in (Move.APPROVE, Move.REQUEST_CHANGES, Move.REJECT, Move.WITHDRAW, Move.REINSTATE)
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
    if transition.right == Action.REVIEW:
        check_claim(user, item)
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


def transition(user: User, item: Item, move: Move, comment: str = "") -> Review:
    """Make the move and record it in the current transaction, without committing."""
    move_spec = guard(user, item, move, comment)
    source = item.status
    item.status = move_spec.target
    now = utcnow()
    if move_spec.target == S.SUBMITTED:
        item.submitted_at = now
        if item.first_submitted_at is None:
            item.first_submitted_at = now
    if move_spec.target == S.APPROVED and item.approved_at is None:
        item.approved_at = now
    item.claimed_by_id, item.claimed_at = None, None
    review = Review(
        item_id=item.id,
        actor_id=user.id,
        action=move.value,
        from_status=source.value,
        to_status=move_spec.target.value,
        comment=comment.strip(),
    )
    db.session.add(review)
    audit.record(
        user,
        f"item.{move.value}",
        "item",
        item.id,
        {"from": source.value, "to": move_spec.target.value, "comment": comment.strip()},
    )
    notifications.notify_decision(item, review)
    return review


def commit() -> None:
    """Commit (the index and e-mail jobs go with it); a concurrent change to an item it changes
    makes this one fail cleanly (409)."""
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise Conflict(
            _l("Someone else changed this item a moment ago. Please reload it.")
        ) from exc


def apply(user: User, item: Item, move: Move, comment: str = "") -> Review:
    """Make the move, record it, and commit."""
    review = transition(user, item, move, comment)
    commit()
    return review


def check_claim(user: User, item: Item) -> None:
    """An item in another curator's hands is theirs to decide, until they let go."""
    if item.claimed_by_id is not None and item.claimed_by_id != user.id:
        holder = item.claimed_by.display_name if item.claimed_by else "?"
        raise Conflict(
            _l("%(name)s is reviewing this item. Take it over first if needed.", name=holder)
        )


def claim(user: User, item: Item, take_over: bool = False) -> None:
    """Put a submitted item "in my hands" so no other curator reviews it at the same time."""
    authorize(user, Action.REVIEW, item)
    if item.status != S.SUBMITTED:
        raise Conflict(_l("Only items waiting for review can be claimed."))
    if not take_over:
        check_claim(user, item)
    previous = item.claimed_by_id
    item.claimed_by_id, item.claimed_at = user.id, utcnow()
    audit.record(user, "item.claim", "item", item.id, {"previous": previous})
    commit()


def release(user: User, item: Item) -> None:
    """Let go of a claimed item."""
    authorize(user, Action.REVIEW, item)
    if item.claimed_by_id == user.id:
        item.claimed_by_id, item.claimed_at = None, None
        audit.record(user, "item.release", "item", item.id)
        commit()


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
