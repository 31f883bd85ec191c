"""Pages in headless Chromium: home with its map, a site page, and the editors' dashboard."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import EDITOR, HOSTILE, PASSWORD, assert_stayed_home


def test_home_lists_sites_and_its_map_draws_them(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/")
    assert page.locator("ol.sites li").count() == 6
    frame = page.frame_locator("iframe.map")
    frame.locator(".leaflet-marker-icon").first.wait_for()
    page.fill("#q", "bqhy")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=bqhy**")
    assert page.locator("ol.sites li").count() == 1
    assert not traffic.dialogs
    assert_stayed_home(traffic)


def test_site_page_shows_the_hostile_name_as_text(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/?q=img")
    page.locator("ol.sites a").first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == HOSTILE
    assert not traffic.dialogs
    assert_stayed_home(traffic)


def test_dashboard_shows_its_charts(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/editor/dashboard")
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/editor/dashboard")
    charts = page.locator("figure.chart svg")
    assert charts.count() == 5
    box = charts.first.bounding_box()
    assert box is not None
    assert box["width"] > 200
    assert box["height"] > 40
    assert page.locator("figure.chart svg rect").count() >= 5
    assert_stayed_home(traffic)


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !el.labels?.length && !el.getAttribute('aria-label')).map(el => el.name || el.id)"""


def test_pages_work_by_keyboard_and_label_every_control(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # skip to content first
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("bqhy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=bqhy**")
    assert page.locator("ol.sites li").count() == 1
    for path in ("/", "/plan", "/login", "/maps/sites.html"):
        page.goto(f"{server}{path}")
        assert page.evaluate(UNLABELLED) == [], path
    assert_stayed_home(traffic)
