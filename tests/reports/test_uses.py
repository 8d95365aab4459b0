"""已刊发 and handoffs: recorded from the item page and the API, seen on the item, counted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient

from kitchen.extensions import db
from kitchen.models import (
    AuditEvent,
    Handoff,
    ItemStatus,
    ItemUse,
    Notification,
    OrgKind,
    Role,
    UsageTerms,
)
from kitchen.services import reports, tokens
from tests import factories
from tests.conftest import LoginAs


@pytest.fixture
def scene(app):
    member = factories.make_org(name="丁省科学技术协会")
    outlet = factories.make_org(name="中国科学报社", kind=OrgKind.MEDIA, region="北京")
    contributor = factories.make_user(Role.CONTRIBUTOR, organization=member)
    journalist = factories.make_user(Role.JOURNALIST, organization=outlet)
    item = factories.make_item(contributor, status=ItemStatus.APPROVED, title="深海勇士号下潜")
    return {"contributor": contributor, "journalist": journalist, "item": item, "outlet": outlet}


def _form(**values: str) -> dict[str, str]:
    return {
        "outlet": "",
        "url": "https://news.example.cn/2026/12/01/深海.html",
        "published_on": date.today().isoformat(),
        "channel": "new_media",
    } | values


def test_a_journalist_records_a_use_that_the_contributor_sees(
    client: FlaskClient, login_as: LoginAs, scene
) -> None:
    item = scene["item"]
    login_as(user=scene["journalist"])
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'data-testid="use-form"' in page and "尚无刊发记录" in page
    response = client.post(f"/items/{item.id}/uses", data=_form())
    assert response.status_code == 302 and response.headers["Location"].endswith("#uses")
    use = db.session.query(ItemUse).one()
    # The outlet defaults to the journalist's own.
    assert (use.outlet, use.channel.value, use.recorded_by_id) == (
        "中国科学报社",
        "new_media",
        scene["journalist"].id,
    )
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "中国科学报社" in page and "新媒体账号" in page and "刊发记录已保存" in page
    # The contributor is told, and sees it on the item.
    note = db.session.query(Notification).filter_by(user_id=scene["contributor"].id).one()
    assert note.action == "use" and "中国科学报社" in note.comment
    client.post("/logout")
    login_as(user=scene["contributor"])
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "中国科学报社" in page and 'data-testid="use-form"' not in page
    notes = client.get("/notifications").get_data(as_text=True)
    assert "已刊发" in notes and "已采用" not in notes
    # And the report counts it.
    row = reports.build(reports.current_period()).row(item.organization_id)
    assert (row.uses, row.outlets) == (1, 1)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"url": "javascript:alert(1)"}, "http://"),
        ({"published_on": (date.today() + timedelta(days=3)).isoformat()}, "不能晚于今天"),
        ({"published_on": "2019-01-01"}, "远早于"),
        ({"published_on": ""}, "刊发日期"),
        ({"channel": "carrier-pigeon"}, "渠道"),
        ({"outlet": "报" * 121}, "刊发媒体"),
    ],
)
def test_bad_uses_change_nothing(
    client: FlaskClient, login_as: LoginAs, scene, values: dict[str, str], message: str
) -> None:
    login_as(user=scene["journalist"])
    item = scene["item"]
    response = client.post(f"/items/{item.id}/uses", data=_form(**values), follow_redirects=True)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.query(ItemUse).count() == 0
    assert db.session.query(Notification).count() == 0
    assert db.session.query(AuditEvent).filter_by(action="item.use").count() == 0


def test_the_same_link_twice_is_refused(client: FlaskClient, login_as: LoginAs, scene) -> None:
    login_as(user=scene["journalist"])
    item = scene["item"]
    client.post(f"/items/{item.id}/uses", data=_form())
    again = client.post(f"/items/{item.id}/uses", data=_form(), follow_redirects=True)
    assert "这条链接已登记过" in again.get_data(as_text=True)
    assert db.session.query(ItemUse).count() == 1


def test_who_may_record_and_remove(client: FlaskClient, login_as: LoginAs, scene) -> None:
    item = scene["item"]
    internal = factories.make_item(
        scene["contributor"], status=ItemStatus.APPROVED, usage_terms=UsageTerms.INTERNAL_ONLY
    )
    login_as(user=scene["journalist"])
    assert client.post(f"/items/{internal.id}/uses", data=_form()).status_code == 404
    client.post(f"/items/{item.id}/uses", data=_form())
    use = db.session.query(ItemUse).one()
    client.post("/logout")
    # Another journalist may not remove it; the curator may.
    login_as(Role.JOURNALIST)
    assert client.post(f"/items/{item.id}/uses/{use.id}/remove").status_code == 403
    client.post("/logout")
    login_as(Role.CURATOR)
    assert client.post(f"/items/{item.id}/uses/{use.id}/remove").status_code == 302
    assert db.session.query(ItemUse).count() == 0
    removed = db.session.query(AuditEvent).filter_by(action="item.use_removed").one()
    assert removed.details["outlet"] == "中国科学报社"


def test_a_curator_hands_a_lead_to_an_outlet_and_its_coverage_comes_back(
    client: FlaskClient, login_as: LoginAs, scene
) -> None:
    from kitchen.models import ItemKind

    lead = factories.make_item(
        scene["contributor"],
        kind=ItemKind.LEAD,
        status=ItemStatus.APPROVED,
        title="高原气象站的守望者",
        contact_name="李四",
        contact_info="010-12345678",
    )
    curator = login_as(Role.CURATOR)
    response = client.post(
        f"/items/{lead.id}/handoffs",
        data={"organization_id": str(scene["outlet"].id), "note": "请贵报跟进采访"},
    )
    assert response.status_code == 302
    handoff = db.session.query(Handoff).one()
    assert (handoff.organization_id, handoff.handed_by_id) == (scene["outlet"].id, curator.id)
    note = db.session.query(Notification).filter_by(user_id=scene["journalist"].id).one()
    assert (note.action, note.comment) == ("handoff", "请贵报跟进采访")
    # A member organisation is not an outlet.
    member = scene["contributor"].organization_id
    bad = client.post(f"/items/{lead.id}/handoffs", data={"organization_id": str(member)})
    assert bad.status_code == 302 and db.session.query(Handoff).count() == 1
    client.post("/logout")
    login_as(user=scene["journalist"])
    page = client.get(f"/items/{lead.id}").get_data(as_text=True)
    assert 'data-testid="handoff"' in page and "待刊发" in page
    client.post(f"/items/{lead.id}/uses", data=_form(channel="paper"))
    use = db.session.query(ItemUse).one()
    assert use.handoff_id == handoff.id
    page = client.get(f"/items/{lead.id}").get_data(as_text=True)
    assert "已刊发 1 次" in page and "中心转交" in page
    # Other journalists do not see the handoff.
    client.post("/logout")
    login_as(Role.JOURNALIST)
    assert 'data-testid="handoff"' not in client.get(f"/items/{lead.id}").get_data(as_text=True)


def test_each_item_shows_its_download_count(client: FlaskClient, login_as: LoginAs, scene) -> None:
    from kitchen.models import DownloadEvent

    item = scene["item"]
    for _ in range(14):
        db.session.add(
            DownloadEvent(user_id=scene["journalist"].id, item_id=item.id, rendition="original")
        )
    db.session.commit()
    login_as(user=scene["contributor"])
    assert "已被下载 14 次" in client.get(f"/items/{item.id}").get_data(as_text=True)


def test_uses_through_the_api(client: FlaskClient, scene) -> None:
    item = scene["item"]
    _t, journalist = tokens.create_token(scene["journalist"], "刊发登记")
    _t, contributor = tokens.create_token(scene["contributor"], "查看")
    as_journalist = {"Authorization": f"Bearer {journalist}"}
    body = {"url": "https://tv.example.cn/v/1", "published_on": "2026-11-30", "channel": "tv"}
    made = client.post(f"/api/v1/items/{item.id}/uses", json=body, headers=as_journalist)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["outlet"] == "中国科学报社" and made.get_json()["channel"] == "tv"
    listed = client.get(
        f"/api/v1/items/{item.id}/uses", headers={"Authorization": f"Bearer {contributor}"}
    ).get_json()
    assert [u["url"] for u in listed["results"]] == ["https://tv.example.cn/v/1"]
    refused = client.post(
        f"/api/v1/items/{item.id}/uses",
        json={"published_on": "2026-11-30"},
        headers={"Authorization": f"Bearer {contributor}"},
    )
    assert refused.status_code == 403
    bad = client.post(
        f"/api/v1/items/{item.id}/uses", json={"published_on": "昨天"}, headers=as_journalist
    )
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "published_on"
    draft = factories.make_item(scene["contributor"])
    hidden = client.post(f"/api/v1/items/{draft.id}/uses", json=body, headers=as_journalist)
    assert hidden.status_code == 404
    use_id = made.get_json()["id"]
    assert client.delete(f"/api/v1/uses/{use_id}", headers=as_journalist).status_code == 204
    assert db.session.query(ItemUse).count() == 0
