"""The contributor's pages: new item forms, uploads, submitting, the organisation's list."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, MediaFile, Review, Role
from tests import factories, samples
from tests.support.files import stored_keys

STORY = {
    "title": "大凉山里的土豆专家",
    "summary": "十年驻村",
    "body": "第一段。\n\n第二段。",
    "credit_line": "四川省科协 文/李娜",
    "usage_terms": "with_credit",
    "keywords": "脱贫攻坚",
    "people": "杨建国",
    "consent_confirmed": "y",
    "urgency": "normal",
}


upload = factories.upload


@pytest.mark.parametrize("kind", [k.value for k in ItemKind])
def test_each_kind_has_its_form(client: FlaskClient, login_as, kind: str) -> None:
    login_as(Role.CONTRIBUTOR)
    page = client.get(f"/submit/new/{kind}")
    assert page.status_code == 200 and 'data-testid="item-form"' in page.get_data(as_text=True)
    assert client.get("/submit/new/poem").status_code == 404


def test_story_from_form_to_review(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    response = client.post("/submit/new/story", data=STORY)
    assert response.status_code == 302
    item = db.session.scalars(select(Item)).one()
    assert item.title == "大凉山里的土豆专家" and item.submitter_id == user.id
    response = client.post(f"/submit/{item.id}/edit", data={**STORY, "then": "submit"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.SUBMITTED
    listing = client.get("/submit/").get_data(as_text=True)
    assert "大凉山里的土豆专家" in listing and "待审核" in listing


def test_missing_title_shows_a_message_and_saves_nothing(client: FlaskClient, login_as) -> None:
    login_as(Role.CONTRIBUTOR)
    response = client.post("/submit/new/story", data={**STORY, "title": ""})
    assert response.status_code == 400 and "此项为必填项" in response.get_data(as_text=True)
    assert db.session.scalars(select(Item)).all() == []


def test_photo_upload_and_download_with_chinese_name(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    response = upload(client, item.id, "科普日 现场.jpg", samples.photo())
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["original_name"] == "科普日 现场.jpg" and body["thumb_url"]
    original = client.get(f"/files/{body['id']}/original?download=1")
    assert original.status_code == 200 and original.data == samples.photo()
    disposition = original.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''%E7%A7%91%E6%99%AE%E6%97%A5%20%E7%8E%B0%E5%9C%BA.jpg" in disposition
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    thumb = client.get(body["thumb_url"])
    assert thumb.mimetype == "image/jpeg" and "immutable" in thumb.headers["Cache-Control"]


def test_refused_upload_gives_a_chinese_message(client: FlaskClient, login_as, app: Flask) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    response = upload(client, item.id, "假的.jpg", b"<html>not an image</html>")
    assert response.status_code == 422
    assert "不接受此文件类型" in response.get_json()["error"]["message"]
    assert sorted(stored_keys(app)) == []


def test_too_large_request_is_413_with_a_message(client: FlaskClient, login_as, app: Flask) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    app.config["MAX_IMAGE_BYTES"] = 1000
    # Refused from Content-Length, before the body is read.
    response = upload(client, item.id, "大图.jpg", samples.photo() + b"\0" * 100_000)
    assert response.status_code == 413 and "上限" in response.get_json()["error"]["message"]
    # Within the form allowance, so the store counts the bytes and refuses past the limit.
    response = upload(client, item.id, "大图.jpg", samples.photo()[:20_000])
    assert response.status_code == 413 and "上限" in response.get_json()["error"]["message"]
    assert db.session.scalars(select(MediaFile)).all() == []


def test_multipart_fallback_uploads_several_files(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    import io

    response = client.post(
        f"/submit/{item.id}/files",
        data={
            "file": [
                (io.BytesIO(samples.photo(1)), "一.jpg"),
                (io.BytesIO(samples.photo(2)), "二.jpg"),
                (io.BytesIO(b"junk"), "三.jpg"),
            ]
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    names = db.session.scalars(select(MediaFile.original_name)).all()
    assert sorted(names) == ["一.jpg", "二.jpg"]


def test_video_plays_with_range_requests(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.VIDEO)
    body = upload(client, item.id, "宣传片.mp4", samples.video()).get_json()
    partial = client.get(f"/files/{body['id']}/original", headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.data) == 100
    assert partial.mimetype == "video/mp4"
    assert client.get(f"/files/{body['id']}/poster").mimetype == "image/jpeg"
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "<video" in page


def test_caption_and_delete(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    file_id = upload(client, item.id, "a.jpg", samples.photo()).get_json()["id"]
    client.post(f"/submit/{item.id}/files/{file_id}/caption", data={"caption": "院士在讲解"})
    assert db.session.get(MediaFile, file_id).caption == "院士在讲解"
    client.post(f"/submit/{item.id}/files/{file_id}/delete")
    db.session.expire_all()
    assert db.session.get(MediaFile, file_id) is None


def test_file_access_by_role(client: FlaskClient, app: Flask) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    draft = factories.make_item(owner, kind=ItemKind.PHOTO)
    import io

    from kitchen.services import uploads

    media = uploads.add_file(owner, draft, io.BytesIO(samples.photo()), "草稿.jpg")
    expected = {Role.CURATOR: 200, Role.ADMIN: 200, Role.JOURNALIST: 404}
    for role, status in expected.items():
        user = factories.make_user(role)
        client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert client.get(f"/files/{media.id}/thumb").status_code == status
        client.post("/logout")
    stranger = factories.make_user(Role.CONTRIBUTOR)
    client.post("/login", data={"email": stranger.email, "password": factories.PASSWORD})
    assert client.get(f"/files/{media.id}/original").status_code == 404
    draft.status = ItemStatus.APPROVED
    db.session.commit()
    assert client.get(f"/files/{media.id}/original").status_code == 200
    assert client.get(f"/files/{media.id}/nonsense").status_code == 404
    client.post("/logout")
    assert client.get(f"/files/{media.id}/original").status_code == 302


def test_changes_requested_shows_the_comment_and_resubmits(client: FlaskClient, login_as) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, status=ItemStatus.CHANGES_REQUESTED)
    curator = factories.make_user(Role.CURATOR)
    db.session.add(
        Review(
            item_id=item.id,
            actor_id=curator.id,
            action="request_changes",
            from_status="submitted",
            to_status="changes_requested",
            comment="请补充人物职务",
        )
    )
    db.session.commit()
    page = client.get(f"/submit/{item.id}/edit").get_data(as_text=True)
    assert "请补充人物职务" in page
    assert "请补充人物职务" in client.get("/submit/").get_data(as_text=True)
    response = client.post(f"/submit/{item.id}/edit", data={**STORY, "then": "submit"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.SUBMITTED
