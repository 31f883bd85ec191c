"""Two steps of a visitor's walk on a phone: a rating with a link in it comes back on the page
with the text kept and the reason in the reader's language, and is sent once the link is
gone; each stop of a route has directions whose coordinates are the stop's own."""

from __future__ import annotations

from typing import Any

import pytest

from redres.geo import distance_m
from tests.browser.conftest import HOSTILE, assert_stayed_home
from tests.maps.test_navigation import back_to_wgs84

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
AUG7 = "/sites/site-of-the-august-7-conference"
WITH_LINK = {
    "zh": "讲解很好，详见 https://example.com/a 值得一去",
    "en": "Great guide, see https://example.com/a",
}
WITHOUT = {"zh": "讲解很好，值得一去", "en": "Great guide, worth the walk"}
SAID = {"zh": ("不能含有链接", "感谢"), "en": ("may not contain links", "Thank you")}


@pytest.mark.parametrize("lang", ["zh", pytest.param("en", marks=pytest.mark.slow)])
def test_feedback_with_a_link_comes_back_kept_then_goes(
    server: str, open_page: Any, lang: str
) -> None:
    page, traffic = open_page(f"{server}{AUG7}?lang={lang}", **PHONE)
    form = page.locator("form[action$='/feedback#feedback']")
    page.fill("#comment", WITH_LINK[lang])
    page.select_option("#rating", "4")
    form.locator("button").click()
    page.wait_for_load_state()
    refused, thanked = SAID[lang]
    assert refused in page.locator("#feedback-errors").inner_text()
    assert page.locator("#comment").input_value() == WITH_LINK[lang]  # nothing typed is lost
    assert page.locator("#rating").input_value() == "4"
    assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.fill("#comment", WITHOUT[lang])
    form.locator("button").click()
    page.wait_for_url("**sent=1**")
    assert thanked in page.locator("[role=status]").first.inner_text()
    assert page.locator("#feedback-errors").count() == 0
    assert traffic.errors == []


def test_every_route_stop_has_directions_to_its_own_point(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/routes/red-walk?lang=zh", **PHONE)
    stops = page.locator("ol.schedule > li")
    assert stops.count() == 3
    for i in range(stops.count()):
        stop = stops.nth(i)
        slug = (stop.locator("a[href^='/sites/']").first.get_attribute("href") or "").split("/")[-1]
        site = page.request.get(f"{server}/api/sites/{slug}").json()
        lon, lat = site["geometry"]["coordinates"]
        ways = stop.locator("details.stop-nav")
        summary = ways.locator("summary")
        assert summary.inner_text() == "导航到这一站"
        assert summary.bounding_box()["height"] >= 44
        summary.click()
        links = ways.locator("a")
        assert links.count() == 4
        for j in range(4):
            link = links.nth(j)
            assert link.is_visible()
            assert link.bounding_box()["height"] >= 44
            app = (link.get_attribute("class") or "").removeprefix("nav-")
            back = back_to_wgs84(app, link.get_attribute("href") or "")
            assert distance_m(lon, lat, *back) < 1.0, (slug, app)
    assert HOSTILE not in page.locator("ol.schedule").inner_html()  # names escaped in links
    assert_stayed_home(traffic)


def test_a_search_link_carries_only_what_was_asked(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/?lang=zh")
    page.fill("#q", "八七")
    page.locator("#q").press("Enter")
    page.wait_for_url("**/?q=*")
    assert page.url.split("?", 1)[1] == "q=%E5%85%AB%E4%B8%83"  # no "&theme=&period=…"
    assert page.locator("#q").input_value() == "八七"
    page.go_back()
    assert page.locator("select[name=category]").is_enabled()
    assert traffic.errors == []
