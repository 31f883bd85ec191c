"""Every page under the Content-Security-Policy: nothing blocked, everything still works.

The policy lets scripts come from the app only (map pages add a nonce for folium's inline
scripts). Each page is loaded with violations recorded in it and its map frame, its maps must
draw, its scripts must still do their work, and an inline script, event handler or
``javascript:`` link slipped into the page must not run.
"""

from __future__ import annotations

from typing import Any

import pytest

from redres.geo import distance_m, to_wgs84
from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home, csp_violations

MARKERS = ".leaflet-marker-icon, path.leaflet-interactive"
"""What a drawn map shows: site pins, clusters and stops, or district circles."""

PLAN = "theme=great-revolution&date=2025-06-10"

INJECT = """() => {
  const ran = [];
  window.__ran = ran;
  const s = document.createElement("script");
  s.textContent = "window.__ran.push('inline script')";
  document.body.append(s);
  const b = document.createElement("button");
  b.setAttribute("onclick", "window.__ran.push('event handler')");
  document.body.append(b);
  b.click();
  b.remove();
  const a = document.createElement("a");
  a.href = "javascript:window.__ran.push('javascript url')";
  document.body.append(a);
  a.click();
  a.remove();
  return ran.slice();
}"""
"""Try the three kinds of inline script an injection would use; returns those that ran."""


def visit(page: Any, url: str, *, maps: int = 0) -> None:
    """Load a page, wait for its maps (the page itself or its iframes) to draw, want no violation."""
    response = page.goto(url)
    assert response is not None
    assert response.ok, url
    frames = [page] if "/maps/" in url else []
    frames += [page.frame_locator("iframe.map")] if maps else []
    for frame in frames:
        frame.locator(MARKERS).first.wait_for()
        assert frame.locator(MARKERS).count() >= 1, url
    assert csp_violations(page) == [], url


def assert_injection_blocked(page: Any) -> None:
    """None of the injected scripts ran, and the browser reported each as a CSP violation."""
    assert page.evaluate(INJECT) == []
    page.wait_for_function("() => window.__redresCsp.length >= 3")
    seen = page.evaluate("window.__redresCsp")
    assert any(v.startswith("script-src-elem blocked inline") for v in seen), seen
    assert any(v.startswith("script-src-attr blocked inline") for v in seen), seen
    assert page.evaluate("window.__ran") == []


@pytest.mark.slow
def test_public_pages_and_maps_run_under_the_csp(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/")
    site = page.locator("ol.sites li a").first.get_attribute("href").split("?")[0]
    pages = [
        ("/", 1),
        (site, 0),
        ("/themes", 0),
        ("/themes/great-revolution", 1),
        ("/routes", 0),
        ("/routes/red-walk", 1),
        (f"/plan?{PLAN}", 1),
        (f"/plan/check?date=2025-06-10&stops={site.removeprefix('/sites/')}", 0),
        ("/calendar", 0),
        ("/login", 0),
        ("/maps/sites.html", 0),
        ("/maps/themes/great-revolution.html", 0),
        ("/maps/districts.html", 0),
        ("/maps/routes/red-walk.html", 0),
        (f"/maps/plan.html?{PLAN}", 0),
    ]
    for path, maps in pages:
        for lang in ("zh", "en"):
            visit(page, f"{server}{path}{'&' if '?' in path else '?'}lang={lang}", maps=maps)
            if not path.startswith("/maps/"):
                assert page.locator("html").get_attribute("lang") == {"zh": "zh-CN"}.get(lang, lang)
    page.goto(f"{server}/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()  # docs.js started Swagger UI
    assert csp_violations(page) == []
    assert_stayed_home(traffic)


def test_injected_scripts_do_not_run_on_pages_or_maps(server: str, open_page: Any) -> None:
    """The policy is in force: the page's own scripts run, an injected one does not."""
    for path in ("/routes/red-walk", "/maps/routes/red-walk.html", "/maps/sites.html"):
        page, traffic = open_page(f"{server}{path}")
        if "/maps/" in path:
            page.locator(MARKERS).first.wait_for()  # the nonce let folium's scripts run
        assert csp_violations(page) == []
        assert_injection_blocked(page)
        traffic.csp.clear()  # the three just provoked
        assert_stayed_home(traffic)


def test_home_scripts_suggest_and_find_sites_near_me(server: str, open_page: Any) -> None:
    page, traffic = open_page(
        f"{server}/",
        geolocation={"latitude": 30.58, "longitude": 114.29},
        permissions=["geolocation"],
    )
    page.fill("#q", "八七")
    page.locator("#suggestions option").first.wait_for(state="attached")
    assert page.locator("#suggestions option").first.get_attribute("value") == "八七会议会址"
    page.click("#near-me")
    page.wait_for_url("**/?near=114.29000,30.58000&radius_m=5000")
    assert page.locator("ol.sites li").count() >= 1
    assert csp_violations(page) == []
    assert_stayed_home(traffic)


def sign_in(page: Any, server: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/editor")


def test_editor_pages_run_under_the_csp(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/")
    sign_in(page, server)
    site = page.locator("a[href^='/editor/sites/']:not([href$='/new'])").first.get_attribute("href")
    for path in (
        "/editor",
        "/editor/sites/new",
        site,
        f"{site}/history",
        "/editor/feedback",
        "/editor/import",
        "/editor/stories",
        "/editor/stories/aug7",
        "/editor/stories/aug7/history",
        "/editor/routes",
        "/editor/routes/red-walk",
        "/editor/routes/red-walk/history",
        "/editor/dashboard",
        "/plan/mine",
        "/editor?lang=en",
        "/editor/sites/new?lang=en",
    ):
        visit(page, f"{server}{path}")
    assert_injection_blocked(page)
    traffic.csp.clear()
    assert_stayed_home(traffic)


def test_editor_picks_a_new_sites_point_on_the_map(server: str, open_page: Any) -> None:
    """editor.js: a click on the map fills the paste box in the basemap's system and drops the
    pin (CSS, no image); saving converts it into lon/lat."""
    page, traffic = open_page(f"{server}/")
    sign_in(page, server)
    page.goto(f"{server}/editor/sites/new")
    picker = page.locator("#pick-map.leaflet-container")
    picker.wait_for()
    assert page.input_value("#f-lat") == ""
    picker.click(position={"x": 150, "y": 120})
    picker.locator(".rr-pin").wait_for()
    lon, lat = (float(v) for v in page.input_value("#f-coordinates").split(","))
    assert 113.5 < lon < 115.5
    assert 30.0 < lat < 31.2
    crs = page.input_value("#f-point_crs")
    assert crs == picker.get_attribute("data-crs")
    page.fill("#f-name", "地图选点测试")
    page.select_option("#f-category", "memorial_hall")
    page.click("form.form button[type=submit]")
    page.wait_for_url(lambda url: "/editor/sites/" in url and not url.endswith("/new"))
    assert page.locator("h1").inner_text() == "地图选点测试"
    saved = float(page.input_value("#f-lon")), float(page.input_value("#f-lat"))
    assert distance_m(*saved, *to_wgs84(lon, lat, crs)) < 0.05  # the picked point, in WGS-84
    picker.locator(".rr-pin").wait_for()
    assert page.locator("img.leaflet-marker-icon").count() == 0
    assert csp_violations(page) == []
    assert_stayed_home(traffic)
