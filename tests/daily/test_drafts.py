"""A draft can be deleted by its organisation, files and all; nothing else can."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import AuditEvent, Item, ItemKind, ItemStatus, MediaFile, Review, Role
from kitchen.services import library, submission, uploads
from tests import factories, samples
from tests.conftest import LoginAs
from tests.support.files import stored_keys


def _files(app: Flask) -> set[str]:
    return stored_keys(app)


def test_a_contributor_deletes_a_draft_with_its_files(
    app: Flask, client: FlaskClient, login_as: LoginAs, drain
) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO, title="拍错了的一组照片")
    uploads.add_file(user, item, io.BytesIO(samples.photo(21)), "错.jpg")
    item.credit_line = "测试"
    db.session.commit()
    submission.submit_item(user, item)
    submission.retract_item(user, item)  # a draft again, with a review history
    drain()
    assert _files(app) and len(library.search(user, "拍错").hits) == 1
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert 'data-testid="delete-draft"' in page and "data-confirm=" in page
    item_id = item.id
    response = client.post(f"/submit/{item_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith("/submit/")
    db.session.expire_all()
    assert db.session.get(Item, item_id) is None
    assert db.session.scalar(select(func.count(MediaFile.id))) == 0
    assert db.session.scalar(select(func.count(Review.id))) == 0
    assert _files(app) == set()
    deleted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "item.delete")).one()
    assert deleted.details["title"] == "拍错了的一组照片"
    drain()
    assert len(library.search(user, "拍错").hits) == 0


def test_only_drafts_of_ones_own_organisation(client: FlaskClient, login_as: LoginAs) -> None:
    user = login_as(Role.CONTRIBUTOR)
    sent = factories.make_item(user, status=ItemStatus.SUBMITTED)
    others = factories.make_item()
    page = client.get(f"/items/{sent.id}").get_data(as_text=True)
    assert 'data-testid="delete-draft"' not in page
    refused = client.post(f"/submit/{sent.id}/delete", follow_redirects=True)
    assert "只有草稿可以删除" in refused.get_data(as_text=True)
    assert client.post(f"/submit/{others.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Item, sent.id) is not None and db.session.get(Item, others.id)
