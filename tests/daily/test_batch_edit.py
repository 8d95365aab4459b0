"""Curators change several items at once, from the queue or from search; each is audited."""

from __future__ import annotations

from urllib.parse import unquote

from flask.testing import FlaskClient
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Item, ItemStatus, Role, UsageTerms
from tests import factories
from tests.conftest import LoginAs


def test_batch_edit_from_the_queue_audits_each_item(client: FlaskClient, login_as: LoginAs) -> None:
    campaign = factories.make_campaign(name="全国科普日")
    first = factories.make_item(status=ItemStatus.SUBMITTED, keywords="科普")
    second = factories.make_item(status=ItemStatus.SUBMITTED)
    untouched = factories.make_item(status=ItemStatus.SUBMITTED, credit_line="原署名")
    login_as(Role.CURATOR)
    queue = client.get("/review/").get_data(as_text=True)
    assert 'data-testid="bulk-edit"' in queue and "批量修改选中的素材" in queue
    response = client.post(
        "/review/bulk",
        data={
            "item_id": [str(first.id), str(second.id)],
            "action": "edit",
            "bulk_credit_line": "中国科协 供图",
            "bulk_usage_terms": "editorial_only",
            "bulk_keywords": "科学家精神",
            "bulk_campaigns": campaign.slug,
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/review/")
    db.session.expire_all()
    for item_id, keywords in ((first.id, "科普, 科学家精神"), (second.id, "科学家精神")):
        item = db.session.get(Item, item_id)
        assert (item.credit_line, item.usage_terms, item.keywords) == (
            "中国科协 供图",
            UsageTerms.EDITORIAL_ONLY,
            keywords,
        )
        assert [c.slug for c in item.campaigns] == [campaign.slug]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "item.correct").order_by(AuditEvent.id)
    ).all()
    assert [e.target_id for e in events] == [first.id, second.id]
    assert events[0].details["changes"]["credit_line"] == ["测试科协 文/张三", "中国科协 供图"]
    assert db.session.get(Item, untouched.id).credit_line == "原署名"


def test_batch_edit_from_search_returns_to_the_search(
    client: FlaskClient, login_as: LoginAs
) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED)
    login_as(Role.CURATOR)
    back = "/library/?q=科学家"
    response = client.post(
        "/review/bulk",
        data={
            "item_id": str(item.id),
            "action": "edit",
            "bulk_usage_terms": "internal_only",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert unquote(response.headers["Location"]).endswith(back)
    db.session.expire_all()
    assert db.session.get(Item, item.id).usage_terms == UsageTerms.INTERNAL_ONLY


def test_a_bad_batch_changes_nothing(client: FlaskClient, login_as: LoginAs) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED)
    login_as(Role.CURATOR)
    for form, message in (
        ({"bulk_campaigns": "no-such-campaign"}, "no-such-campaign"),
        ({}, "请至少填写一项修改"),
        ({"bulk_credit_line": "署" * 201}, "200"),
        ({"bulk_usage_terms": "anything-goes"}, ""),
    ):
        page = client.post(
            "/review/bulk",
            data={"item_id": str(item.id), "action": "edit", **form},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert message in page
    db.session.expire_all()
    assert db.session.get(Item, item.id).credit_line == "测试科协 文/张三"
    assert (
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "item.correct")).all()
        == []
    )


def test_the_search_page_offers_batch_edit_to_curators_only(
    client: FlaskClient, login_as: LoginAs
) -> None:
    factories.make_item(status=ItemStatus.APPROVED)
    login_as(Role.JOURNALIST)
    assert 'data-testid="search-bulk-form"' not in client.get("/library/").get_data(as_text=True)
