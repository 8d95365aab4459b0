"""The report page in Chromium: every chart drawn by ECharts, in Chinese, phone-sized too."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.conftest import ARTIFACTS, BrowserLogin
from tests.reports.conftest import History, history  # noqa: F401  (the fixture)

CHARTS = ("monthly", "downloads", "regions", "kinds", "answers")


def test_the_report_page_draws_its_charts(
    page: Page,
    live_server: str,
    browser_login: BrowserLogin,
    history: History,  # noqa: F811
) -> None:
    browser_login(history.users["curator"].email, factories.PASSWORD)
    page.goto(f"{live_server}/reports/?period=2026Q4")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026年第4季度")
    for name in CHARTS:
        place = page.locator(f'[data-chart="{name}"]')
        expect(place).to_have_attribute("data-rendered", "1")
        expect(place.locator("canvas").first).to_be_visible()
    titles = page.evaluate(
        """() => [...document.querySelectorAll('[data-chart]')].map(
            (el) => window.echarts.getInstanceByDom(el).getOption().title[0].text)"""
    )
    assert titles == [
        "每月报送与采用",
        "各单位素材被下载次数",
        "各地区平均指数",
        "各类单位平均指数",
        "本期开放征集的响应情况（报送数）",
    ]
    legend = page.evaluate(
        """() => window.echarts.getInstanceByDom(document.querySelector('[data-chart="downloads"]'))
            .getOption().series.map((s) => s.name)"""
    )
    assert legend == ["媒体下载", "会员单位复用", "中心下载"]
    # The ranking's first row and its figures, beside the charts.
    expect(page.get_by_test_id("ranking-row").first).to_contain_text("甲省科学技术协会")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "reports-desktop.png", full_page=True)
    # On a phone the charts shrink to the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    width = page.evaluate(
        "() => document.querySelector('[data-chart=monthly] canvas').getBoundingClientRect().width"
    )
    assert 200 < width <= 390
    page.screenshot(path=ARTIFACTS / "reports-phone.png", full_page=True)


def test_a_contributor_sees_their_own_page(
    page: Page,
    live_server: str,
    browser_login: BrowserLogin,
    history: History,  # noqa: F811
) -> None:
    browser_login(history.users["ca"].email, factories.PASSWORD)
    page.get_by_role("link", name="本单位报告").click()
    page.goto(page.url.split("?")[0] + "?period=2026Q4")
    expect(page.get_by_test_id("headline")).to_contain_text("本季度被下载 6 次，被 2 家单位采用")
    for name in ("parts", "monthly"):
        expect(page.locator(f'[data-chart="{name}"]')).to_have_attribute("data-rendered", "1")
