"""科技人物 in Chromium: a contributor picks and proposes people by type-ahead; a journalist goes
from a search to a scientist's page and asks the centre for an introduction."""

from __future__ import annotations

from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import select

from kitchen.extensions import db
from kitchen.models import ExpertRequest, Item, ItemStatus, Person, Role
from kitchen.services import people
from tests import factories
from tests.browser.conftest import BrowserLogin


def test_a_contributor_picks_and_proposes_people(
    page: Page, live_server: str, browser_login: BrowserLogin
) -> None:
    curator = factories.make_user(Role.CURATOR)
    qian = people.save_person(
        curator, people.PersonData("钱学森", affiliation="中国科学院力学研究所")
    )
    user = factories.make_user(Role.CONTRIBUTOR)
    browser_login(user.email, factories.PASSWORD)
    page.goto("/submit/new/story")
    form = page.get_by_test_id("item-form")
    form.locator("input[name=title]").fill("两弹一星元勋的故事")
    form.locator("textarea[name=body]").fill("第一段。")
    search = page.get_by_test_id("person-search")
    search.fill("qxs")
    suggestions = page.get_by_test_id("person-suggestions")
    suggestions.get_by_text("钱学森（中国科学院力学研究所）").click()
    chips = page.get_by_test_id("person-chips")
    expect(chips).to_contain_text("钱学森")

    def answer(dialog: Dialog) -> None:
        dialog.accept("天宫空间站工程师")

    page.once("dialog", answer)
    search.fill("孙工")
    suggestions.get_by_text("孙工", exact=False).last.click()
    expect(chips).to_contain_text("孙工")
    page.get_by_test_id("save-draft").click()
    expect(page.get_by_test_id("dropzone")).to_be_visible()
    item = db.session.scalars(select(Item)).one()
    names = sorted(p.name for p in item.persons)
    assert names == ["孙工", "钱学森"]
    proposed = db.session.scalars(select(Person).where(Person.name == "孙工")).one()
    assert not proposed.confirmed and proposed.title == "天宫空间站工程师"
    assert qian.id in [p.id for p in item.persons]


def test_a_journalist_finds_a_scientist_and_asks_for_an_expert(
    page: Page, live_server: str, browser_login: BrowserLogin, drain
) -> None:
    curator = factories.make_user(Role.CURATOR)
    expert = factories.make_expert(curator)
    item = factories.make_item(status=ItemStatus.APPROVED, title="台风季的气象预报")
    item.persons = [expert]
    db.session.commit()
    drain()
    journalist = factories.make_user(Role.JOURNALIST)
    browser_login(journalist.email, factories.PASSWORD)
    page.goto("/library/?q=王建国")
    page.get_by_test_id("offered-person").click()
    expect(page.get_by_test_id("person-name")).to_contain_text("王建国")
    expect(page.get_by_test_id("person-items")).to_contain_text("台风季的气象预报")
    expect(page.get_by_test_id("contact")).to_have_count(0)
    page.get_by_test_id("ask-expert").click()
    page.locator("textarea[name=topic]").fill("台风季的预报难点")
    page.locator("input[name=outlet]").fill("科技日报")
    page.get_by_test_id("send-request").click()
    expect(page.get_by_test_id("request-status")).to_have_text("等待中心处理")
    request = db.session.scalars(select(ExpertRequest)).one()
    assert request.person_id == expert.id and request.requester_id == journalist.id
