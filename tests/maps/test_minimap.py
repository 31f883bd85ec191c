"""The site page's mini-map: the deployment's default basemap, the pin in that basemap's CRS."""

from __future__ import annotations

import json

from redres.geo import distance_m, gcj02_to_wgs84
from redres.maps.minimap import mini_map
from redres.maps.options import MapSettings

POINT = (114.2944, 30.58899)


def test_a_wgs84_basemap_gets_the_stored_point() -> None:
    m = mini_map(*POINT, MapSettings(basemaps=("osm", "amap")))
    assert (m.lon, m.lat) == POINT
    assert [t["url"] for t in m.tiles] == ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]
    assert m.leaflet == {
        "js": "/static/vendor/leaflet-1.9.4/leaflet.js",
        "css": "/static/vendor/leaflet-1.9.4/leaflet.css",
    }


def test_a_gcj02_basemap_gets_the_point_shifted_onto_its_streets() -> None:
    m = mini_map(*POINT, MapSettings(basemaps=("tencent", "osm")))
    assert distance_m(*POINT, m.lon, m.lat) > 300  # unshifted, the pin would be streets away
    assert distance_m(*POINT, *gcj02_to_wgs84(m.lon, m.lat)) < 0.01
    attrs = m.data_attributes()
    assert json.loads(attrs["data-tiles"])[0]["url"].endswith("y={-y}&type=vector&style=0")
    assert "腾讯地图" in attrs["data-attribution"]


def test_tianditu_draws_streets_and_labels_and_the_approval_number_is_kept() -> None:
    settings = MapSettings(
        basemaps=("tianditu",), tianditu_key="k", approval_number="GS(2024)1234号"
    )
    m = mini_map(*POINT, settings)
    assert len(m.tiles) == 2
    assert (m.lon, m.lat) == POINT
    assert m.approval_number == "GS(2024)1234号"
