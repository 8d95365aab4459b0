"""A journalist's desk: saved searches with alerts and feeds, named collections, share links."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import (
    Collection,
    CollectionEntry,
    DownloadEvent,
    Item,
    ItemKind,
    ItemStatus,
    Notification,
    Role,
    SavedSearch,
    ShareLink,
    ShareVisit,
    UsageTerms,
    User,
    utcnow,
)
from kitchen.services import alerts, selections, shares, uploads
from tests import factories, samples
from tests.conftest import drain_queue


def _photo(title: str, **overrides: object) -> Item:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, kind=ItemKind.PHOTO, title=title, **overrides)
    uploads.add_file(owner, item, io.BytesIO(samples.photo()), f"{title}.jpg")
    item.status = ItemStatus.APPROVED
    item.approved_at = utcnow()
    db.session.commit()
    return item


def _approved(title: str, **overrides: object) -> Item:
    return factories.make_item(status=ItemStatus.APPROVED, title=title, **overrides)


# Saved searches ---------------------------------------------------------------------------


def test_a_saved_search_announces_a_new_match_once_and_not_an_old_one(
    app: Flask, client: FlaskClient, login_as
) -> None:
    old = _approved("量子通信的老故事", approved_at=utcnow() - timedelta(days=3))
    journalist = login_as(Role.JOURNALIST)
    drain_queue(app)
    response = client.post(
        "/library/saved", data={"name": "量子", "query": "q=%E9%87%8F%E5%AD%90&kind=story"}
    )
    assert response.status_code == 302
    saved = db.session.scalars(select(SavedSearch)).one()
    assert alerts.params_of(saved) == {"q": "量子", "kind": "story"}
    assert alerts.sweep() == 0  # only the old match: nothing new
    new = _approved("量子计算机的新突破")
    _approved("量子照片不是故事", kind=ItemKind.PHOTO)  # outside the saved filter
    drain_queue(app)
    assert alerts.sweep() == 1
    notes = db.session.scalars(select(Notification).where(Notification.user_id == journalist.id))
    (note,) = list(notes)
    assert note.saved_search_id == saved.id and "量子计算机的新突破" in note.comment
    assert old.title not in note.comment and "量子照片" not in note.comment
    assert alerts.sweep() == 0  # announced once
    later = _approved("量子纠缠实验")
    drain_queue(app)
    assert alerts.sweep() == 0  # one announcement a day at most
    assert alerts.sweep(utcnow() + timedelta(hours=25)) == 1
    comments = [
        n.comment for n in db.session.scalars(select(Notification).order_by(Notification.id))
    ]
    assert len(comments) == 2 and later.title in comments[1] and new.title not in comments[1]
    # The notification leads to the search.
    listed = client.get("/notifications").get_data(as_text=True)
    assert "/library/?" in listed and f"q={quote('量子')}" in listed
    del journalist


def test_the_feed_needs_its_token_and_shows_what_the_owner_may_see(
    app: Flask, client: FlaskClient
) -> None:
    journalist = factories.make_user(Role.JOURNALIST)
    _approved("科普日的现场报道")
    _approved("科普日的内部材料", usage_terms=UsageTerms.INTERNAL_ONLY)
    drain_queue(app)
    saved = alerts.save(journalist, "科普日", {"q": "科普日"})
    feed = client.get(f"/library/feeds/{saved.feed_token}.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    body = feed.get_data(as_text=True)
    assert "科普日的现场报道" in body and "内部材料" not in body
    assert client.get("/library/feeds/not-the-token.atom").status_code == 404
    old_token = saved.feed_token
    alerts.renew_token(journalist, saved)
    assert client.get(f"/library/feeds/{old_token}.atom").status_code == 404
    assert client.get(f"/library/feeds/{saved.feed_token}.atom").status_code == 200


def test_guessing_feed_tokens_is_slowed_down(app: Flask, client: FlaskClient) -> None:
    budget = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    codes = [client.get(f"/library/feeds/guess{n}.atom").status_code for n in range(budget + 2)]
    assert codes[:budget] == [404] * budget and codes[-1] == 429


def test_a_bad_saved_search_changes_nothing(client: FlaskClient, login_as) -> None:
    login_as(Role.JOURNALIST)
    assert client.post("/library/saved", data={"name": "", "query": "q=a"}).status_code == 422
    bad_date = client.post("/library/saved", data={"name": "x", "query": "from=2026-13-40"})
    assert bad_date.status_code == 422
    assert client.post("/library/saved", data={"name": "x", "query": ""}).status_code == 422
    assert db.session.scalar(select(func.count(SavedSearch.id))) == 0


# Collections ------------------------------------------------------------------------------


def test_collections_are_named_ordered_noted_and_zipped(client: FlaskClient, login_as) -> None:
    first, second = _photo("科普日合影"), _photo("院士进校园")
    journalist = login_as(Role.JOURNALIST)
    assert client.post("/library/collections", data={"name": "科普日专题"}).status_code == 302
    mine = db.session.scalars(select(Collection).where(Collection.name == "科普日专题")).one()
    for item in (first, second):
        client.post(
            "/library/selection",
            data={"action": "add", "item_id": item.id, "collection_id": mine.id},
        )
    url = f"/library/collections/{mine.id}"
    client.post(url, data={"action": "up", "item_id": second.id})
    client.post(url, data={"action": "note", "item_id": first.id, "note": "用作头图"})
    client.post(url, data={"action": "rename", "name": "全国科普日专题"})
    db.session.expire_all()
    assert [e.item_id for e in selections.entries(journalist, mine)] == [second.id, first.id]
    assert mine.name == "全国科普日专题"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{url}.zip?size=web").data))
    assert "备注 Note: 用作头图" in archive.read("credits.txt").decode()
    # The basket is another collection; two collections of one name are refused.
    assert client.post("/library/collections", data={"name": "全国科普日专题"}).status_code == 409
    assert client.get("/library/selection").status_code == 200
    assert (
        client.post(
            url, data={"action": "note", "item_id": first.id, "note": "长" * 501}
        ).status_code
        == 422
    )


def test_a_shared_collection_is_read_by_its_grantee_and_nobody_else(
    client: FlaskClient, login_as
) -> None:
    item, other = _photo("青少年科技创新大赛"), _photo("科技馆之夜")
    owner = factories.make_user(Role.JOURNALIST)
    collection = selections.create(owner, "大赛素材")
    selections.add(owner, item, collection, note="决赛现场")
    reader = factories.make_user(Role.JOURNALIST)
    editor = factories.make_user(Role.CONTRIBUTOR)
    stranger = factories.make_user(Role.JOURNALIST)
    selections.share(owner, collection, reader.email, can_edit=False)
    selections.share(owner, collection, editor.email.upper(), can_edit=True)
    url = f"/library/collections/{collection.id}"
    login_as(user=reader)
    page = client.get(url).get_data(as_text=True)
    assert "青少年科技创新大赛" in page and "决赛现场" in page
    assert client.post(url, data={"action": "clear"}).status_code == 403
    add = {"action": "add", "item_id": other.id, "collection_id": collection.id}
    assert client.post("/library/selection", data=add).status_code == 403
    assert "大赛素材" in client.get("/library/collections").get_data(as_text=True)
    client.post("/logout")
    login_as(user=editor)
    assert client.post("/library/selection", data=add).status_code == 302
    assert client.post(url, data={"action": "rename", "name": "改名"}).status_code == 403
    client.post("/logout")
    login_as(user=stranger)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}.zip").status_code == 404
    db.session.expire_all()
    assert [e.item_id for e in selections.entries(owner, collection)] == [item.id, other.id]
    selections.unshare(owner, collection, reader.id)
    client.post("/logout")
    login_as(user=reader)
    assert client.get(url).status_code == 404


def test_the_basket_from_the_old_selection_keeps_working(client: FlaskClient, login_as) -> None:
    item = _photo("航天科普展")
    journalist = login_as(Role.JOURNALIST)
    client.post("/library/selection", data={"action": "add", "item_id": item.id})
    client.post("/library/selection", data={"action": "add", "item_id": item.id})  # once
    basket = selections.default_collection(journalist, create=False)
    assert basket is not None and basket.is_default
    assert db.session.scalar(select(func.count(CollectionEntry.id))) == 1
    assert selections.count(journalist) == 1
    assert (
        client.post(f"/library/collections/{basket.id}", data={"action": "delete"}).status_code
        == 422
    )


# Share links ------------------------------------------------------------------------------


def _link_token(client: FlaskClient, **form: object) -> str:
    response = client.post("/library/links", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found = re.search(r'value="(http[^"]*/s/([^"]+))"', response.get_data(as_text=True))
    assert found is not None
    return found.group(2)


def test_a_share_link_shows_and_downloads_until_it_expires_or_is_revoked(
    app: Flask, client: FlaskClient, login_as
) -> None:
    shown = _photo("脱贫攻坚中的科技特派员", credit_line="某科协 摄影/李四")
    hidden = _photo("内部通报用图", usage_terms=UsageTerms.INTERNAL_ONLY)
    owner = login_as(Role.CONTRIBUTOR)
    collection = selections.create(owner, "给合作媒体")
    selections.add(owner, shown, collection)
    selections.add(owner, hidden, collection)
    token = _link_token(client, collection_id=collection.id, days="7")
    assert len(token) >= 32  # 192 random bits
    client.post("/logout")
    anonymous = app.test_client()
    page = anonymous.get(f"/s/{token}")
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    text = page.get_data(as_text=True)
    assert "脱贫攻坚中的科技特派员" in text and "某科协 摄影/李四" in text
    assert "内部通报用图" not in text
    media, secret = shown.files[0], hidden.files[0]
    web = anonymous.get(f"/s/{token}/files/{media.id}/web")
    assert web.status_code == 200 and web.mimetype == "image/jpeg"
    assert anonymous.get(f"/s/{token}/files/{media.id}/original").status_code == 404  # web only
    assert anonymous.get(f"/s/{token}/files/{secret.id}/web").status_code == 404
    assert anonymous.get(f"/s/{token}/files/{secret.id}/thumb").status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(anonymous.get(f"/s/{token}.zip").data))
    assert not [n for n in archive.namelist() if "内部" in n]
    link = db.session.scalars(select(ShareLink)).one()
    downloads = db.session.scalars(select(DownloadEvent).where(DownloadEvent.via == "link")).all()
    assert {(d.user_id, d.item_id, d.share_link_id) for d in downloads} == {
        (owner.id, shown.id, link.id)
    }
    visits = db.session.scalars(select(ShareVisit.what).order_by(ShareVisit.id)).all()
    assert visits == ["view", "download", "download"]
    # Expired: 410; revoked: 410.
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert anonymous.get(f"/s/{token}").status_code == 410
    assert anonymous.get(f"/s/{token}/files/{media.id}/web").status_code == 410
    link.expires_at = utcnow() + timedelta(days=1)
    db.session.commit()
    assert anonymous.get(f"/s/{token}").status_code == 200
    login_as(user=owner)
    listing = client.get("/library/links").get_data(as_text=True)
    assert 'data-testid="link-row"' in listing
    assert client.post(f"/library/links/{link.id}/revoke").status_code == 302
    assert anonymous.get(f"/s/{token}").status_code == 410
    assert anonymous.get(f"/s/{token}.zip").status_code == 410


def test_internal_only_items_are_never_shared_by_link(client: FlaskClient, login_as) -> None:
    hidden = _photo("内部培训照片", usage_terms=UsageTerms.INTERNAL_ONLY)
    owner = login_as(Role.CONTRIBUTOR)
    refused = client.post("/library/links", data={"item_id": hidden.id, "days": "3"})
    assert refused.status_code == 422
    only_hidden = selections.create(owner, "只有内部材料")
    selections.add(owner, hidden, only_hidden)
    assert (
        client.post(
            "/library/links", data={"collection_id": only_hidden.id, "days": "3"}
        ).status_code
        == 422
    )
    for days in ("0", "31", "abc"):
        item = _photo(f"可分享的照片{days}")
        assert (
            client.post("/library/links", data={"item_id": item.id, "days": days}).status_code
            == 422
        )
    assert db.session.scalar(select(func.count(ShareLink.id))) == 0
    # An item shared alone that becomes internal-only stops showing.
    item = _photo("后来改为内部的照片")
    token = _link_token(client, item_id=item.id, days="2")
    item.usage_terms = UsageTerms.INTERNAL_ONLY
    db.session.commit()
    assert "后来改为内部的照片" not in client.get(f"/s/{token}").get_data(as_text=True)


def test_a_password_link_asks_first_and_wrong_guesses_are_slowed(
    app: Flask, client: FlaskClient, login_as
) -> None:
    item = _photo("带密码的照片", usage_terms=UsageTerms.EDITORIAL_ONLY)
    login_as(Role.JOURNALIST)
    token = _link_token(client, item_id=item.id, days="1", password="kexue2026", originals="1")
    visitor = app.test_client()
    locked = visitor.get(f"/s/{token}").get_data(as_text=True)
    assert 'data-testid="share-password"' in locked and "带密码的照片" not in locked
    media = item.files[0]
    assert "share-password" in visitor.get(f"/s/{token}/files/{media.id}/web").get_data(
        as_text=True
    )
    assert visitor.post(f"/s/{token}", data={"password": "wrong"}).status_code == 401
    opened = visitor.post(f"/s/{token}", data={"password": "kexue2026"})
    assert opened.status_code == 200 and "带密码的照片" in opened.get_data(as_text=True)
    # Editorial-only originals ask the visitor to confirm the terms.
    assert visitor.get(f"/s/{token}/files/{media.id}/original").status_code == 409
    confirmed = visitor.get(f"/s/{token}/files/{media.id}/original?accept=editorial")
    assert confirmed.status_code == 200
    assert "attachment" in confirmed.headers["Content-Disposition"]
    assert quote("带密码的照片") in confirmed.headers["Content-Disposition"]
    budget = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    guesser = app.test_client()
    codes = [
        guesser.post(f"/s/{token}", data={"password": f"g{n}"}).status_code
        for n in range(budget + 2)
    ]
    assert codes[:budget] == [401] * budget and codes[-1] == 429


def test_guessing_links_is_slowed_down(app: Flask, client: FlaskClient) -> None:
    budget = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    codes = [client.get(f"/s/guess-{n}").status_code for n in range(budget + 2)]
    assert codes[:budget] == [404] * budget and codes[-1] == 429


def test_link_downloads_count_as_the_owners_in_the_report(client: FlaskClient, login_as) -> None:
    item = _photo("被合作媒体下载的照片")
    owner: User = login_as(Role.JOURNALIST)
    token = _link_token(client, item_id=item.id, days="5")
    client.post("/logout")
    client.get(f"/s/{token}/files/{item.files[0].id}/web")
    counted = db.session.scalars(
        select(DownloadEvent).where(DownloadEvent.item_id == item.id)
    ).all()
    assert [(d.user_id, d.via) for d in counted] == [(owner.id, "link")]
    made = shares.links_of(owner)
    assert [(row.visits, row.downloads) for row in made] == [(0, 1)]


def test_deleting_a_collection_ends_its_links_and_keeps_the_counted_downloads(
    app: Flask, client: FlaskClient, login_as
) -> None:
    item = _photo("专题删除前下载的照片")
    owner = login_as(Role.JOURNALIST)
    collection = selections.create(owner, "临时专题")
    selections.add(owner, item, collection)
    token = _link_token(client, collection_id=collection.id, days="2")
    app.test_client().get(f"/s/{token}/files/{item.files[0].id}/web")
    page = f"/library/collections/{collection.id}"
    assert client.post(page, data={"action": "delete"}).status_code == 302
    assert client.get(page).status_code == 404
    assert app.test_client().get(f"/s/{token}").status_code == 404
    assert db.session.scalar(select(func.count(ShareLink.id))) == 0
    assert db.session.scalars(select(DownloadEvent.via)).all() == ["link"]


def test_what_a_member_hands_on_by_link_counts_in_its_report(
    app: Flask, client: FlaskClient, login_as
) -> None:
    from kitchen.services import reports

    item = _photo("省科协转给合作媒体的照片")
    owner = login_as(Role.CONTRIBUTOR)
    token = _link_token(client, item_id=item.id, days="5")
    visitor = app.test_client()
    visitor.get(f"/s/{token}")
    visitor.get(f"/s/{token}/files/{item.files[0].id}/web")
    report = reports.build(reports.current_period())
    mine = next(r for r in report.rows if r.organization_id == owner.organization_id)
    assert (mine.link_visits, mine.link_downloads) == (1, 1)
    theirs = next(r for r in report.rows if r.organization_id == item.organization_id)
    assert (theirs.downloads, theirs.reuse_downloads) == (1, 1)  # as the owner's download
    assert reports.as_dict(mine)["link_downloads"] == 1
