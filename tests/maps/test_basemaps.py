"""Basemaps: attribution, keys, the approval number, and overlays shifted onto GCJ-02 tiles."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from redres.geo import wgs84_to_gcj02
from redres.maps.basemaps import amap, custom, osm, tencent, tianditu
from redres.maps.options import MapSettings
from redres.maps.render import site_map, to_html
from redres.maps.route_map import route_map
from redres.routes.answer import Itinerary
from tests.maps.conftest import ROAD


def site_rows(page: str) -> list[list[Any]]:
    found = re.search(r"data: (\{.*\})\n", page)
    assert found is not None
    return list(json.loads(found.group(1))["sites"])


def test_gcj02_basemap_shifts_site_markers(features: list[dict[str, Any]]) -> None:
    wgs = site_rows(to_html(site_map(features, settings=MapSettings()), settings=MapSettings()))
    settings = MapSettings(basemaps=("amap", "osm"))
    gcj = site_rows(to_html(site_map(features, settings=settings), settings=settings))
    assert len(wgs) == len(gcj) == 3
    for feature, w, g in zip(features, wgs, gcj, strict=False):
        lon, lat = feature["geometry"]["coordinates"]
        assert (w[0], w[1]) == (round(lat, 6), round(lon, 6))
        shifted = wgs84_to_gcj02(lon, lat)
        assert g[0] == pytest.approx(shifted.lat, abs=1e-6)
        assert g[1] == pytest.approx(shifted.lon, abs=1e-6)
        assert abs(g[1] - lon) > 0.004  # about 500 m east in Wuhan: the shift is really there


def test_gcj02_basemap_shifts_route_lines_and_stops(itinerary: Itinerary) -> None:
    settings = MapSettings(basemaps=("tencent",))
    page = to_html(route_map(itinerary, settings=settings), settings=settings)
    stop = itinerary.days[0].stops[0]
    shifted = wgs84_to_gcj02(stop.lon, stop.lat)
    assert f"[{shifted.lat}, {shifted.lon}]" in page
    assert f"[{stop.lat}, {stop.lon}]" not in page
    bend = wgs84_to_gcj02(*ROAD[1])
    assert ROAD[1] in itinerary.days[0].legs[1].geometry
    assert f"[{bend.lat}, {bend.lon}]" in page  # the road geometry is drawn, and shifted


def test_switching_crs_is_wired_for_every_overlay(itinerary: Itinerary) -> None:
    settings = MapSettings(basemaps=("osm", "amap"))
    page = to_html(route_map(itinerary, settings=settings), settings=settings)
    wiring = page.split("redres.wire(")[1]
    assert 'primary: "wgs84"' in wiring
    assert '"gcj02"]' in wiring
    groups = set(re.findall(r"var (feature_group_\w+) = L.featureGroup", page))
    assert len(groups) == 3  # two days and the start/end markers
    overlays = wiring.split("overlays: [")[1].split("]")[0]
    assert groups == {g.strip() for g in overlays.split(",") if g.strip()}


def test_each_basemap_says_who_made_it() -> None:
    assert "OpenStreetMap" in osm().attribution
    assert amap().crs == tencent().crs == "gcj02"
    assert "{-y}" in tencent().tiles[0].url
    tdt = tianditu("k&ey")
    assert tdt.crs == "wgs84"
    assert [t.url.split("tk=")[1] for t in tdt.tiles] == ["k%26ey", "k%26ey"]
    assert "天地图" in tdt.attribution
    with pytest.raises(ValueError, match="needs a key"):
        tianditu(" ")


def test_custom_tiles_escape_their_attribution_and_check_the_url() -> None:
    tiles = custom("http://tiles.intranet/{z}/{x}/{y}.png", attribution="<b>学校</b>", crs="gcj02")
    assert tiles.attribution == "&lt;b&gt;学校&lt;/b&gt;"
    with pytest.raises(ValueError, match="placeholders"):
        custom("http://tiles.intranet/tile.png", attribution="x")


def test_settings_validate_and_reorder() -> None:
    with pytest.raises(ValueError, match="tianditu"):
        MapSettings(basemaps=("tianditu",))
    with pytest.raises(ValueError, match="custom"):
        MapSettings(basemaps=("custom",))
    with pytest.raises(ValueError, match="unknown basemap"):
        MapSettings(basemaps=("baidu",))
    assert MapSettings().with_default("tencent").basemaps == ("tencent", "osm", "amap")


def test_settings_read_from_app_settings() -> None:
    class Fake:
        map_basemaps = "custom, osm"
        map_tiles_url = "http://10.0.0.1/{z}/{x}/{y}.png"
        map_approval_number = "GS(2024)0650号"
        map_assets = "inline"

    ms = MapSettings.from_settings(Fake())
    assert ms.basemaps == ("custom", "osm")
    assert ms.assets == "inline"
    assert [b.key for b in ms.basemap_list()] == ["custom", "osm"]


def test_tianditu_and_intranet_tiles_render_with_the_approval_number(
    features: list[dict[str, Any]],
) -> None:
    settings = MapSettings(
        basemaps=("tianditu", "custom"),
        tianditu_key="abc123",
        tiles_url="http://10.0.0.1/tiles/{z}/{x}/{y}.png",
        approval_number="GS(2024)0650号",
    )
    page = to_html(site_map(features, settings=settings), settings=settings)
    assert "tianditu.gov.cn/vec_w" in page
    assert "tianditu.gov.cn/cva_w" in page
    assert "10.0.0.1/tiles" in page
    assert "redres.approval(" in page
    assert json.dumps("审图号：GS(2024)0650号") in page


def test_a_basemaps_approval_number_is_in_its_attribution(features: list[dict[str, Any]]) -> None:
    """Set per basemap: shown with Tianditu's tiles, not with OSM's (which has none)."""
    from redres.maps.minimap import mini_map

    settings = MapSettings(
        basemaps=("tianditu", "osm"),
        tianditu_key="test-key",
        basemap_approvals="tianditu=GS(2099)0001号; osm=<b>x</b>",
    )
    tianditu_map, osm_map = settings.basemap_list()
    assert tianditu_map.attribution.endswith('<span lang="zh-CN">审图号：GS(2099)0001号</span>')
    assert "审图号：&lt;b&gt;x&lt;/b&gt;" in osm_map.attribution  # escaped, never markup
    page = to_html(site_map(features, settings=settings), settings=settings)
    attributions = re.findall(r'"attribution": ("(?:[^"\\]|\\.)*")', page)
    assert any("GS(2099)0001" in json.loads(a) for a in attributions)
    mini = mini_map(114.29302, 30.55339, settings)
    assert "审图号：GS(2099)0001号" in mini.attribution  # the site page's mini-map too
    plain = MapSettings(basemaps=("tianditu",), tianditu_key="test-key")
    assert "审图号" not in plain.basemap_list()[0].attribution  # none set, none shown


@pytest.mark.parametrize("bad", ["tianditu", "google=GS(1)", "tianditu=", "amap=" + "号" * 61])
def test_malformed_approval_numbers_are_refused_at_start(bad: str) -> None:
    from pydantic import ValidationError

    from redres.config import Settings

    with pytest.raises(ValueError, match="basemap=number"):
        MapSettings(basemap_approvals=bad)
    with pytest.raises(ValidationError, match="REDRES_MAP_BASEMAP_APPROVALS"):
        Settings(map_basemap_approvals=bad)
