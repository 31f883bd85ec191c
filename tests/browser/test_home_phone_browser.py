"""The home page on a phone: the map first, the search a folding panel over it; on a wide
screen the search above the map as before."""

from __future__ import annotations

from typing import Any

import pytest

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
TARGETS = "main a, main button, main input, main select, main summary"


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_shows_the_map_first_with_the_search_folded_over_it(
    server: str, open_page: Any, lang: str
) -> None:
    page, _traffic = open_page(f"{server}/?lang={lang}&category=former_site", **PHONE)
    panel, summary, query = (
        page.locator("#search-panel"),
        page.locator("#search-panel > summary"),
        page.locator("#q"),
    )
    assert panel.get_attribute("open") is None  # folded at first
    assert not query.is_visible()
    the_map, pill = _box(page, "iframe.map"), _box(page, "#search-panel > summary")
    header = _box(page, "header.top")
    assert the_map["y"] <= header["y"] + header["height"] + 20  # nothing between header and map
    # the folded panel lies over the map's top, clear of its zoom (left) and layer (right) buttons
    assert the_map["y"] <= pill["y"] < the_map["y"] + 30
    assert pill["x"] >= the_map["x"] + 55
    assert pill["x"] + pill["width"] <= the_map["x"] + the_map["width"] - 55
    assert pill["height"] >= 44
    assert ("已选 1 项" if lang == "zh" else "1 chosen") in summary.inner_text()
    summary.click()
    assert query.is_visible()
    assert page.locator("select[name=category]").input_value() == "former_site"
    small = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .filter((e) => e.offsetParent !== null)
            .map((e) => [e.outerHTML.slice(0, 60), e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)""",
        TARGETS,
    )
    assert small == []  # every control and link of the page's body is a touch target
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    frame = page.frame_locator("iframe.map")
    frame.locator(".leaflet-marker-icon").first.wait_for()
    assert frame.locator(".rr-search").count() == 0  # one search box: the page's


def test_wide_screen_keeps_the_search_above_the_map(server: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{server}/", **DESKTOP)
    assert page.locator("#search-panel").get_attribute("open") is not None
    assert not page.locator("#search-panel > summary").is_visible()
    query, the_map = _box(page, "#q"), _box(page, "iframe.map")
    assert query["y"] + query["height"] < the_map["y"]
    page.set_viewport_size({"width": 390, "height": 844})  # a window made narrow folds it
    page.wait_for_function(
        "() => !document.getElementById('search-panel').open"
    )  # a function: a bare expression is eval'd, which the CSP forbids
