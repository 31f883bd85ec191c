"""Navigation links land on the stored point once each app's coordinates are converted back."""

from __future__ import annotations

import random
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from redres.geo import LonLat, bd09_to_wgs84, distance_m, gcj02_to_wgs84
from redres.maps.navigation import navigation_links

POINTS = [
    (114.29302, 30.55339, "八七会议会址"),  # Hankou
    (116.397128, 39.916527, "故宫"),  # Beijing, far from Wuhan's offsets
    (109.487, 36.593, "延安革命纪念馆"),
    (113.5237, 22.2201, "澳门"),  # near the south edge of the GCJ-02 rectangle
    (126.6, 45.75, "东北烈士纪念馆"),
]
"""Stored WGS-84 points across China, where the GCJ-02 offset differs most."""


def _point(text: str, order: str) -> LonLat:
    a, b = (float(x) for x in text.split(","))
    return LonLat(a, b) if order == "lonlat" else LonLat(b, a)


def back_to_wgs84(app: str, url: str) -> LonLat:
    """Read a link the way the app does and convert its point back to WGS-84 with redres.geo."""
    parts = urlsplit(url)
    if app == "geo":
        assert parts.scheme == "geo"
        point, _, query = url.removeprefix("geo:").partition("?")
        assert unquote(query).startswith("q=" + point + "(")  # the label names the same point
        return _point(point, "latlon")
    query = parse_qs(parts.query)
    if app == "amap":
        assert parts.netloc == "uri.amap.com"
        assert query["coordinate"] == ["gaode"]
        return gcj02_to_wgs84(*_point(query["position"][0], "lonlat"))
    if app == "baidu":
        assert parts.netloc == "api.map.baidu.com"
        assert query["coord_type"] == ["bd09ll"]
        return bd09_to_wgs84(*_point(query["location"][0], "latlon"))
    assert app == "tencent"
    assert (parts.netloc, parts.path) == ("apis.map.qq.com", "/uri/v1/marker")
    fields = dict(p.split(":", 1) for p in query["marker"][0].split(";"))
    return gcj02_to_wgs84(*_point(fields["coord"], "latlon"))


@pytest.mark.parametrize(("lon", "lat", "name"), POINTS)
def test_every_link_is_within_a_metre_of_the_stored_point(
    lon: float, lat: float, name: str
) -> None:
    links = navigation_links(lon, lat, name=name, address="汉口鄱阳街139号")
    assert [link.app for link in links] == ["amap", "baidu", "tencent", "geo"]
    for link in links:
        back = back_to_wgs84(link.app, link.url)
        assert distance_m(lon, lat, *back) < 1.0, (link.app, link.url)


def test_links_carry_each_apps_own_shift_not_the_raw_point() -> None:
    """The stored WGS-84 numbers handed to Amap would land hundreds of metres off."""
    lon, lat, name = POINTS[0]
    by_app = {link.app: link for link in navigation_links(lon, lat, name=name)}
    assert (by_app["amap"].crs, by_app["baidu"].crs, by_app["tencent"].crs) == (
        "gcj02",
        "bd09",
        "gcj02",
    )
    raw = parse_qs(urlsplit(by_app["amap"].url).query)["position"][0]
    assert distance_m(lon, lat, *_point(raw, "lonlat")) > 300


def test_random_points_round_trip_within_a_metre() -> None:
    rng = random.Random(20250807)
    for _ in range(200):
        lon, lat = rng.uniform(73.7, 134.9), rng.uniform(18.2, 53.4)
        for link in navigation_links(lon, lat, name="x"):
            assert distance_m(lon, lat, *back_to_wgs84(link.app, link.url)) < 1.0, link.url


@pytest.mark.parametrize("name", ["a;title:evil", "旧址 (一)", "a&b=c#d", "x\ny", "coord:1,2"])
def test_names_cannot_break_a_link_apart(name: str) -> None:
    lon, lat, _ = POINTS[0]
    for link in navigation_links(lon, lat, name=name, address=name):
        assert distance_m(lon, lat, *back_to_wgs84(link.app, link.url)) < 1.0, link.url
        assert not set("\n #") & set(link.url), link.url
        if link.app == "tencent":
            marker = parse_qs(urlsplit(link.url).query)["marker"][0]
            assert [p.split(":", 1)[0] for p in marker.split(";")] == ["coord", "title", "addr"]
        if link.app in ("amap", "baidu"):
            query = parse_qs(urlsplit(link.url).query)
            assert query["name" if link.app == "amap" else "title"] == [name]
