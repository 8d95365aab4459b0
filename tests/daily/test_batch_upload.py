"""Batch upload: one event's metadata typed once, one photo item per photo; nothing half-made."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Item, ItemKind, ItemStatus, MediaFile, Role, UsageTerms
from tests import factories, samples
from tests.conftest import LoginAs
from tests.support.files import stored_keys

SHARED = {
    "title": "2026年全国科普日北京主场",
    "place": "北京科技周主会场",
    "event_date": "2026-09-20",
    "people": "张三、李四",
    "credit_line": "北京市科协 摄/王五",
    "usage_terms": "editorial_only",
    "consent_confirmed": "y",
    "keywords": "科普日, 现场",
}


def _start(client: FlaskClient, **changes: str) -> str:
    page = client.post("/submit/batch", data=SHARED | changes).get_data(as_text=True)
    found = re.search(r'data-batch-token="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def _photo(client: FlaskClient, token: str, number: int, name: str, data: bytes):
    return client.post(
        "/submit/batch/photos",
        data=data,
        headers={
            "X-Batch-Token": token,
            "X-Batch-Number": str(number),
            "X-File-Name": quote(name),
            "X-Requested-With": "XMLHttpRequest",
            "Content-Type": "application/octet-stream",
        },
    )


def test_each_photo_becomes_an_item_with_the_shared_metadata(
    client: FlaskClient, login_as: LoginAs
) -> None:
    campaign = factories.make_campaign(name="全国科普日")
    user = login_as(Role.CONTRIBUTOR)
    token = _start(client, campaigns=campaign.slug)
    for number in (1, 2, 3):
        response = _photo(client, token, number, f"现场{number}.jpg", samples.photo(50 + number))
        assert response.status_code == 201, response.get_json()
    made = db.session.scalars(select(Item).order_by(Item.id)).all()
    assert [i.title for i in made] == [f"2026年全国科普日北京主场（{n}）" for n in (1, 2, 3)]
    for item in made:
        assert (item.kind, item.status, item.organization_id) == (
            ItemKind.PHOTO,
            ItemStatus.DRAFT,
            user.organization_id,
        )
        assert (item.place, item.event_date, item.credit_line) == (
            "北京科技周主会场",
            date(2026, 9, 20),
            "北京市科协 摄/王五",
        )
        assert item.usage_terms == UsageTerms.EDITORIAL_ONLY and item.consent_confirmed
        assert [c.slug for c in item.campaigns] == [campaign.slug] and len(item.files) == 1
    # Submit them all at once.
    response = client.post("/submit/batch/submit", data={"item_id": [str(i.id) for i in made]})
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Item, i.id).status for i in made} == {ItemStatus.SUBMITTED}


def test_a_refused_photo_leaves_no_item(app: Flask, client: FlaskClient, login_as: LoginAs) -> None:
    login_as(Role.CONTRIBUTOR)
    token = _start(client)
    refused = _photo(client, token, 1, "不是照片.jpg", "只是文字".encode() * 100)
    assert refused.status_code == 422 and refused.get_json()["error"]["message"]
    assert db.session.scalar(select(func.count(Item.id))) == 0
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.target_type == "item"))
        == 0
    )
    assert not sorted(stored_keys(app))


def test_a_forged_or_foreign_token_is_refused(client: FlaskClient, login_as: LoginAs) -> None:
    login_as(Role.CONTRIBUTOR)
    token = _start(client)
    forged = _photo(client, token[:-3] + "abc", 1, "一.jpg", samples.photo(61))
    assert forged.status_code == 422 and "过期" in forged.get_json()["error"]["message"]
    client.post("/logout")
    login_as(Role.CONTRIBUTOR)  # someone else, with the first one's token
    assert _photo(client, token, 1, "一.jpg", samples.photo(62)).status_code == 422
    assert db.session.scalar(select(func.count(MediaFile.id))) == 0


def test_bad_shared_metadata_is_refused_before_any_photo(
    client: FlaskClient, login_as: LoginAs
) -> None:
    login_as(Role.CONTRIBUTOR)
    for changes, message in (({"title": ""}, "必填"), ({"credit_line": ""}, "必填")):
        page = client.post("/submit/batch", data=SHARED | changes)
        assert page.status_code == 400 and message in page.get_data(as_text=True)
        assert "data-batch-token" not in page.get_data(as_text=True)


def test_the_organisation_template_fills_new_items(client: FlaskClient, login_as: LoginAs) -> None:
    user = login_as(Role.CONTRIBUTOR)
    assert user.organization.name in client.get("/submit/new/photo").get_data(as_text=True)
    saved = client.post(
        "/submit/defaults", data={"credit_line": "四川省科协 供图", "usage_terms": "editorial_only"}
    )
    assert saved.status_code == 302
    for url in ("/submit/new/story", "/submit/batch"):
        page = client.get(url).get_data(as_text=True)
        assert 'value="四川省科协 供图"' in page
        assert '<option selected value="editorial_only">' in page
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "org.defaults")).one()
    assert audit.details == {"credit_line": "四川省科协 供图", "usage_terms": "editorial_only"}
    bad = client.post("/submit/defaults", data={"credit_line": "", "usage_terms": "all-rights"})
    assert bad.status_code == 400
