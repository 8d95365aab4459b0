"""The bugs a new user hit in the first hour (issue 16), each pinned by a test."""

from __future__ import annotations

import io
import re
from datetime import date
from html import unescape
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, MediaFile, OrgKind, Role, User
from kitchen.services import accounts, demo, submission, uploads, workflow
from tests import factories, samples
from tests.conftest import LoginAs
from tests.support.files import stored_keys

ROOT = Path(__file__).resolve().parents[2]


def test_the_audit_log_reads_in_chinese(client: FlaskClient, login_as: LoginAs) -> None:
    org = factories.make_org(name="广东省科学技术协会")
    author = factories.make_user(Role.CONTRIBUTOR, organization=org)
    curator = factories.make_user(Role.CURATOR, display_name="王审核")
    item = factories.make_item(author, status=ItemStatus.SUBMITTED, title="海上风电")
    workflow.apply(curator, item, workflow.Move.REQUEST_CHANGES, "请补充图片说明")
    admin = login_as(Role.ADMIN)
    accounts.save_org(accounts.OrgData("广东省科协", OrgKind.PROVINCIAL.value, "广东"), admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    rows = "".join(re.findall(r'<tr data-testid="audit-row">(.*?)</tr>', html, re.S))
    text = unescape(re.sub(r"<[^>]+>", " ", rows))
    assert "退回修改" in text and "素材「海上风电」" in text and "王审核" in text
    assert "原状态： 待审核" in text or "原状态：待审核" in text.replace(" ", "")
    assert "请补充图片说明" in text and "新建单位" in text and "广东省科协" in text
    # No codes, no escapes, no English objects in what the page shows.
    assert "item.request_changes" not in text and "\\u" not in text
    assert not re.search(r"\b(user|item|organization) \d+\b", text)
    # The filter names actions in words too, and still filters by the code.
    assert '<option value="item.request_changes"' in html and ">退回修改</option>" in html
    filtered = client.get("/admin/audit?action=item.request_changes").get_data(as_text=True)
    assert filtered.count('data-testid="audit-row"') == 1


def test_submitted_counts_and_dates_are_not_called_pending(
    client: FlaskClient, login_as: LoginAs
) -> None:
    campaign = factories.make_campaign(starts_on=date(2026, 1, 1))
    item = factories.make_item(status=ItemStatus.APPROVED)
    item.campaigns = [campaign]
    db.session.commit()
    login_as(Role.CURATOR)
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    table = page.split('data-testid="answers"')[1].split("</table>")[0]
    assert "报送数" in table and "采用数" in table and "待审核" not in table
    factories.make_item(status=ItemStatus.SUBMITTED)
    queue = client.get("/review/").get_data(as_text=True)
    head = queue.split("<thead>")[1].split("</thead>")[0]
    assert "报送时间" in head and "待审核" not in head


def test_the_search_hint_is_whole(client: FlaskClient, login_as: LoginAs) -> None:
    login_as(Role.JOURNALIST)
    html = client.get("/library/").get_data(as_text=True)
    hint = unescape(re.search(r'placeholder="([^"]*)"', html).group(1))
    assert hint == "检索：科学家精神、脱贫攻坚、“精确短语”、-排除词"
    client.post("/language/en")
    html = client.get("/library/").get_data(as_text=True)
    box = re.search(r'<input[^>]*data-testid="search-box"[^>]*>', html).group(0)
    hint = unescape(re.search(r'placeholder="([^"]*)"', box).group(1))
    assert hint == 'Search: 科学家精神, 脱贫攻坚, "quoted phrase", -exclude'


def test_the_same_file_twice_on_one_item_is_refused(
    app: Flask, client: FlaskClient, login_as: LoginAs
) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    photo = samples.photo(7)
    assert factories.upload(client, item.id, "一.jpg", photo).status_code == 201
    kept = stored_keys(app)
    again = factories.upload(client, item.id, "二.jpg", photo)
    assert again.status_code == 409
    assert "这个文件已经上传到本条素材（一.jpg）" in again.get_json()["error"]["message"]
    assert db.session.scalar(select(func.count(MediaFile.id))) == 1
    assert stored_keys(app) == kept


def test_text_over_the_limit_is_refused_not_cut(client: FlaskClient, login_as: LoginAs) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user)
    page = client.get(f"/submit/{item.id}/edit").get_data(as_text=True)
    body = re.search(r"<textarea[^>]*name=\"body\"[^>]*>", page).group(0)
    # The browser must not cut a paste at the limit: no maxlength, a counter's limit instead.
    assert "maxlength" not in body and 'data-max-length="100000"' in body
    long = "字" * 100_001
    form = {
        "title": item.title,
        "body": long,
        "credit_line": item.credit_line,
        "usage_terms": "with_credit",
        "urgency": "normal",
        "consent_confirmed": "y",
    }
    response = client.post(f"/submit/{item.id}/edit", data=form)
    assert response.status_code == 400 and "修改已保存" not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Item, item.id).body == "他把一生献给了科学事业。"


def test_open_ended_campaigns_the_icon_and_disabled_demo_accounts(
    app: Flask, client: FlaskClient, login_as: LoginAs
) -> None:
    campaign = factories.make_campaign(starts_on=date(2026, 1, 1))
    login_as(Role.JOURNALIST)
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    period = re.search(r'data-testid="campaign-period">(.*?)</p>', page, re.S).group(1)
    assert "2026年1月1日起" in period and "–" not in period
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert 'rel="icon" href="/static/favicon.svg"' in page
    demo.load_demo(lambda _line: None)
    journalist = db.session.scalars(
        select(User).where(User.email == "journalist@kitchen.example.com")
    ).one()
    journalist.active = False
    db.session.commit()
    printed = app.test_cli_runner().invoke(args=["kitchen", "demo", "--if-empty"]).output
    assert "journalist@kitchen.example.com" not in printed
    assert "curator@kitchen.example.com" in printed


def test_make_run_can_listen_on_the_office_network() -> None:
    procfile = (ROOT / "Procfile").read_text(encoding="utf-8")
    assert "--bind ${KITCHEN_HOST:-127.0.0.1}:${KITCHEN_PORT:-5000}" in procfile
    assert "KITCHEN_HOST=$(HOST)" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_caption_and_remove_answer_json_for_the_page(
    client: FlaskClient, login_as: LoginAs
) -> None:
    user = login_as(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO)
    media = uploads.add_file(user, item, io.BytesIO(samples.photo(3)), "三.jpg")
    xhr = {"X-Requested-With": "XMLHttpRequest"}
    saved = client.post(
        f"/submit/{item.id}/files/{media.id}/caption", data={"caption": "说明"}, headers=xhr
    )
    assert saved.get_json() == {"id": media.id, "caption": "说明"}
    gone = client.post(f"/submit/{item.id}/files/{media.id}/delete", headers=xhr).get_json()
    assert (gone["deleted"] == media.id and "图片" in gone["missing"]) or gone["missing"]
    assert submission.missing_for_submission(db.session.get(Item, item.id))
