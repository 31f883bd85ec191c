"""Public pages fit a phone: no sideways scroll at 360 and 414 px, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest

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
