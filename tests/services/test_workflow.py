"""The transition table, exhaustively: every state × every move × every role."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Item, ItemStatus, Notification, Review, Role
from kitchen.services import workflow
from kitchen.services.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from kitchen.services.workflow import Move
from tests import factories

ALLOWED: dict[tuple[ItemStatus, Move], tuple[ItemStatus, Role]] = {
    (ItemStatus.DRAFT, Move.SUBMIT): (ItemStatus.SUBMITTED, Role.CONTRIBUTOR),
    (ItemStatus.CHANGES_REQUESTED, Move.SUBMIT): (ItemStatus.SUBMITTED, Role.CONTRIBUTOR),
    (ItemStatus.SUBMITTED, Move.RETRACT): (ItemStatus.DRAFT, Role.CONTRIBUTOR),
    (ItemStatus.SUBMITTED, Move.APPROVE): (ItemStatus.APPROVED, Role.CURATOR),
    (ItemStatus.SUBMITTED, Move.REQUEST_CHANGES): (ItemStatus.CHANGES_REQUESTED, Role.CURATOR),
    (ItemStatus.SUBMITTED, Move.REJECT): (ItemStatus.REJECTED, Role.CURATOR),
    (ItemStatus.APPROVED, Move.WITHDRAW): (ItemStatus.WITHDRAWN, Role.CURATOR),
    (ItemStatus.WITHDRAWN, Move.REINSTATE): (ItemStatus.APPROVED, Role.CURATOR),
}
ACTORS = ["owner", "stranger", Role.CURATOR, Role.JOURNALIST, Role.ADMIN]
CASES = [(status, move, actor) for status in ItemStatus for move in Move for actor in ACTORS]


def _actor(actor: str | Role, item: Item):
    if actor == "owner":
        return factories.make_user(Role.CONTRIBUTOR, organization_id=item.organization_id)
    if actor == "stranger":
        return factories.make_user(Role.CONTRIBUTOR)
    return factories.make_user(actor)


def _expected_error(status: ItemStatus, move: Move, actor: str | Role) -> type | None:
    rule = ALLOWED.get((status, move))
    role = Role.CONTRIBUTOR if actor in ("owner", "stranger") else actor
    needs = workflow.TRANSITIONS[move].right
    from kitchen.services.access import ROLE_RIGHTS

    sees_all = actor in ("owner", Role.CURATOR, Role.ADMIN)
    if status != ItemStatus.APPROVED and not sees_all:
        return NotFound  # work in progress of another organisation does not exist for them
    if role not in ROLE_RIGHTS[needs] or actor == "stranger":
        return Forbidden
    if rule is None:
        return Conflict
    return None


@pytest.mark.parametrize(
    ("status", "move", "actor"), CASES, ids=[f"{s.value}-{m.value}-{a}" for s, m, a in CASES]
)
def test_transition_table(app: Flask, status: ItemStatus, move: Move, actor) -> None:
    item = factories.make_item(status=status)
    user = _actor(actor, item)
    comment = "理由：请补充人物信息"
    expected = _expected_error(status, move, actor)
    if expected is None:
        review = workflow.apply(user, item, move, comment)
        assert item.status == ALLOWED[(status, move)][0]
        assert (review.from_status, review.to_status) == (status.value, item.status.value)
        assert review.actor_id == user.id and review.comment == comment
    else:
        with pytest.raises(expected):
            workflow.apply(user, item, move, comment)
        db.session.expire_all()
        assert db.session.get(Item, item.id).status == status
        assert db.session.scalar(select(func.count(Review.id))) == 0


@pytest.mark.parametrize("move", [Move.REQUEST_CHANGES, Move.REJECT])
def test_comment_required(app: Flask, move: Move) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        workflow.apply(factories.make_user(Role.CURATOR), item, move, "   ")
    assert item.status == ItemStatus.SUBMITTED


def test_withdraw_needs_a_reason_and_reinstate_does_not(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED)
    curator = factories.make_user(Role.CURATOR)
    with pytest.raises(ValidationError):
        workflow.apply(curator, item, Move.WITHDRAW, "")
    workflow.apply(curator, item, Move.WITHDRAW, "肖像权问题")
    workflow.apply(curator, item, Move.REINSTATE)
    assert item.status == ItemStatus.APPROVED


def test_every_transition_is_audited_and_notified(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    curator = factories.make_user(Role.CURATOR)
    workflow.apply(curator, item, Move.REQUEST_CHANGES, "请补充图片说明")
    notes = db.session.scalars(select(Notification)).all()
    assert [(n.user_id, n.to_status, n.comment) for n in notes] == [
        (item.submitter_id, "changes_requested", "请补充图片说明")
    ]
    events = db.session.scalars(select(AuditEvent)).all()
    assert [(e.action, e.details["from"], e.details["to"]) for e in events] == [
        ("item.request_changes", "submitted", "changes_requested")
    ]
    workflow.apply(item.submitter, item, Move.SUBMIT)
    assert db.session.scalar(select(func.count(Notification.id))) == 1  # own move: no news


def test_claimed_items_are_decided_by_their_curator(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    first, second = factories.make_user(Role.CURATOR), factories.make_user(Role.CURATOR)
    workflow.claim(first, item)
    with pytest.raises(Conflict):
        workflow.claim(second, item)
    with pytest.raises(Conflict):
        workflow.apply(second, item, Move.APPROVE)
    workflow.claim(second, item, take_over=True)
    workflow.apply(second, item, Move.APPROVE)
    assert item.status == ItemStatus.APPROVED and item.claimed_by_id is None
    with pytest.raises(Conflict):
        workflow.claim(first, item)


def test_two_curators_deciding_at_once_record_one_decision(app: Flask) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    curators = [factories.make_user(Role.CURATOR).id for _ in range(2)]
    item_id = item.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(curator_id: int, move: Move) -> None:
        with app.app_context():
            from kitchen.models import User

            user = db.session.get(User, curator_id)
            loaded = db.session.get(Item, item_id)
            assert loaded.status == ItemStatus.SUBMITTED
            barrier.wait()
            try:
                workflow.apply(user, loaded, move, "同时审核")
                outcomes.append("ok")
            except DomainError as exc:
                outcomes.append(type(exc).__name__)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=decide, args=(curators[0], Move.APPROVE)),
        threading.Thread(target=decide, args=(curators[1], Move.REJECT)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Conflict", "ok"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Review.id))) == 1
    assert db.session.scalar(select(func.count(Notification.id))) == 1
    review = db.session.scalars(select(Review)).one()
    assert db.session.get(Item, item_id).status.value == review.to_status
