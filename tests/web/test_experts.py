"""The expert directory: a journalist's request reaches the curators, their answer reaches the
journalist, every step is audited, and no page or API response gives a media account the
contact details."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kitchen.enums import RequestStatus
from kitchen.extensions import db
from kitchen.models import (
    AuditEvent,
    ExpertRequest,
    ItemStatus,
    Notification,
    Person,
    Role,
    User,
)
from kitchen.services import tokens
from tests import factories

CONTACT = "秘书 周老师 13800001234"


def _expert(curator: User) -> Person:
    return factories.make_expert(curator, CONTACT)


def test_a_request_goes_to_the_centre_and_the_answer_back(
    app: Flask, client: FlaskClient, login_as
) -> None:
    curator = factories.make_user(Role.CURATOR)
    expert = _expert(curator)
    journalist = login_as(Role.JOURNALIST)
    listing = client.get("/experts/?field=meteorology").get_data(as_text=True)
    assert "王建国" in listing and CONTACT not in listing
    assert "王建国" not in client.get("/experts/?field=physics").get_data(as_text=True)
    asked = client.post(
        f"/experts/{expert.id}/ask",
        data={
            "topic": "台风季的预报难点",
            "outlet": "科技日报",
            "deadline": (date.today() + timedelta(days=3)).isoformat(),
        },
    )
    assert asked.status_code == 302
    request = db.session.scalars(select(ExpertRequest)).one()
    assert request.status is RequestStatus.OPEN and request.requester_id == journalist.id
    note = db.session.scalars(select(Notification).where(Notification.user_id == curator.id)).one()
    assert note.expert_request_id == request.id and note.action == "expert_request"
    client.post("/logout")

    login_as(user=curator)
    inbox = client.get("/notifications").get_data(as_text=True)
    assert f"/experts/requests/{request.id}" in inbox
    page = client.get(f"/experts/requests/{request.id}").get_data(as_text=True)
    assert CONTACT in page and 'data-testid="answer-form"' in page
    answer = "王老师同意接受采访，请联系国家气象中心宣传科。"
    forwarded = client.post(
        f"/experts/requests/{request.id}", data={"decision": "forward", "message": answer}
    )
    assert forwarded.status_code == 302
    again = client.post(f"/experts/requests/{request.id}", data={"decision": "decline"})
    assert again.status_code == 400  # answered once
    client.post("/logout")

    login_as(user=journalist)
    db.session.expire_all()
    assert db.session.get(ExpertRequest, request.id).status is RequestStatus.FORWARDED
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == journalist.id)
    ).one()
    assert told.action == "expert_forwarded" and told.comment == answer
    mine = client.get(f"/experts/requests/{request.id}").get_data(as_text=True)
    assert answer in mine and CONTACT not in mine
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "person")
    ).all()
    assert {"expert.ask", "expert.forwarded"} <= set(actions)


def test_a_declined_request_tells_the_journalist(app: Flask, login_as) -> None:
    from kitchen.services import experts

    curator = factories.make_user(Role.CURATOR)
    expert = _expert(curator)
    journalist = factories.make_user(Role.JOURNALIST)
    request = experts.ask(journalist, expert, "采访", "新华社", None)
    experts.answer(curator, request, False, "专家近期出差")
    told = db.session.scalars(
        select(Notification).where(Notification.user_id == journalist.id)
    ).one()
    assert told.action == "expert_declined" and told.to_status == "declined"


def test_requests_are_seen_by_the_asker_and_the_curators_only(
    app: Flask, client: FlaskClient, login_as
) -> None:
    from kitchen.services import experts

    curator = factories.make_user(Role.CURATOR)
    expert = _expert(curator)
    asker = factories.make_user(Role.JOURNALIST)
    request = experts.ask(asker, expert, "采访", "新华社", None)
    login_as(Role.JOURNALIST)
    assert client.get(f"/experts/requests/{request.id}").status_code == 404
    assert "新华社" not in client.get("/experts/requests").get_data(as_text=True)
    forged = client.post(f"/experts/requests/{request.id}", data={"decision": "forward"})
    assert forged.status_code == 403
    past = client.post(
        f"/experts/{expert.id}/ask",
        data={"topic": "x", "outlet": "y", "deadline": "2020-01-01"},
    )
    assert past.status_code == 400
    assert db.session.scalars(select(ExpertRequest)).all() == [request]


def test_media_accounts_never_receive_contact_fields(
    app: Flask, client: FlaskClient, login_as
) -> None:
    curator = factories.make_user(Role.CURATOR)
    expert = _expert(curator)
    author = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(author, status=ItemStatus.APPROVED, title="台风来了")
    item.persons = [expert]
    db.session.commit()
    journalist = login_as(Role.JOURNALIST)
    _token, plain = tokens.create_token(journalist, "编辑部脚本")
    bearer = {"Authorization": f"Bearer {plain}"}
    pages = [
        "/people/",
        f"/people/{expert.id}",
        "/experts/",
        "/experts/?q=wjg",
        f"/experts/{expert.id}/ask",
        "/experts/requests",
        f"/items/{item.id}",
        "/library/?q=王建国",
        "/people/suggest?q=王建国",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert CONTACT not in response.get_data(as_text=True), url
    api = ["/api/v1/people", f"/api/v1/people/{expert.id}", "/api/v1/experts"]
    api.append(f"/api/v1/items/{item.id}")
    for url in api:
        response = client.get(url, headers=bearer)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert CONTACT not in text and '"contact"' not in text, url
    client.post("/logout")
    login_as(user=curator)
    assert CONTACT in client.get(f"/people/{expert.id}").get_data(as_text=True)
    _t, staff = tokens.create_token(curator, "中心脚本")
    answer = client.get(f"/api/v1/people/{expert.id}", headers={"Authorization": f"Bearer {staff}"})
    assert answer.get_json()["contact"] == CONTACT
