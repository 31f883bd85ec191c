"""Links that open a site in the navigation apps visitors use, each in that app's coordinates.

Amap and Tencent read GCJ-02, Baidu reads BD-09 (said explicitly with ``coord_type``), and a
plain ``geo:`` URI (RFC 5870) is WGS-84, which phones hand to whatever map app is installed.
A link given the stored WGS-84 point unshifted would send a group a few hundred metres off,
to the wrong street. Six decimals keep every link within a decimetre of the stored point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode

from redres.geo import wgs84_to_bd09, wgs84_to_gcj02

App = Literal["amap", "baidu", "tencent", "geo"]
APPS: tuple[App, ...] = ("amap", "baidu", "tencent", "geo")
SOURCE = "redres"
"""How we name ourselves to the apps (their ``src`` / ``referer`` parameter)."""


@dataclass(frozen=True, slots=True)
class NavLink:
    """One app's link to a point, and the coordinate system its numbers are in."""

    app: App
    url: str
    crs: Literal["wgs84", "gcj02", "bd09"]


def navigation_links(lon: float, lat: float, *, name: str, address: str = "") -> list[NavLink]:
    """Links to a WGS-84 point in Amap, Baidu, Tencent and a ``geo:`` URI, in that order.

    Examples
    --------
    >>> [link.app for link in navigation_links(114.29302, 30.55339, name="八七会议会址")]
    ['amap', 'baidu', 'tencent', 'geo']
    """
    return [
        amap_link(lon, lat, name=name),
        baidu_link(lon, lat, name=name, address=address),
        tencent_link(lon, lat, name=name, address=address),
        geo_link(lon, lat, name=name),
    ]


def amap_link(lon: float, lat: float, *, name: str) -> NavLink:
    """Amap's marker page (``uri.amap.com``), which opens the app on a phone; GCJ-02 lon,lat.

    Examples
    --------
    >>> amap_link(114.29302, 30.55339, name="会址").url
    'https://uri.amap.com/marker?position=114.298446,30.550946&name=%E4%BC%9A%E5%9D%80&src=redres&coordinate=gaode&callnative=1'
    """
    g = wgs84_to_gcj02(lon, lat)
    query = {
        "position": f"{g.lon:.6f},{g.lat:.6f}",
        "name": name,
        "src": SOURCE,
        "coordinate": "gaode",
        "callnative": "1",
    }
    return NavLink(
        "amap",
        "https://uri.amap.com/marker?" + urlencode(query, safe=",", quote_via=quote),
        "gcj02",
    )


def baidu_link(lon: float, lat: float, *, name: str, address: str = "") -> NavLink:
    """Baidu's marker page (``api.map.baidu.com``); BD-09 lat,lng with ``coord_type=bd09ll``."""
    b = wgs84_to_bd09(lon, lat)
    query = {
        "location": f"{b.lat:.6f},{b.lon:.6f}",
        "title": name,
        "content": address or name,
        "coord_type": "bd09ll",
        "output": "html",
        "src": f"webapp.{SOURCE}.site",
    }
    return NavLink(
        "baidu",
        "https://api.map.baidu.com/marker?" + urlencode(query, safe=",", quote_via=quote),
        "bd09",
    )


def tencent_link(lon: float, lat: float, *, name: str, address: str = "") -> NavLink:
    """Tencent's marker page (``apis.map.qq.com/uri/v1/marker``); GCJ-02 lat,lng.

    The marker is one parameter of ``key:value`` parts joined by ``;``, so those two
    characters in a name become their full-width forms rather than break it.
    """
    g = wgs84_to_gcj02(lon, lat)
    parts = [f"coord:{g.lat:.6f},{g.lon:.6f}", f"title:{_tencent_text(name)}"]
    if address:
        parts.append(f"addr:{_tencent_text(address)}")
    marker = quote(";".join(parts), safe=":;,")
    url = f"https://apis.map.qq.com/uri/v1/marker?marker={marker}&referer={SOURCE}"
    return NavLink("tencent", url, "gcj02")


def geo_link(lon: float, lat: float, *, name: str) -> NavLink:
    """A ``geo:`` URI (WGS-84 lat,lon) with the name as the label phones show, ``?q=lat,lon(name)``.

    Brackets in the name become full-width, so the label ends where the URI says it does.

    Examples
    --------
    >>> geo_link(114.29302, 30.55339, name="会址 (旧)").url
    'geo:30.553390,114.293020?q=30.553390,114.293020(%E4%BC%9A%E5%9D%80%20%EF%BC%88%E6%97%A7%EF%BC%89)'
    """
    point = f"{lat:.6f},{lon:.6f}"
    label = quote(name.replace("(", "（").replace(")", "）"), safe="")
    return NavLink("geo", f"geo:{point}?q={point}({label})", "wgs84")


def _tencent_text(value: str) -> str:
    return value.replace(";", "；").replace(":", "：")
