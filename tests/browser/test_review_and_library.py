"""The loop in a real browser: a curator decides, the contributor is told, a journalist finds
the item in Chinese and downloads a photo under its Chinese name."""

from __future__ import annotations

import re
from urllib.parse import unquote

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import DownloadEvent, Item
from kitchen.services import demo
from kitchen.services.demo_data import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, BrowserLogin, LiveWorker

WAITING = "社区里的“科技志愿者”：退休工程师教老人用智能手机"


def sign_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/login"))


def test_curator_tags_and_approves_and_contributor_sees_it(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    demo.load_demo(lambda _line: None)
    item_id = db.session.scalars(select(Item.id).where(Item.title == WAITING)).one()
    browser_login("curator@kitchen.example.com", DEMO_PASSWORD)
    page.get_by_role("link", name="审核队列").click()
    row = page.locator(f"[data-testid=queue-row][data-item-id='{item_id}']")
    expect(row).to_be_visible()
    row.get_by_role("link").click()
    page.wait_for_url(f"{live_server}/review/{item_id}")
    page.get_by_test_id("claim-button").click()
    expect(page.get_by_text("我正在审核")).to_be_visible()
    form = page.get_by_test_id("review-form")
    form.get_by_label("科技工作者日", exact=True).check()
    form.locator("textarea[name=comment]").fill("故事很感人，已采用。")
    form.get_by_test_id("approve").click()
    page.wait_for_url(f"{live_server}/review/")
    expect(page.get_by_text("审核决定已记录。")).to_be_visible()
    expect(page.locator(f"[data-testid=queue-row][data-item-id='{item_id}']")).to_have_count(0)
    sign_out(page)

    browser_login("contributor@kitchen.example.com", DEMO_PASSWORD)
    expect(page.get_by_test_id("notification-count")).to_be_visible()
    page.get_by_test_id("notifications").click()
    entry = page.get_by_test_id("notification-list").get_by_role(
        "link", name=re.compile("科技志愿者")
    )
    expect(entry).to_contain_text("已采用")
    expect(entry).to_contain_text("故事很感人，已采用。")
    entry.click()
    expect(page.locator("main .badge[data-status=approved]").first).to_have_text("已采用")
    expect(page.get_by_test_id("history-comment").first).to_have_text("故事很感人，已采用。")
    expect(page.get_by_text("科技工作者日").first).to_be_visible()


def test_journalist_finds_narrows_and_downloads_in_chinese(
    page: Page, live_server: str, live_worker: LiveWorker, browser_login: BrowserLogin
) -> None:
    demo.load_demo(lambda _line: None)
    live_worker.settle()  # the worker has indexed the demo
    browser_login("journalist@kitchen.example.com", DEMO_PASSWORD)
    page.get_by_role("link", name="素材检索").click()
    page.get_by_test_id("search-box").fill("科学家")
    page.get_by_test_id("search-box").press("Enter")
    results = page.get_by_test_id("result")
    expect(results.first).to_be_visible()
    expect(
        page.locator("[data-testid=snippet] mark, [data-testid=result-title] mark").first
    ).to_have_text(re.compile("科学家"))
    before = results.count()
    page.locator("[data-facet=campaign]").get_by_role("link", name="科学家精神").click()
    expect(page.get_by_test_id("chip")).to_contain_text("科学家精神")
    expect(results).not_to_have_count(before)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search.png", full_page=True)
    page.get_by_test_id("result-title").filter(has_text="八十岁院士").click()
    expect(page.get_by_test_id("credit-line")).to_contain_text("北京市科协")
    # The demo logs some downloads of its own (the report page has figures): count from here.
    seen = db.session.scalar(select(func.max(DownloadEvent.id))) or 0
    with page.expect_download() as download_info:
        page.get_by_test_id("download-original").first.click()
    download = download_info.value
    assert unquote(download.suggested_filename) == "陈立新院士在实验室.jpg"
    db.session.expire_all()
    logged = db.session.scalars(
        select(DownloadEvent.rendition).where(DownloadEvent.id > seen)
    ).all()
    assert logged == ["original"]
