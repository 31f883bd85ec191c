"""Public pages fit a phone: no sideways scroll at 360 and 414 px, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import EDITOR, PASSWORD

PAGES = [
    "/",
    "/?q=bqhy",
    "/themes",
    "/themes/great-revolution",
    "/routes",
    "/routes/red-walk",
    "/api/routes/red-walk.html",  # the route's handout
    "/sites/site-of-the-august-7-conference",
    "/sites/wuhan-revolutionary-museum",  # a site without a known point
    "/plaques?theme=great-revolution",
    "/calendar",
    "/plan",
    "/plan?theme=great-revolution&theme=martyrs&date=2026-06-09&days=2&lunch=12:00-13:00",  # result
    "/login",
]

STAFF_PAGES = [
    "/editor",
    "/editor/import",  # its coordinate system list has long names
    "/editor/sites/new",
    "/editor/routes",
    "/editor/stories",
    "/plan/mine",
    "/classes",
    "/classes/new",
]
"""Pages behind sign-in: editors survey in the field with a phone too."""

WIDEST = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 5).map(e => `${e.tagName}.${e.className} ${e.textContent.slice(0, 40)}`)"""
"""What sticks out past the screen's edge, for the failure message."""


# make test walks the narrowest phone in Chinese; CI (--runslow) also 414 px and English
@pytest.mark.parametrize("width", [360, pytest.param(414, marks=pytest.mark.slow)])
@pytest.mark.parametrize("lang", ["zh", pytest.param("en", marks=pytest.mark.slow)])
def test_public_pages_do_not_scroll_sideways(
    server: str, open_page: Any, width: int, lang: str
) -> None:
    phone = {"viewport": {"width": width, "height": 800}, "is_mobile": True}
    page, _traffic = open_page(f"{server}/?lang={lang}", **phone)
    wide = []
    for path in PAGES:
        response = page.goto(f"{server}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response is not None
        assert response.ok, path
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:  # a phone widens innerWidth to fit, so compare with the screen
            wide.append((path, scroll))
    assert wide == []


@pytest.mark.parametrize("lang", ["zh", pytest.param("en", marks=pytest.mark.slow)])
def test_staff_pages_do_not_scroll_sideways(server: str, open_page: Any, lang: str) -> None:
    phone = {"viewport": {"width": 360, "height": 800}, "is_mobile": True}
    page, _traffic = open_page(f"{server}/login?lang={lang}", **phone)
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    wide = []
    for path in STAFF_PAGES:
        response = page.goto(f"{server}{path}?lang={lang}")
        assert response is not None
        assert response.ok, path
        assert "/login" not in page.url, path  # signed in: the page itself, not the sign-in
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > 360:
            wide.append((path, scroll, page.evaluate(WIDEST, 360)))
    assert wide == []
