"""The home map on a phone (390 px): it shows what the search found, says what it cannot show,
keeps its legend out of the way, measures in metres, and explains a refused location."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from urllib.request import urlopen

import pytest

from tests.browser.visitor_server import demo_app
from tests.browser.waits import MAP_READY

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_app(tmp_path_factory.mktemp("visitor-map")) as base:
        yield base


def _map_frame(page: Any) -> Any:
    """The home page's map frame, once its site layer has drawn."""
    page.wait_for_selector("iframe.map")
    frame = page.frame_locator("iframe.map").locator("body")
    frame.wait_for()
    inner = next(f for f in page.frames if "/maps/sites.html" in f.url)
    inner.wait_for_function(MAP_READY)
    return inner


def _found(base: str, params: dict[str, str]) -> tuple[int, int]:
    """How many sites the API finds for `params`, with a point and without."""
    query = urlencode({**params, "limit": "1000"})
    features = json.load(urlopen(f"{base}/api/sites?{query}"))["features"]
    located = sum(1 for f in features if f.get("geometry"))
    return located, len(features) - located


@pytest.mark.parametrize(
    "params",
    [{"category": "former_site"}, {"q": "纪念馆"}, {"district": "黄陂区"}, {}],
    ids=["category", "search", "district", "all"],
)
def test_the_map_shows_exactly_the_search_results(
    demo: str, open_page: Any, params: dict[str, str]
) -> None:
    located, unlocated = _found(demo, params)
    page, traffic = open_page(f"{demo}/?{urlencode(params)}", **PHONE)
    frame = _map_frame(page)
    assert frame.evaluate("redres.siteLayers[0].redresShown()") == located
    assert frame.evaluate("redres.siteLayers[0].redresPoints().length") == located
    listed = page.locator("ol.sites > li").count()
    assert listed == located + unlocated  # the list beside the map is the same search
    notice = frame.locator(".rr-unlocated")
    if unlocated:
        assert str(unlocated) in notice.inner_text()
        href = notice.locator("a").get_attribute("href")
        assert "located=0" in href
        page.goto(demo + href)
        assert page.locator("ol.sites > li").count() == unlocated
    else:
        assert notice.count() == 0
    assert traffic.refused == []


def test_the_demo_has_sites_the_map_cannot_show(demo: str) -> None:
    """The test above checks the notice on a search that has some (13 of 45 in the demo)."""
    assert _found(demo, {"category": "former_site"})[1] > 0
    assert _found(demo, {})[1] == 13


def test_legend_starts_closed_on_a_phone_and_opens(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/maps/sites.html", **PHONE)
    page.wait_for_function(MAP_READY)
    toggle, legend = page.locator(".rr-legend-toggle"), page.locator(".rr-legend")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not legend.is_visible()
    box = toggle.bounding_box()
    assert box["height"] >= 44  # a touch target
    toggle.click()
    assert legend.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    assert not legend.is_visible()


def test_legend_is_open_on_a_wide_screen(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/maps/sites.html?lang=en", **DESKTOP)
    page.wait_for_function(MAP_READY)
    assert page.locator(".rr-legend").is_visible()
    assert "Legend" in page.locator(".rr-legend h4").inner_text()


def test_scale_is_metric_and_attribution_has_no_flag(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/maps/sites.html", **PHONE)
    page.wait_for_function(MAP_READY)
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert "m" in page.locator(".leaflet-control-scale-line").inner_text()
    assert not any(
        unit in page.locator(".leaflet-control-scale").inner_text() for unit in ("mi", "ft")
    )
    prefix = page.locator(".leaflet-control-attribution").inner_html()
    assert "Leaflet" in prefix
    assert "<svg" not in prefix  # Leaflet 1.9's default prefix draws a flag in an svg


def test_clusters_do_not_look_like_a_category(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/maps/sites.html", **PHONE)
    page.wait_for_function(MAP_READY)
    page.wait_for_selector(".rr-cluster div")
    cluster = page.eval_on_selector(".rr-cluster div", "e => getComputedStyle(e).backgroundColor")
    pins = page.evaluate(
        "[...new Set([...document.querySelectorAll('.rr-pin span')]"
        ".map(e => getComputedStyle(e).backgroundColor))]"
    )
    assert cluster not in pins
    assert cluster == "rgb(255, 255, 255)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_near_me_explains_a_refused_location(demo: str, open_page: Any, lang: str) -> None:
    """A context without the geolocation permission: the browser refuses, the page says why."""
    page, _traffic = open_page(f"{demo}/?lang={lang}", **PHONE)
    page.locator("#search-panel > summary").click()  # on a phone the search panel is folded
    button = page.locator("#near-me")
    button.click()
    page.wait_for_function(
        "() => document.getElementById('near-status').textContent.length > 20"
        " && document.getElementById('near-status').textContent"
        " !== document.getElementById('near-me').dataset.locating"
    )
    said = page.locator("#near-status").inner_text()
    assert said == button.get_attribute("data-denied")
    assert ("allow" in said) if lang == "en" else ("允许" in said)
    assert page.url.startswith(f"{demo}/?lang=")  # it did not pretend to search near anything


def test_locate_button_on_the_map_explains_a_refused_location(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/maps/sites.html?lang=en", **PHONE)
    page.wait_for_function(MAP_READY)
    page.locator(".rr-button a[title='Show my location']").click()
    page.wait_for_selector(".rr-geo-error")
    assert "not allowed" in page.locator(".rr-geo-error").inner_text()
