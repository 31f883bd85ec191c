"""The maps in headless Chromium: markers and clusters, popups, hostile names, no outside requests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from redres.cli import app
from redres.geo import wgs84_to_gcj02
from tests.browser.conftest import HOSTILE, STORY, assert_stayed_home


def close_popup(page: Any) -> None:
    page.evaluate("document.querySelector('.leaflet-popup-close-button').click()")


def search(page: Any, text: str) -> None:
    page.fill(".rr-search input", text)
    page.wait_for_selector(".rr-results li")
    page.click(".rr-results li >> nth=0")
    page.wait_for_selector(".leaflet-popup-content .rr-popup")


def test_sites_map_popups_search_and_hostile_names(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/maps/sites.html?date=2026-12-01")
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.locator(".marker-cluster, .rr-pin").count() >= 1
    assert page.evaluate("redres.siteLayers[0].redresShown()") == 5

    # the search finds a site and opens its popup, with the story excerpt and today's hours
    search(page, "八七")
    popup = page.locator(".leaflet-popup-content")
    assert STORY[:20] in popup.inner_text()
    assert "09:00-17:00" in popup.inner_text()
    assert popup.locator("a.rr-more").get_attribute("href").startswith("/sites/")
    close_popup(page)
    popup.wait_for(state="detached")

    # clicking the marker itself opens the same popup
    page.locator('.rr-pin[title="八七会议会址"]').click()
    popup.wait_for()
    assert STORY[:20] in popup.inner_text()
    close_popup(page)
    popup.wait_for(state="detached")

    # the hostile name is text everywhere: search results, marker title, popup heading
    page.fill(".rr-search input", "onerror")
    page.wait_for_selector(".rr-results li")
    assert page.inner_text(".rr-results li") == HOSTILE
    page.click(".rr-results li")
    page.locator(".leaflet-popup-content h3", has_text="onerror").wait_for()
    assert page.inner_text(".leaflet-popup-content h3") == HOSTILE
    assert page.locator(".leaflet-container img:not(.leaflet-tile)").count() == 0
    assert_stayed_home(traffic)
    assert all("tile.openstreetmap.org" in t for t in traffic.tiles)  # answered locally


def test_basemap_switch_moves_markers_and_theme_filters_work(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/maps/sites.html")
    page.wait_for_selector(".leaflet-marker-icon")
    before = page.evaluate("redres.siteLayers[0].redresPoints()")
    page.hover(".leaflet-control-layers")
    page.get_by_text("高德地图").click()
    page.wait_for_selector(".leaflet-tile[src*=autonavi]", state="attached")
    after = page.evaluate("redres.siteLayers[0].redresPoints()")
    for (lon, lat), (glon, glat) in zip(before, after, strict=True):
        expected = wgs84_to_gcj02(lon, lat)
        assert glon == pytest.approx(expected.lon, abs=1e-9)
        assert glat == pytest.approx(expected.lat, abs=1e-9)
    page.get_by_text("OpenStreetMap").click()
    back = page.evaluate("redres.siteLayers[0].redresPoints()")
    assert back == before

    # one filter per theme: hiding 大革命 (three toy sites) leaves the other two
    page.get_by_label("大革命").uncheck()
    assert page.evaluate("redres.siteLayers[0].redresShown()") == 2
    page.get_by_label("大革命").check()
    assert page.evaluate("redres.siteLayers[0].redresShown()") == 5
    assert_stayed_home(traffic)


def test_route_map_shows_the_schedule(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/maps/routes/red-walk.html")
    page.wait_for_selector(".rr-stop")
    assert page.locator(".rr-stop").count() == 3
    page.locator(".rr-stop >> nth=2").click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE in popup.inner_text()  # name and note, as text
    assert "第3站" in popup.inner_text()

    # stops and legs follow the basemap onto GCJ-02 tiles
    stops = "Object.keys(window).filter(k => k.startsWith('marker_')).sort()"
    where = f"{stops}.map(k => [window[k].getLatLng().lng, window[k].getLatLng().lat])"
    legs = "Object.keys(window).filter(k => k.startsWith('poly_line_')).length"
    assert page.evaluate(legs) == 2
    before = page.evaluate(where)
    page.hover(".leaflet-control-layers")
    page.get_by_text("腾讯地图").click()
    for (lon, lat), (glon, glat) in zip(before, page.evaluate(where), strict=True):
        expected = wgs84_to_gcj02(lon, lat)
        assert (glon, glat) == (
            pytest.approx(expected.lon, abs=1e-9),
            pytest.approx(expected.lat, abs=1e-9),
        )
    assert_stayed_home(traffic)


def test_exported_file_works_offline(open_page: Any, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "--db", db]).exit_code == 0
    out = tmp_path / "map.html"
    done = runner.invoke(app, ["map", "--out", str(out), "--db", db, "--date", "2026-12-01"])
    assert done.exit_code == 0, done.output
    page, traffic = open_page(out.as_uri(), local_prefixes=("file:",))
    page.wait_for_selector(".leaflet-marker-icon")
    assert traffic.local == [out.as_uri()]  # every script and stylesheet is inlined
    assert_stayed_home(traffic)
