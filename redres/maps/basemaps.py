"""Basemaps: OpenStreetMap, Amap/Gaode, Tencent, Tianditu and self-hosted XYZ tiles, each with its CRS.

Amap and Tencent draw their streets in GCJ-02, a few hundred metres off the WGS-84 points the
registry stores; a marker drawn unshifted on them sits on the wrong building. Each basemap
therefore says which CRS it is drawn in, and the renderer shifts overlays to match
(:mod:`redres.maps.crs_switch`). Tianditu (the national platform) uses CGCS2000, which is within
centimetres of WGS-84, so it needs no shift.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import quote

import folium

Crs = Literal["wgs84", "gcj02"]
BASEMAP_NAMES = ("osm", "amap", "tencent", "tianditu", "custom")


@dataclass(frozen=True, slots=True)
class TileSource:
    """One XYZ tile URL template with its options."""

    url: str
    subdomains: str = "abc"
    max_zoom: int = 18


@dataclass(frozen=True, slots=True)
class Basemap:
    """A selectable basemap: one or more tile sources drawn together (Tianditu: streets + labels).

    `attribution` is trusted HTML written here, never user input (custom attributions are
    escaped when the basemap is made).
    """

    key: str
    title: str
    crs: Crs
    attribution: str
    tiles: tuple[TileSource, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.tiles:
            msg = f"basemap {self.key!r} has no tile source"
            raise ValueError(msg)

    def layer(self, *, show: bool) -> folium.TileLayer | folium.FeatureGroup:
        """A folium base layer for the layer control (a group when it has several sources)."""
        if len(self.tiles) == 1:
            return _tile_layer(self.tiles[0], self, name=self.title, show=show)
        group = folium.FeatureGroup(name=self.title, overlay=False, control=True, show=show)
        for source in self.tiles:
            _tile_layer(source, self, name=None, show=True).add_to(group)
        return group


def with_approval(basemap: Basemap, number: str) -> Basemap:
    """`basemap` with its map approval number (审图号) at the end of its attribution, as maps
    published in China must show it. The label stays Chinese on English maps (it is the
    number's legal name), tagged so; the number is escaped (it comes from settings)."""
    label = f'<span lang="zh-CN">审图号：{html.escape(number.strip())}</span>'
    return replace(basemap, attribution=f"{basemap.attribution} · {label}")


def parse_approvals(value: str | None) -> dict[str, str]:
    """Approval numbers by basemap from ``key=number`` pairs separated by ``;``, e.g.
    ``tianditu=GS(2024)0000号`` (copy the number the provider publishes; never make one up).

    Raises
    ------
    ValueError
        If a pair is malformed, names an unknown basemap or has no number.

    Examples
    --------
    >>> parse_approvals("tianditu = GS(2099)1号; custom=鄂S(2099)2号")
    {'tianditu': 'GS(2099)1号', 'custom': '鄂S(2099)2号'}
    """
    found: dict[str, str] = {}
    for pair in (value or "").split(";"):
        if not pair.strip():
            continue
        key, sep, number = (part.strip() for part in pair.partition("="))
        if not sep or key not in BASEMAP_NAMES or not number or len(number) > 60:
            msg = (
                f"approval number {pair.strip()!r} must read basemap=number, the basemap one "
                f"of {', '.join(BASEMAP_NAMES)} (REDRES_MAP_BASEMAP_APPROVALS)"
            )
            raise ValueError(msg)
        found[key] = number
    return found


def osm() -> Basemap:
    """OpenStreetMap's standard tiles (WGS-84), the default outside intranets."""
    return Basemap(
        key="osm",
        title="OpenStreetMap",
        crs="wgs84",
        attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        tiles=(TileSource("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "", 19),),
    )


def amap() -> Basemap:
    """Amap/Gaode street tiles, drawn in GCJ-02."""
    return Basemap(
        key="amap",
        title="高德地图",
        crs="gcj02",
        attribution='&copy; <a href="https://www.amap.com/">高德地图</a> AutoNavi',
        tiles=(
            TileSource(
                "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
                "1234",
                18,
            ),
        ),
    )


def tencent() -> Basemap:
    """Tencent street tiles, drawn in GCJ-02 with rows counted from the south (``{-y}``)."""
    return Basemap(
        key="tencent",
        title="腾讯地图",
        crs="gcj02",
        attribution='&copy; <a href="https://map.qq.com/">腾讯地图</a> Tencent',
        tiles=(
            TileSource(
                "https://rt{s}.map.gtimg.com/realtimerender?z={z}&x={x}&y={-y}&type=vector&style=0",
                "0123",
                18,
            ),
        ),
    )


def tianditu(key: str) -> Basemap:
    """Tianditu streets with the Chinese label layer; needs a browser key (tk) from tianditu.gov.cn.

    Raises
    ------
    ValueError
        If the key is empty.
    """
    if not key.strip():
        msg = "the Tianditu basemap needs a key (REDRES_MAP_TIANDITU_KEY)"
        raise ValueError(msg)
    tk = quote(key.strip(), safe="")

    def wmts(layer: str) -> TileSource:
        return TileSource(
            f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
            f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={tk}",
            "01234567",
            18,
        )

    return Basemap(
        key="tianditu",
        title="天地图",
        crs="wgs84",
        attribution='&copy; <a href="https://www.tianditu.gov.cn/">天地图</a> 国家地理信息公共服务平台',
        tiles=(wmts("vec"), wmts("cva")),
    )


def custom(
    url: str, *, attribution: str, crs: Crs = "wgs84", title: str = "本地地图", max_zoom: int = 18
) -> Basemap:
    """Self-hosted XYZ tiles (an intranet tile server); the attribution is shown as plain text.

    Raises
    ------
    ValueError
        If the URL lacks the ``{z}``, ``{x}`` and ``{y}`` placeholders, or the CRS is unknown.
    """
    if not all(p in url for p in ("{z}", "{x}")) or not ("{y}" in url or "{-y}" in url):
        msg = f"tile URL {url!r} needs {{z}}, {{x}} and {{y}} placeholders"
        raise ValueError(msg)
    if crs not in ("wgs84", "gcj02"):
        msg = f"tile CRS {crs!r} must be wgs84 or gcj02"
        raise ValueError(msg)
    return Basemap(
        key="custom",
        title=html.escape(title),
        crs=crs,
        attribution=html.escape(attribution),
        tiles=(TileSource(url, "abc", max_zoom),),
    )


def _tile_layer(
    source: TileSource, basemap: Basemap, *, name: str | None, show: bool
) -> folium.TileLayer:
    return folium.TileLayer(
        tiles=source.url,
        attr=basemap.attribution,
        name=name,
        max_zoom=source.max_zoom,
        overlay=False,
        control=name is not None,
        show=show,
        subdomains=source.subdomains or "abc",
    )
