"""The curator's pages, notifications, campaign pages and feeds, the audit page."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

from flask.testing import FlaskClient
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, Role
from tests import factories


def _review_form(item: Item, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "title": item.title,
        "summary": item.summary,
        "people": item.people,
        "keywords": item.keywords,
        "credit_line": item.credit_line,
        "usage_terms": item.usage_terms.value,
        "comment": "",
    }
    data.update(overrides)
    return data


def _login(client: FlaskClient, user) -> None:
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})


def test_queue_lists_waiting_items(client: FlaskClient, login_as) -> None:
    waiting = factories.make_item(status=ItemStatus.SUBMITTED, title="等待审核的故事")
    factories.make_item(title="还是草稿")
    login_as(Role.CURATOR)
    page = client.get("/review/").get_data(as_text=True)
    assert "等待审核的故事" in page and "还是草稿" not in page
    assert f'data-item-id="{waiting.id}"' in page


def test_curator_approves_with_a_campaign_and_contributor_is_told(client: FlaskClient) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    campaign = factories.make_campaign(name="科学家精神")
    curator = factories.make_user(Role.CURATOR)
    _login(client, curator)
    response = client.post(
        f"/review/{item.id}",
        data=_review_form(item, decision="approve", campaigns=campaign.slug, featured="y"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    approved = db.session.get(Item, item.id)
    assert approved.status == ItemStatus.APPROVED and approved.featured
    assert [c.slug for c in approved.campaigns] == [campaign.slug]
    client.post("/logout")
    _login(client, item.submitter)
    home = client.get("/home").get_data(as_text=True)
    assert 'data-testid="notification-count">1<' in home
    notes = client.get("/notifications").get_data(as_text=True)
    assert item.title in notes and "已采用" in notes
    assert 'data-testid="notification-count"' not in client.get("/home").get_data(as_text=True)


def test_missing_comment_is_explained_and_nothing_changes(client: FlaskClient, login_as) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    login_as(Role.CURATOR)
    response = client.post(
        f"/review/{item.id}", data=_review_form(item, decision="reject", title="改了的标题")
    )
    assert response.status_code == 400
    assert "请在意见中说明理由" in response.get_data(as_text=True)
    db.session.expire_all()
    fresh = db.session.get(Item, item.id)
    assert fresh.status == ItemStatus.SUBMITTED and fresh.title != "改了的标题"


def test_deciding_twice_is_a_clear_conflict(client: FlaskClient, login_as) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED)
    login_as(Role.CURATOR)
    response = client.post(f"/review/{item.id}", data=_review_form(item, decision="approve"))
    assert response.status_code == 409
    assert "无法进行此操作" in response.get_data(as_text=True)


def test_request_changes_reaches_the_contributor(client: FlaskClient) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    _login(client, factories.make_user(Role.CURATOR))
    client.post(
        f"/review/{item.id}",
        data=_review_form(item, decision="request_changes", comment="请补充人物的职务"),
    )
    client.post("/logout")
    _login(client, item.submitter)
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "请补充人物的职务" in page and "需修改" in page


def test_claim_and_bulk_from_the_queue(client: FlaskClient, login_as) -> None:
    items = [factories.make_item(status=ItemStatus.SUBMITTED) for _ in range(2)]
    curator = login_as(Role.CURATOR)
    client.post(f"/review/{items[0].id}/claim")
    db.session.expire_all()
    assert db.session.get(Item, items[0].id).claimed_by_id == curator.id
    response = client.post(
        "/review/bulk", data={"action": "approve", "item_id": [str(i.id) for i in items]}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Item, i.id).status for i in items} == {ItemStatus.APPROVED}


def test_campaign_page_and_atom_feed(client: FlaskClient, login_as) -> None:
    campaign = factories.make_campaign(name="全国科普日")
    factories.make_item(status=ItemStatus.APPROVED, title="科普日的孩子们", campaigns=[campaign])
    factories.make_item(status=ItemStatus.SUBMITTED, title="还在审核", campaigns=[campaign])
    login_as(Role.JOURNALIST)
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "科普日的孩子们" in page and "还在审核" not in page
    feed = client.get(f"/campaigns/{campaign.slug}/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:title", ns).text == "全国科普日"
    assert [e.find("a:title", ns).text for e in root.findall("a:entry", ns)] == ["科普日的孩子们"]


def test_audit_page_filters_and_exports(client: FlaskClient, login_as) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    curator = factories.make_user(Role.CURATOR)
    _login(client, curator)
    client.post(f"/review/{item.id}", data=_review_form(item, decision="approve"))
    client.post("/logout")
    login_as(Role.ADMIN)
    page = client.get(f"/admin/audit?item={item.id}&action=item.approve").get_data(as_text=True)
    assert "item.approve" in page and curator.email in page
    empty = client.get("/admin/audit?action=item.reject").get_data(as_text=True)
    assert "item.approve</code>" not in empty
    exported = client.get(f"/admin/audit.csv?item={item.id}")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["time", "actor", "action"]
    assert [r[2] for r in rows[1:]] == ["item.approve"]
    assert client.get("/admin/audit?since=not-a-date").status_code == 200


def test_withdraw_from_the_library_needs_a_reason(client: FlaskClient, login_as) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED)
    login_as(Role.CURATOR)
    response = client.post(f"/review/{item.id}", data=_review_form(item, decision="withdraw"))
    assert response.status_code == 400
    client.post(
        f"/review/{item.id}", data=_review_form(item, decision="withdraw", comment="肖像权争议")
    )
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.WITHDRAWN
    assert db.session.scalars(select(Item).where(Item.status == ItemStatus.APPROVED)).all() == []
