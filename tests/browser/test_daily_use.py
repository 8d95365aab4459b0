"""Daily use in Chromium (issue 16): errors come into view, edits survive, nothing is cut."""

from __future__ import annotations

import io

from playwright.sync_api import Page, expect

from kitchen.extensions import db
from kitchen.models import Item, ItemKind, ItemStatus, MediaFile, Role
from kitchen.services import uploads
from tests import factories, samples
from tests.browser.conftest import BrowserLogin


def _in_view(page: Page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        selector,
    )


def test_a_decision_without_a_comment_shows_its_error(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    item = factories.make_item(status=ItemStatus.SUBMITTED, body="第一段。\n" * 80)
    curator = factories.make_user(Role.CURATOR)
    browser_login(curator.email, factories.PASSWORD)
    page.goto(f"/review/{item.id}")
    page.get_by_test_id("reject").click()
    comment = page.locator("textarea[name=comment]")
    expect(comment).to_be_focused()
    expect(comment).to_have_class("form-control form-control-sm is-invalid")

    assert _in_view(page, "textarea[name=comment]")
    expect(page.get_by_text("请在意见中说明理由。")).to_be_visible()


def test_caption_and_remove_keep_unsaved_edits_and_leaving_asks(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(user, kind=ItemKind.PHOTO, title="原来的标题")
    first = uploads.add_file(user, item, io.BytesIO(samples.photo(11)), "一.jpg")
    uploads.add_file(user, item, io.BytesIO(samples.photo(12)), "二.jpg")
    browser_login(user.email, factories.PASSWORD)
    page.goto(f"/submit/{item.id}/edit")
    title = page.get_by_test_id("item-form").locator("input[name=title]")
    title.fill("改过但还没保存的标题")
    card = page.locator(f'[data-file-id="{first.id}"]')
    card.locator("textarea[name=caption]").fill("实验室里的学生")
    card.get_by_role("button", name="保存说明").click()
    expect(card.get_by_text("已保存")).to_be_visible()
    expect(title).to_have_value("改过但还没保存的标题")
    assert page.url.endswith(f"/submit/{item.id}/edit")
    page.locator("[data-file-id]").nth(1).get_by_role("button", name="删除").click()
    expect(page.locator("[data-file-id]")).to_have_count(1)
    expect(title).to_have_value("改过但还没保存的标题")
    db.session.expire_all()
    assert db.session.get(MediaFile, first.id).caption == "实验室里的学生"
    assert len(db.session.get(Item, item.id).files) == 1
    # Leaving with the title still unsaved asks first.
    asked: list[str] = []

    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="首页").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(title).to_have_value("改过但还没保存的标题")


def test_a_paste_over_the_limit_is_kept_and_refused(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    user = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(user)
    browser_login(user.email, factories.PASSWORD)
    page.goto(f"/submit/{item.id}/edit")
    body = page.get_by_test_id("item-form").locator("textarea[name=body]")
    body.fill("")
    body.focus()
    page.keyboard.insert_text("字" * 100_005)
    counter = page.get_by_test_id("counter-body")
    expect(counter).to_contain_text("超出 5 字")
    page.get_by_test_id("save-draft").click()
    expect(body).to_be_focused()
    assert page.evaluate("() => document.querySelector('textarea[name=body]').value.length") == (
        100_005
    )
    db.session.expire_all()
    assert db.session.get(Item, item.id).body == "他把一生献给了科学事业。"


def test_photos_whole_in_a_viewer_and_the_selection_toggles(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    owner = factories.make_user(Role.CONTRIBUTOR)
    item = factories.make_item(owner, kind=ItemKind.PHOTO, title="极光下的科考站")
    for seed, name in ((31, "一.jpg"), (32, "二.jpg"), (33, "三.jpg")):
        uploads.add_file(owner, item, io.BytesIO(samples.photo(seed)), name, f"照片{name[0]}")
    item.status = ItemStatus.APPROVED
    db.session.commit()
    journalist = factories.make_user(Role.JOURNALIST)
    browser_login(journalist.email, factories.PASSWORD)
    page.goto(f"/items/{item.id}")
    photo = page.get_by_test_id("photo-image").first
    expect(photo).to_have_css("object-fit", "contain")
    photo.click()
    viewer = page.get_by_test_id("viewer")
    expect(viewer).to_be_visible()
    expect(page.get_by_test_id("viewer-position")).to_have_text("1 / 3")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("viewer-position")).to_have_text("2 / 3")
    page.get_by_test_id("viewer-previous").click()
    page.get_by_test_id("viewer-previous").click()
    expect(page.get_by_test_id("viewer-position")).to_have_text("3 / 3")
    assert "/web" in (viewer.locator("img").get_attribute("src") or "")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    # The selection button toggles, and the navigation counts what was collected.
    page.get_by_test_id("add-to-selection").click()
    expect(page.get_by_test_id("selection-count")).to_have_text("1")
    page.get_by_test_id("remove-from-selection").click()
    expect(page.get_by_test_id("add-to-selection")).to_be_visible()
    expect(page.get_by_test_id("selection-count")).to_have_count(0)


def test_on_a_phone_facets_fold_the_queue_is_cards_and_uploads_come_first(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    factories.make_item(status=ItemStatus.SUBMITTED, title="等待审核的稿件")
    curator = factories.make_user(Role.CURATOR)
    browser_login(curator.email, factories.PASSWORD)
    page.goto("/review/")
    row = page.get_by_test_id("queue-row").first
    expect(row).to_have_css("display", "block")
    expect(page.locator(".queue-table thead")).to_be_hidden()
    page.goto("/library/?q=稿件")
    panel = page.locator("#facet-panel")
    expect(panel).to_be_hidden()
    page.get_by_test_id("facet-toggle").click()
    expect(panel).to_be_visible()
    contributor = factories.make_user(Role.CONTRIBUTOR)
    draft = factories.make_item(contributor, kind=ItemKind.PHOTO)
    page.context.clear_cookies()
    browser_login(contributor.email, factories.PASSWORD)
    page.goto(f"/submit/{draft.id}/edit")
    zone = page.get_by_test_id("dropzone").bounding_box()
    buttons = page.get_by_test_id("phone-buttons").bounding_box()
    assert zone and buttons and zone["y"] < buttons["y"]
    expect(page.get_by_test_id("save-draft")).to_be_hidden()


def test_an_officer_drops_thirty_photos_and_gets_thirty_items(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    import base64

    from sqlalchemy import select

    from kitchen.services.media_samples import generate_demo_photo
    from tests.browser.test_upload import DATA_TRANSFER_JS

    campaign = factories.make_campaign(name="全国科普日")
    officer = factories.make_user(Role.CONTRIBUTOR)
    browser_login(officer.email, factories.PASSWORD)
    page.goto("/submit/")
    page.get_by_test_id("batch-link").click()
    form = page.get_by_test_id("batch-form")
    form.locator("input[name=title]").fill("全国科普日北京主场")
    form.locator("input[name=place]").fill("中国科技馆")
    form.locator("input[name=credit_line]").fill("北京市科协 摄/孙磊")
    form.get_by_label("全国科普日", exact=True).check()
    form.locator("input[name=consent_confirmed]").check()
    page.get_by_test_id("batch-start").click()
    photos = [
        {
            "name": f"现场-{n:02d}.jpg",
            "type": "image/jpeg",
            "data": base64.b64encode(generate_demo_photo(400 + n, 640, 427)).decode(),
        }
        for n in range(1, 31)
    ]
    transfer = page.evaluate_handle(DATA_TRANSFER_JS, photos)
    page.get_by_test_id("dropzone").dispatch_event("drop", {"dataTransfer": transfer})
    expect(page.get_by_test_id("batch-item")).to_have_count(30, timeout=60_000)
    page.get_by_test_id("batch-submit").click()
    page.wait_for_url("**/submit/")
    db.session.expire_all()
    made = db.session.scalars(select(Item).where(Item.organization_id == officer.organization_id))
    made = list(made)
    assert len(made) == 30
    assert {i.title for i in made} == {f"全国科普日北京主场（{n}）" for n in range(1, 31)}
    assert {(i.place, i.credit_line, i.status) for i in made} == {
        ("中国科技馆", "北京市科协 摄/孙磊", ItemStatus.SUBMITTED)
    }
    assert all([c.slug for c in i.campaigns] == [campaign.slug] and len(i.files) == 1 for i in made)
