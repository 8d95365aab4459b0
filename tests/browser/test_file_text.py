"""A journalist finds a poster by the words printed on it, and reads them on the item page."""

from __future__ import annotations

import io

from flask import Flask
from playwright.sync_api import Page, expect

from kitchen.extensions import db
from kitchen.models import ItemKind, ItemStatus, JobKind, Role, utcnow
from kitchen.services import jobs, uploads
from tests import factories, samples
from tests.browser.conftest import ARTIFACTS, BrowserLogin

LINES = ("全国科普日", "科学点亮生活", "创新引领未来")


def test_a_journalist_finds_a_poster_by_its_words(
    app: Flask, page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    app.config["OCR_PICTURES"] = True
    item = factories.make_item(
        kind=ItemKind.PRODUCT, title="全国科普日主题海报", summary="", body=""
    )
    uploads.add_file(item.submitter, item, io.BytesIO(samples.poster(LINES)), "海报.jpg")
    item.status, item.approved_at = ItemStatus.APPROVED, utcnow()
    jobs.enqueue(JobKind.INDEX, item.id)
    db.session.commit()
    journalist = factories.make_user(Role.JOURNALIST)
    browser_login(journalist.email, factories.PASSWORD)

    # The live worker reads the poster, then indexes it: search finds it by a printed line.
    page.goto(f"{live_server}/library/?q=科学点亮生活")
    for _attempt in range(60):
        if page.get_by_test_id("result").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    result = page.get_by_test_id("result").filter(has_text="全国科普日主题海报")
    expect(result.get_by_test_id("snippet-source")).to_have_text("图片中的文字")
    expect(result.get_by_test_id("snippet")).to_contain_text("科学点亮生活")
    expect(result.get_by_test_id("matched-in")).to_contain_text("图片中的文字")
    page.screenshot(path=str(ARTIFACTS / "file-text-search.png"), full_page=True)

    result.get_by_test_id("result-title").click()
    lines = page.get_by_test_id("text-segments")
    expect(lines).to_contain_text("图片中的文字")
    expect(lines).to_contain_text("创新引领未来")
    expect(page.get_by_test_id("text-correct")).to_have_count(0)  # journalists read, not edit
    page.screenshot(path=str(ARTIFACTS / "file-text-item.png"), full_page=True)
