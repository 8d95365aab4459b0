"""A contributor uploads photos with Chinese names, by file chooser and by drag and drop."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import Item, ItemStatus, MediaFile
from kitchen.services import demo
from kitchen.services.media_samples import generate_demo_photo
from tests.browser.conftest import ARTIFACTS, BrowserLogin

CHOSEN = ["科普日现场-一.jpg", "科普日现场-二.jpg"]
DROPPED = "科普日现场-三.jpg"
REFUSED = "不是照片.jpg"
TITLE = "全国科普日北京主场：市民走进量子计算实验室"

# Builds a DataTransfer in the page from base64 bytes, as a real drag from the desktop carries.
DATA_TRANSFER_JS = """(files) => {
  const transfer = new DataTransfer();
  for (const file of files) {
    const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], file.name, { type: file.type }));
  }
  return transfer;
}"""


def contributor() -> tuple[str, str]:
    demo.load_demo(lambda _line: None)
    return next((e, p) for r, e, p in demo.demo_accounts() if r == "contributor")


def test_contributor_uploads_photos_and_submits(
    page: Page, live_server: str, browser_login: BrowserLogin, tmp_path: Path
) -> None:
    browser_login(*contributor())
    photos = {}
    for seed, name in enumerate([*CHOSEN, DROPPED], start=301):
        path = tmp_path / name
        path.write_bytes(generate_demo_photo(seed, 1200, 800))
        photos[name] = path
    refused = tmp_path / REFUSED
    refused.write_text("这是一段文字，不是图片。\n" * 20, encoding="utf-8")

    # A new photo item: title, credit line, consent, one campaign; saved as a draft.
    page.goto("/submit/new/photo")
    expect(page.get_by_role("heading", level=1)).to_have_text("新建图片")
    form = page.get_by_test_id("item-form")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("input[name=credit_line]").fill("北京市科协 摄影/孙磊")
    form.locator("input[name=consent_confirmed]").check()
    form.get_by_label("全国科普日", exact=True).check()
    form.get_by_test_id("save-draft").click()
    page.wait_for_url(re.compile(r"/submit/(\d+)/edit$"))
    item_id = int(re.search(r"/submit/(\d+)/edit$", page.url).group(1))  # type: ignore[union-attr]
    expect(page.get_by_test_id("item-form").locator("input[name=title]")).to_have_value(TITLE)
    expect(page.get_by_test_id("dropzone")).to_be_visible()

    # Two photos through the file chooser, one dropped on the drop zone.
    page.get_by_test_id("file-input").set_input_files([photos[n] for n in CHOSEN])
    transfer = page.evaluate_handle(
        DATA_TRANSFER_JS,
        [
            {
                "name": DROPPED,
                "type": "image/jpeg",
                "data": base64.b64encode(photos[DROPPED].read_bytes()).decode(),
            }
        ],
    )
    page.get_by_test_id("dropzone").dispatch_event("drop", {"dataTransfer": transfer})

    rows = page.locator("#upload-list [data-testid=upload-row]")
    expect(rows).to_have_count(3)
    for index in range(3):
        row = rows.nth(index)
        expect(row).to_have_attribute("data-state", "done")
        expect(row.locator(".progress-bar")).to_have_class(re.compile(r"\bbg-success\b"))
        expect(row).to_contain_text("已上传")
        assert row.locator(".progress-bar").evaluate("el => el.style.width") == "100%"
    # The three uploads run side by side, so their rows may finish in any order.
    assert sorted(rows.locator(":scope > .text-truncate").all_inner_texts()) == sorted(
        [*CHOSEN, DROPPED]
    )

    cards = page.locator("#file-list [data-testid=file-card]")
    expect(cards).to_have_count(3)
    assert sorted(cards.get_by_test_id("file-name").all_inner_texts()) == sorted([*CHOSEN, DROPPED])
    page.wait_for_function(
        """() => {
          const images = [...document.querySelectorAll('#file-list img.thumb')];
          return images.length === 3 && images.every((img) => img.complete && img.naturalWidth > 0);
        }"""
    )

    # A text file named .jpg is refused, in Chinese, and adds no card.
    page.get_by_test_id("file-input").set_input_files(refused)
    expect(rows).to_have_count(4)
    failed = page.locator("#upload-list [data-testid=upload-row][data-state=failed]")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text(REFUSED)
    expect(failed).to_contain_text("上传失败")
    expect(failed).to_contain_text("不接受此文件类型")
    expect(failed.locator(".progress-bar")).to_have_class(re.compile(r"\bbg-danger\b"))
    expect(cards).to_have_count(3)

    # Bootstrap animates the bars' width: wait until every bar has stopped, then the done ones
    # must be full, and the page (thumbnails, three done rows, one failed) goes to test-artifacts.
    page.wait_for_function(
        "() => [...document.querySelectorAll('#upload-list .progress-bar')]"
        ".every((bar) => bar.getAnimations().length === 0)"
    )
    widths = page.locator("#upload-list [data-testid=upload-row][data-state=done]").evaluate_all(
        """rows => rows.map((row) => [
          row.querySelector('.progress-bar').getBoundingClientRect().width,
          row.querySelector('.progress').getBoundingClientRect().width,
        ])"""
    )
    assert len(widths) == 3 and all(abs(fill - track) < 1 for fill, track in widths), widths
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "upload.png", full_page=True)

    # The server kept the Chinese names (the uploads ran in the server's threads and sessions).
    db.session.expire_all()
    names = db.session.scalars(
        select(MediaFile.original_name).where(MediaFile.item_id == item_id)
    ).all()
    assert sorted(names) == sorted([*CHOSEN, DROPPED])

    # Save and submit: the item page shows 待审核.
    page.get_by_test_id("submit-for-review").click()
    page.wait_for_url(f"{live_server}/items/{item_id}")
    badge = page.locator("main .badge[data-status=submitted]").first
    expect(badge).to_have_text("待审核")
    expect(page.get_by_role("alert")).to_contain_text("已提交审核")

    db.session.expire_all()
    item = db.session.get(Item, item_id)
    assert item is not None and item.status == ItemStatus.SUBMITTED
    assert item.title == TITLE and item.consent_confirmed
    assert [c.slug for c in item.campaigns] == ["kepu-day"]
    assert all(f.thumb_key and f.web_key for f in item.files)
