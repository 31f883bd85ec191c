"""A visitor's phone (390 px wide) on a site page: the mini-map with its pin, the navigation
links, nothing wider than the screen, nothing blocked by the CSP; and the editor's preview of
a story full of script payloads runs none of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from redres.geo import distance_m
from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home, csp_violations
from tests.maps.test_navigation import back_to_wgs84
from tests.markup import XSS_PAYLOADS

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
AUG7 = "/sites/site-of-the-august-7-conference"
AUG7_POINT = (114.2944, 30.58899)
UNLOCATED = "/sites/wuhan-revolutionary-museum"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "build" / "screenshots"
"""Where the screenshots go, for a person to look at (build/ is not committed)."""

FITS = "() => document.documentElement.scrollWidth <= Math.min(window.innerWidth, 390)"
"""No sideways scroll; a phone widens innerWidth itself to fit wide content, hence the 390."""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_site_page_on_a_phone_has_its_map_and_ways_there(
    server: str, open_page: Any, lang: str
) -> None:
    page, traffic = open_page(f"{server}{AUG7}?lang={lang}", **PHONE)
    pin = page.locator("#site-map .leaflet-marker-icon.rr-pin")
    pin.wait_for()
    page.locator("#site-map img.leaflet-tile-loaded").first.wait_for()
    box, spot = page.locator("#site-map").bounding_box(), pin.bounding_box()
    assert box is not None
    assert spot is not None
    # the pin stands on the map's centre, where the site's point is
    assert abs(spot["x"] + spot["width"] / 2 - (box["x"] + box["width"] / 2)) < 3
    assert box["y"] < spot["y"] < box["y"] + box["height"] / 2
    assert box["width"] <= 390
    assert traffic.tiles, "the map asked for the basemap's tiles"

    links = page.locator("nav.navigate a")
    assert links.count() == 4
    for i in range(4):
        link = links.nth(i)
        assert link.is_visible()
        app = (link.get_attribute("class") or "").removeprefix("nav-")
        back = back_to_wgs84(app, link.get_attribute("href") or "")
        assert distance_m(*AUG7_POINT, *back) < 1.0, app
    assert page.locator("nav.navigate").inner_text().count("\n") >= 1

    assert page.evaluate(FITS), "the page scrolls sideways on a phone"
    assert csp_violations(page) == []
    assert_stayed_home(traffic)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"site-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_site_without_a_point_says_so_on_a_phone(server: str, open_page: Any, lang: str) -> None:
    page, traffic = open_page(f"{server}{UNLOCATED}?lang={lang}", **PHONE)
    said = page.locator("p.unlocated")
    assert said.is_visible()
    assert said.inner_text() == ("位置待考" if lang == "zh" else "Location not yet established")
    assert page.locator("#site-map").count() == 0
    assert page.locator("nav.navigate").count() == 0
    assert page.evaluate(FITS)
    assert csp_violations(page) == []
    assert not traffic.refused
    assert not traffic.errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"site-unlocated-{lang}.png"), full_page=True)


def test_editor_preview_runs_no_payload(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/editor/stories/new", **PHONE)
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/editor/stories/new")
    page.fill("#title", "预览")
    page.fill("#summary", "**要点**：<img src=x onerror=alert('summary')>")
    page.fill("#body", "- 第一条 *强调*\n- 第二条\n\n" + "\n\n".join(XSS_PAYLOADS))
    page.click("button[value=preview]")
    preview = page.locator("section.preview")
    preview.wait_for()
    assert preview.locator("li").count() >= 2
    assert preview.locator("em").first.inner_text() == "强调"
    assert "<script>alert('script')</script>" in preview.inner_text()  # shown, not run
    page.wait_for_load_state("networkidle")  # anything the payloads could load has loaded
    assert traffic.dialogs == []
    assert page.url.endswith("/editor/stories/new")
    assert page.evaluate(FITS)
    assert csp_violations(page) == []
    assert not traffic.refused
    assert not traffic.errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor-preview.png"), full_page=True)
