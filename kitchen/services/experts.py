"""The expert directory (科技报道专家库): journalists ask the centre for an introduction.

An expert is a person marked as one who agreed to be contacted by the media. A journalist
never sees the contact details: they ask (topic, deadline, outlet), the request reaches the
curators' queue and notifications, a curator forwards the contact in a message of their own or
declines, and the journalist is told. Every step is audited.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from kitchen.enums import RequestStatus
from kitchen.extensions import db
from kitchen.models import ExpertRequest, Person, Role, User, utcnow
from kitchen.services import audit, notifications, validation
from kitchen.services.access import (
    Action,
    authorize,
    can_see_person,
    role_may,
    sees_expert_request,
)
from kitchen.services.errors import Conflict, NotFound, ValidationError


def _notify(users: list[User], request: ExpertRequest, action: str, comment: str) -> None:
    notifications.add_for(
        users,
        expert_request_id=request.id,
        action=action,
        to_status=request.status.value,
        comment=comment,
    )


def ask(
    journalist: User, person: Person, topic: str, outlet: str, deadline: date | None
) -> ExpertRequest:
    """A journalist asks for an introduction to an expert they may see."""
    authorize(journalist, Action.ASK_EXPERT)
    if not can_see_person(journalist, person) or not person.listed_expert:
        raise NotFound()
    topic = validation.text(topic, "topic", max_len=2000, required=True)
    outlet = validation.text(outlet, "outlet", max_len=200, required=True)
    if deadline is not None and deadline < date.today():
        raise ValidationError(_l("The deadline cannot be in the past."), field="deadline")
    request = ExpertRequest(
        person_id=person.id,
        requester_id=journalist.id,
        topic=topic,
        outlet=outlet,
        deadline=deadline,
    )
    db.session.add(request)
    db.session.flush()
    curators = db.session.scalars(
        select(User).where(User.role == Role.CURATOR, User.active.is_(True))
    )
    _notify(list(curators), request, "expert_request", f"{outlet}：{topic}"[:500])
    audit.record(
        journalist,
        "expert.ask",
        "person",
        person.id,
        {"request": request.id, "outlet": outlet, "topic": topic[:200]},
    )
    db.session.commit()
    return request


def answer(curator: User, request: ExpertRequest, forward: bool, message: str) -> ExpertRequest:
    """A curator forwards the contact (in their message) or declines; the journalist is told.
    A request is answered once: the second curator is told it already was."""
    authorize(curator, Action.ANSWER_EXPERT_REQUEST)
    message = validation.text(message, "message", max_len=2000, required=forward)
    if request.status is not RequestStatus.OPEN:
        raise Conflict(_l("This request was already answered."))
    request.status = RequestStatus.FORWARDED if forward else RequestStatus.DECLINED
    request.answer, request.answered_by_id, request.answered_at = message, curator.id, utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(_l("This request was already answered.")) from None
    action = "expert_forwarded" if forward else "expert_declined"
    _notify([request.requester], request, action, message)
    audit.record(
        curator,
        f"expert.{request.status.value}",
        "person",
        request.person_id,
        {"request": request.id},
    )
    db.session.commit()
    return request


def may_answer(user: User, request: ExpertRequest) -> bool:
    """A curator answers an open request (and sees the contact to forward)."""
    return role_may(user, Action.ANSWER_EXPERT_REQUEST) and request.status is RequestStatus.OPEN


def get_request(user: User, request_id: int) -> ExpertRequest:
    """A request the user may see: the journalist who asked, and the curators."""
    request = db.session.get(ExpertRequest, request_id)
    if request is None or not sees_expert_request(user, request):
        raise NotFound()
    return request


def queue(user: User) -> list[ExpertRequest]:
    """The curators see every request, open ones first; a journalist their own."""
    query = select(ExpertRequest).order_by(
        (ExpertRequest.status == RequestStatus.OPEN).desc(), ExpertRequest.created_at.desc()
    )
    if not role_may(user, Action.ANSWER_EXPERT_REQUEST):
        query = query.where(ExpertRequest.requester_id == user.id)
    return list(db.session.scalars(query.limit(200)))
