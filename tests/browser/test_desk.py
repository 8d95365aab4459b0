"""A journalist's desk in Chromium: save a search, make a collection, share it by link; a
browser without an account opens the link and downloads a photo."""

from __future__ import annotations

import io
import time

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import DownloadEvent, ItemKind, ItemStatus, Role, SavedSearch, utcnow
from kitchen.services import library, uploads
from tests import factories, samples
from tests.browser.conftest import DESKTOP, BrowserLogin


def test_a_journalist_saves_a_search_collects_and_hands_a_photo_to_a_partner(
    page: Page, browser: Browser, live_server: str, browser_login: BrowserLogin, drain
) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    photo = factories.make_item(
        owner, kind=ItemKind.PHOTO, title="湿地里的候鸟观测", credit_line="某科协 摄影/赵六"
    )
    uploads.add_file(owner, photo, io.BytesIO(samples.photo()), "候鸟观测.jpg")
    photo.status, photo.approved_at = ItemStatus.APPROVED, utcnow()
    db.session.commit()
    journalist = factories.make_user(Role.JOURNALIST)
    # The live worker may hold the index job when drain() looks: wait until the photo is found.
    deadline = time.monotonic() + 15
    while not library.search(journalist, "候鸟").total and time.monotonic() < deadline:
        drain()
        time.sleep(0.1)
    browser_login(journalist.email, factories.PASSWORD)

    # Search from the home page, and save the search.
    page.get_by_test_id("home-search-box").fill("候鸟")
    page.get_by_test_id("home-search-box").press("Enter")
    expect(page.get_by_test_id("result")).to_have_count(1)
    page.get_by_test_id("save-search").locator("summary").click()
    page.get_by_test_id("saved-search-name").fill("候鸟专题")
    page.get_by_test_id("save-search-button").click()
    expect(page.get_by_test_id("saved-search")).to_contain_text("候鸟专题")
    expect(page.get_by_test_id("feed-url")).to_have_value(
        f"{live_server}/library/feeds/{db.session.scalars(select(SavedSearch)).one().feed_token}.atom"
    )
    assert db.session.scalars(select(SavedSearch.name)).all() == ["候鸟专题"]

    # Make a collection and put the photo in it from its page.
    page.goto("/library/collections")
    page.get_by_test_id("collection-name").fill("给合作媒体的候鸟图")
    page.get_by_test_id("create-collection").click()
    expect(page.get_by_test_id("collection-title")).to_contain_text("给合作媒体的候鸟图")
    collection_url = page.url
    page.goto(f"/items/{photo.id}")
    page.get_by_test_id("add-to-collection").get_by_role("button").click()
    expect(page.get_by_role("alert")).to_contain_text("给合作媒体的候鸟图")
    page.goto(collection_url)
    expect(page.get_by_test_id("collection-entry")).to_have_count(1)
    page.get_by_test_id("entry-note-input").fill("封面备选")
    page.get_by_test_id("save-note").click()
    expect(page.get_by_role("alert")).to_contain_text("备注已保存")
    expect(page.get_by_test_id("entry-note-input")).to_have_value("封面备选")

    # Share it by link, with a password.
    page.get_by_test_id("link-days").fill("3")
    page.get_by_test_id("link-password").fill("houniao")
    page.get_by_test_id("make-link").click()
    address = page.get_by_test_id("new-link-address").input_value()
    assert "/s/" in address

    # Someone without an account opens it and downloads the photo.
    stranger = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=live_server)
    tab = stranger.new_page()
    tab.goto(address)
    tab.get_by_test_id("share-password").fill("houniao")
    tab.get_by_test_id("share-unlock").click()
    expect(tab.get_by_test_id("shared-item")).to_contain_text("湿地里的候鸟观测")
    expect(tab.get_by_test_id("shared-credit")).to_have_text("某科协 摄影/赵六")
    expect(tab.get_by_test_id("shared-preview")).to_be_visible()
    with tab.expect_download() as info:
        tab.get_by_test_id("shared-download-web").click()
    download = info.value
    assert download.suggested_filename.endswith(".jpg")
    stranger.close()
    logged = db.session.scalars(select(DownloadEvent.via)).all()
    assert logged == ["link"]
