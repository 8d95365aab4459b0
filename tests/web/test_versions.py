"""Versions of an item in other languages: proposed, reviewed, shown by the interface language,
found by their stemmed English words, in the API and in credits.txt."""

from __future__ import annotations

import io
import zipfile

from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, ItemKind, ItemStatus, ItemVersion, Notification, Role
from kitchen.services import tokens, uploads
from tests import factories, samples

ENGLISH = {
    "language": "en",
    "title": "Quantum computers from Hefei",
    "summary": "How a young team built them",
    "body": "The quantum computers were built by young scientists.",
    "caption": "The team in the laboratory",
    "note": "Translated by our press office",
}


def _login(client: FlaskClient, user) -> None:
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": factories.PASSWORD})


def _search(client: FlaskClient, text: str, **params: str) -> str:
    return client.get("/library/", query_string={"q": text, **params}).get_data(as_text=True)


def test_a_version_is_proposed_reviewed_shown_and_found(client: FlaskClient, drain) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, status=ItemStatus.APPROVED, title="合肥的量子计算机")
    curator = factories.make_user(Role.CURATOR)
    journalist = factories.make_user(Role.JOURNALIST)
    _login(client, contributor)
    form = client.get(f"/items/{item.id}/versions").get_data(as_text=True)
    assert 'data-testid="version-form"' in form and "合肥的量子计算机" in form
    response = client.post(f"/items/{item.id}/versions", data=ENGLISH)
    assert response.status_code == 302
    drain()
    # Waiting: readers see the original only, and its words are not in the index yet.
    _login(client, journalist)
    client.post("/language/en")
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Quantum computers from Hefei" not in page and "合肥的量子计算机" in page
    assert f"/items/{item.id}" not in _search(client, "quantum computer")
    _login(client, curator)
    queue = client.get("/review/").get_data(as_text=True)
    assert 'data-testid="versions-link"' in queue
    waiting = client.get("/review/versions").get_data(as_text=True)
    assert "Quantum computers from Hefei" in waiting and "Translated by our press office" in waiting
    version = db.session.scalars(select(ItemVersion)).one()
    response = client.post(f"/review/versions/{version.id}", data={"decision": "accept"})
    assert response.status_code == 302
    drain()
    note = db.session.scalars(
        select(Notification).where(Notification.user_id == contributor.id)
    ).one()
    assert note.action == "version_approved"
    # The English interface shows the English version, with a switch to the original.
    _login(client, journalist)
    client.post("/language/en")
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'data-testid="item-title" dir="auto">Quantum computers from Hefei<' in page
    assert "The team in the laboratory" in page and 'data-testid="language-zh"' in page
    original = client.get(f"/items/{item.id}?lang=zh").get_data(as_text=True)
    assert 'dir="auto">合肥的量子计算机<' in original
    # Found by its stemmed English words (the English title under the original), and by the
    # language facet.
    results = _search(client, "quantum computer")
    assert f"/items/{item.id}" in results
    assert 'data-testid="result-translated-title">Quantum computers from Hefei<' in results
    assert f"/items/{item.id}" in _search(client, "computing scientist")
    assert f"/items/{item.id}" in _search(client, "量子", lang="en")
    other = factories.make_item(contributor, status=ItemStatus.APPROVED, title="量子通信")
    drain()
    assert f"/items/{other.id}" not in _search(client, "量子", lang="en")
    assert f"/items/{other.id}" in _search(client, "量子")
    # The Chinese interface shows the original, with a link to the English version.
    client.post("/language/zh_CN")
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'dir="auto">合肥的量子计算机<' in page and 'data-testid="language-en"' in page


def test_the_api_and_credits_carry_the_version(client: FlaskClient, drain) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, kind=ItemKind.PHOTO)
    uploads.add_file(contributor, item, io.BytesIO(samples.photo()), "合影.jpg")
    item.status = ItemStatus.APPROVED
    db.session.commit()
    curator = factories.make_user(Role.CURATOR)
    journalist = factories.make_user(Role.JOURNALIST)
    secret = tokens.create_token(curator, "翻译")[1]
    response = client.post(
        f"/api/v1/items/{item.id}/versions",
        json={k: v for k, v in ENGLISH.items() if k != "note"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 201 and response.get_json()["status"] == "approved"
    reader = tokens.create_token(journalist, "读")[1]
    body = client.get(
        f"/api/v1/items/{item.id}", headers={"Authorization": f"Bearer {reader}"}
    ).get_json()
    assert [(v["language"], v["title"]) for v in body["versions"]] == [
        ("en", "Quantum computers from Hefei")
    ]
    _login(client, journalist)
    client.post("/library/selection", data={"action": "add", "item_id": item.id})
    archive = client.get("/library/selection.zip")
    assert archive.status_code == 200, archive.get_data(as_text=True)[:300]
    credits = zipfile.ZipFile(io.BytesIO(archive.data)).read("credits.txt").decode("utf-8")
    assert "en: Quantum computers from Hefei" in credits
    assert "en caption: The team in the laboratory" in credits


def test_bad_versions_are_refused_and_change_nothing(client: FlaskClient, drain) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, status=ItemStatus.APPROVED)
    _login(client, contributor)
    for data, message in [
        ({**ENGLISH, "title": "  "}, "必填"),
        ({**ENGLISH, "language": "zh"}, "请选择"),
        ({**ENGLISH, "language": "xx"}, "请选择"),
        ({**ENGLISH, "title": "x" * 201}, "200"),
    ]:
        response = client.post(f"/items/{item.id}/versions", data=data)
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True), data
    assert db.session.scalar(select(func.count(ItemVersion.id))) == 0
    # Someone else's item, a journalist, a rejected item: refused.
    stranger = factories.make_user(Role.CONTRIBUTOR)
    _login(client, stranger)
    assert client.post(f"/items/{item.id}/versions", data=ENGLISH).status_code == 403
    _login(client, factories.make_user(Role.JOURNALIST))
    assert client.post(f"/items/{item.id}/versions", data=ENGLISH).status_code == 403
    rejected = factories.make_item(contributor, status=ItemStatus.REJECTED)
    _login(client, contributor)
    assert client.post(f"/items/{rejected.id}/versions", data=ENGLISH).status_code == 403
    assert db.session.scalar(select(func.count(ItemVersion.id))) == 0


