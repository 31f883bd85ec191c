"""The page header on a phone: one row (the name, the other language, a menu button); the menu
folds out the sections and the account corner, every link a 44 px touch target."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import EDITOR, PASSWORD

WIDTHS = (360, 390, 414)
SHOWN_TARGETS = """() => [...document.querySelectorAll("header a, header button")]
  .filter((e) => e.offsetParent !== null)
  .map((e) => [e.textContent.trim(), e.getBoundingClientRect().height])"""


def _sign_in(page: Any, server: str) -> None:
    page.goto(f"{server}/login?next=/routes")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/routes")


@pytest.mark.parametrize("signed_in", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_header_is_one_row_on_a_phone_and_its_menu_folds_out(
    server: str, browser: Any, signed_in: bool
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        if signed_in:
            _sign_in(page, server)
        for lang in ("zh", "en"):
            page.goto(f"{server}/routes?lang={lang}")
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                header, button = page.locator("header.top"), page.locator("#menu-button")
                assert header.bounding_box()["height"] <= 48, (lang, width)  # one row
                assert not page.locator("header nav").is_visible()
                assert button.get_attribute("aria-expanded") == "false"
                button.click()
                assert button.get_attribute("aria-expanded") == "true"
                shown = dict(page.evaluate(SHOWN_TARGETS))
                assert all(h >= 44 for h in shown.values()), (lang, width, shown)
                sections = ("地图", "主题", "线路", "规划", "纪念日")
                if lang == "en":
                    sections = ("Map", "Themes", "Routes", "Plan", "Calendar")
                assert set(sections) <= set(shown), shown
                assert ("English" if lang == "zh" else "中文") in shown
                if signed_in:
                    assert EDITOR in page.locator("header .account-name").inner_text()
                    mine = ("我的线路", "退出") if lang == "zh" else ("My routes", "Sign out")
                    assert set(mine) <= set(shown), shown
                else:
                    assert ("登录" if lang == "zh" else "Sign in") in shown
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.keyboard.press("Escape")  # and it folds back
                assert not page.locator("header nav").is_visible()
                assert button.get_attribute("aria-expanded") == "false"
    finally:
        context.close()


def test_wide_screen_shows_every_link_without_a_menu(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/routes?lang=zh", viewport={"width": 1280, "height": 800})
    assert not page.locator("#menu-button").is_visible()
    assert page.locator("header nav a").count() == 5
    assert all(page.locator("header nav a").nth(i).is_visible() for i in range(5))
    assert page.locator("header.top").bounding_box()["height"] <= 60
    assert traffic.errors == []


def test_without_script_every_link_stays_shown(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{server}/routes?lang=en")
        assert not page.locator("#menu-button").is_visible()
        assert page.locator("header nav a").first.is_visible()
        assert page.locator("header .account a").is_visible()
    finally:
        context.close()
