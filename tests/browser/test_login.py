"""Signing in and out through the real forms in Chromium, in Chinese and in English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from kitchen.services import accounts, demo
from tests import factories
from tests.browser.conftest import ARTIFACTS, BrowserLogin

# The home heading each role sees ({org} is the user's organisation).
HEADINGS = {
    "contributor": "{org}的报送",
    "curator": "审核台",
    "journalist": "素材库",
    "admin": "系统管理",
}


def demo_account(role: str) -> tuple[str, str]:
    """Load the demo library and return the first demo sign-in of the role."""
    demo.load_demo(lambda _line: None)
    return next((email, password) for r, email, password in demo.demo_accounts() if r == role)


@pytest.mark.parametrize("role", list(HEADINGS))
def test_each_demo_role_signs_in_and_out(
    page: Page, live_server: str, browser_login: BrowserLogin, role: str
) -> None:
    email, password = demo_account(role)
    user = accounts.find_user(email)
    assert user is not None
    org = user.organization.name if user.organization else ""

    browser_login(email, password)

    expect(page.get_by_test_id("home-heading")).to_have_text(HEADINGS[role].format(org=org))
    expect(page.locator("nav.navbar .navbar-brand")).to_have_text("中央厨房")
    expect(page.get_by_role("alert")).to_contain_text(f"欢迎您，{user.display_name}")
    menu = page.get_by_test_id("user-menu")
    expect(menu).to_contain_text(user.display_name)

    menu.click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{live_server}/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("您已退出登录")
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def test_wrong_password_is_refused_in_chinese(page: Page, live_server: str) -> None:
    user = factories.make_user("contributor")

    page.goto("/login")
    page.locator("input[name=email]").fill(user.email)
    page.locator("input[name=password]").fill("not-the-password")
    page.locator("main form [type=submit]").click()

    expect(page.get_by_test_id("form-errors")).to_contain_text("电子邮箱或密码错误")
    assert page.url == f"{live_server}/login"
    expect(page.get_by_test_id("user-menu")).to_have_count(0)


def test_language_switches_to_english_and_back(page: Page, browser_login: BrowserLogin) -> None:
    user = factories.make_user("curator")
    browser_login(user.email, factories.PASSWORD)
    brand = page.locator("nav.navbar .navbar-brand")
    expect(brand).to_have_text("中央厨房")

    page.get_by_role("button", name="English").click()
    expect(brand).to_have_text("Central Kitchen")
    expect(page.get_by_test_id("home-heading")).to_have_text("Review desk")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="中文").click()
    expect(brand).to_have_text("中央厨房")
    expect(page.get_by_test_id("home-heading")).to_have_text("审核台")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_contributor_home_screenshots(page: Page, browser_login: BrowserLogin) -> None:
    """Desktop and phone screenshots of a contributor's home, kept in test-artifacts/."""
    browser_login(*demo_account("contributor"))
    expect(page.get_by_test_id("home-heading")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "home-contributor.png", full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_be_hidden()
    page.screenshot(path=ARTIFACTS / "home-phone.png", full_page=True)

    toggler.click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_in_viewport()
    page.screenshot(path=ARTIFACTS / "home-phone-menu.png")


def test_served_app_enforces_csrf(page: Page, live_server: str) -> None:
    """The served app checks CSRF tokens, so the passing form tests really sent them."""
    user = factories.make_user("journalist")
    page.goto("/login")
    response = page.request.post(
        f"{live_server}/login", form={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status == 400
    page.reload()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