def test_a_decline_needs_a_reason_and_a_new_proposal_replaces_the_waiting_one(
    client: FlaskClient, drain
) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(contributor)  # a draft may have its version too
    curator = factories.make_user(Role.CURATOR)
    _login(client, contributor)
    client.post(f"/items/{item.id}/versions", data=ENGLISH)
    client.post(f"/items/{item.id}/versions", data={**ENGLISH, "title": "Better title"})
    rows = db.session.scalars(select(ItemVersion).order_by(ItemVersion.id)).all()
    assert [(r.title, r.status) for r in rows] == [
        ("Quantum computers from Hefei", "replaced"),
        ("Better title", "pending"),
    ]
    _login(client, curator)
    client.post(f"/review/versions/{rows[1].id}", data={"decision": "decline"})
    db.session.expire_all()
    assert db.session.get(ItemVersion, rows[1].id).status == "pending"
    client.post(
        f"/review/versions/{rows[1].id}", data={"decision": "decline", "comment": "请核对译名"}
    )
    db.session.expire_all()
    assert db.session.get(ItemVersion, rows[1].id).status == "declined"
    note = db.session.scalars(select(Notification)).one()
    assert (note.action, note.comment) == ("version_declined", "请核对译名")
    again = client.post(f"/review/versions/{rows[1].id}", data={"decision": "accept"})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(ItemVersion, rows[1].id).status == "declined"  # decided once


def test_a_curators_version_is_approved_at_once_and_replaces_the_last(
    client: FlaskClient, drain
) -> None:
    item = factories.make_item(status=ItemStatus.APPROVED)
    curator = factories.make_user(Role.CURATOR)
    _login(client, curator)
    client.post(f"/items/{item.id}/versions", data=ENGLISH)
    client.post(f"/items/{item.id}/versions", data={**ENGLISH, "title": "Second title"})
    response = client.post(f"/items/{item.id}/versions", data={**ENGLISH, "title": "Second title"})
    assert response.status_code == 400  # nothing changed
    rows = db.session.scalars(select(ItemVersion).order_by(ItemVersion.id)).all()
    assert [r.status for r in rows] == ["replaced", "approved"]
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_id == item.id).order_by(AuditEvent.id)
    ).all()
    assert actions.count("item.version_propose") == 2
    drain()
    _login(client, factories.make_user(Role.JOURNALIST))
    assert f"/items/{item.id}" in _search(client, "second")
    assert f"/items/{item.id}" not in _search(client, "Hefei")


def test_an_accepted_proposal_replaces_the_approved_version(client: FlaskClient, drain) -> None:
    contributor = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(contributor, status=ItemStatus.APPROVED)
    curator = factories.make_user(Role.CURATOR)
    _login(client, curator)
    client.post(f"/items/{item.id}/versions", data=ENGLISH)
    _login(client, contributor)
    form = client.get(f"/items/{item.id}/versions?lang=en").get_data(as_text=True)
    assert "Quantum computers from Hefei" in form  # the approved words to start from
    newer = {**ENGLISH, "title": "Hefei's new machines", "summary": "", "body": "Built by a team."}
    client.post(f"/items/{item.id}/versions", data=newer)
    proposal = db.session.scalars(select(ItemVersion).where(ItemVersion.status == "pending")).one()
    _login(client, curator)
    response = client.post(f"/review/versions/{proposal.id}", data={"decision": "accept"})
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(ItemVersion).order_by(ItemVersion.id)).all()
    assert [(r.title, r.status) for r in rows] == [
        ("Quantum computers from Hefei", "replaced"),
        ("Hefei's new machines", "approved"),
    ]
    drain()
    assert f"/items/{item.id}" in _search(client, "machine")
    assert f"/items/{item.id}" not in _search(client, "computers")
