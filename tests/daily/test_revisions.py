"""An approved item is revised by proposal: the approved version stays until a curator accepts."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Item, ItemStatus, Notification, Revision, Role
from kitchen.services import library
from tests import factories
from tests.conftest import LoginAs

FORM = {
    "title": "深海勇士号完成万米下潜",
    "summary": "更正：下潜深度为 10909 米",
    "body": "新的正文。",
    "people": "张三",
    "place": "马里亚纳海沟",
    "event_date": "2026-11-10",
    "credit_line": "中国科学院 供稿",
    "keywords": "深海, 载人潜水器",
    "note": "深度数字有误",
}


def test_a_revision_waits_for_a_curator_then_the_item_takes_it(
    client: FlaskClient, login_as: LoginAs, drain
) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, status=ItemStatus.APPROVED, title="深海勇士号下潜")
    drain()
    login_as(user=owner)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'data-testid="propose-revision"' in page
    sent = client.post(f"/submit/{item.id}/revise", data=FORM)
    assert sent.status_code == 302
    db.session.expire_all()
    live = db.session.get(Item, item.id)
    assert (live.title, live.status) == ("深海勇士号下潜", ItemStatus.APPROVED)  # still as approved
    assert "待审" in client.get(f"/items/{item.id}").get_data(as_text=True)
    client.post("/logout")
    curator = login_as(Role.CURATOR)
    queue = client.get("/review/").get_data(as_text=True)
    assert 'data-testid="revisions-link"' in queue
    listing = client.get("/review/revisions").get_data(as_text=True)
    assert (
        "深海勇士号下潜" in listing
        and "深海勇士号完成万米下潜" in listing
        and "深度数字有误" in listing
    )
    revision = db.session.scalars(select(Revision)).one()
    accepted = client.post(f"/review/revisions/{revision.id}", data={"decision": "accept"})
    assert accepted.status_code == 302
    db.session.expire_all()
    live = db.session.get(Item, item.id)
    assert (live.title, live.summary, live.credit_line) == (
        "深海勇士号完成万米下潜",
        "更正：下潜深度为 10909 米",
        "中国科学院 供稿",
    )
    assert live.status == ItemStatus.APPROVED
    revised = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "item.revise")).one()
    assert revised.actor_id == curator.id
    assert revised.details["changes"]["title"] == ["深海勇士号下潜", "深海勇士号完成万米下潜"]
    note = db.session.scalars(select(Notification).where(Notification.user_id == owner.id)).one()
    assert note.action == "revision_accepted"
    drain()
    assert [h.id for h in library.search(owner, "万米下潜").hits] == [item.id]
    again = client.post(
        f"/review/revisions/{revision.id}", data={"decision": "accept"}, follow_redirects=True
    )
    assert "已经处理过" in again.get_data(as_text=True)


def test_a_declined_revision_changes_nothing(client: FlaskClient, login_as: LoginAs) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, status=ItemStatus.APPROVED)
    login_as(user=owner)
    client.post(f"/submit/{item.id}/revise", data=FORM)
    client.post("/logout")
    login_as(Role.CURATOR)
    revision = db.session.scalars(select(Revision)).one()
    silent = client.post(
        f"/review/revisions/{revision.id}", data={"decision": "decline"}, follow_redirects=True
    )
    assert "请在意见中说明理由" in silent.get_data(as_text=True)
    client.post(
        f"/review/revisions/{revision.id}",
        data={"decision": "decline", "comment": "数字已核实无误"},
    )
    db.session.expire_all()
    assert db.session.get(Item, item.id).title == "科学家精神代代相传"
    assert db.session.get(Revision, revision.id).status == "declined"
    note = db.session.scalars(select(Notification).where(Notification.user_id == owner.id)).one()
    assert (note.action, note.comment) == ("revision_declined", "数字已核实无误")


def test_who_may_propose(client: FlaskClient, login_as: LoginAs) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    approved = factories.make_item(owner, status=ItemStatus.APPROVED)
    draft = factories.make_item(owner)
    login_as(Role.CONTRIBUTOR)  # another organisation's officer
    assert client.get(f"/submit/{approved.id}/revise").status_code == 403
    assert client.post(f"/submit/{approved.id}/revise", data=FORM).status_code == 403
    assert client.get(f"/submit/{draft.id}/revise").status_code == 404
    client.post("/logout")
    login_as(user=owner)
    assert client.get(f"/submit/{draft.id}/revise").status_code == 403  # a draft is just edited
    unchanged = {
        "title": approved.title,
        "summary": approved.summary,
        "body": approved.body,
        "credit_line": approved.credit_line,
    }
    nothing = client.post(f"/submit/{approved.id}/revise", data=unchanged)
    assert nothing.status_code == 400 and "没有任何改动" in nothing.get_data(as_text=True)
    assert db.session.scalars(select(Revision)).all() == []


def test_a_new_proposal_replaces_the_pending_one(client: FlaskClient, login_as: LoginAs) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, status=ItemStatus.APPROVED)
    login_as(user=owner)
    client.post(f"/submit/{item.id}/revise", data=FORM)
    client.post(f"/submit/{item.id}/revise", data=FORM | {"title": "第二次修改的标题"})
    statuses = [r.status for r in db.session.scalars(select(Revision).order_by(Revision.id))]
    assert statuses == ["replaced", "pending"]
