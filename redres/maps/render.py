"""Sites, themes and district counts as folium maps, and maps as HTML pages or embed snippets.

Every map is made the same way: basemaps from :class:`~redres.maps.options.MapSettings`, the
overlays drawn in the CRS of the basemap shown first, the standard controls, a layer control,
and a last script that wires theme filters and CRS switching (:class:`~redres.maps.controls.Wiring`).
Inputs are plain GeoJSON-like features in WGS-84; nothing here reads the database.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import folium
from branca.element import Element
from folium.template import Template

from redres.geo import LonLat, wgs84_to_gcj02
from redres.hours.china_time import CHINA_TIME
from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import HolidayLookup
from redres.labels import label
from redres.maps.assets import LEAFLET, inline_assets, use_assets
from redres.maps.basemaps import Crs
from redres.maps.controls import (
    ApprovalNumber,
    FullscreenControl,
    Legend,
    LocateControl,
    Wiring,
    legend_html,
)
from redres.maps.options import MapSettings
from redres.maps.popups import CATEGORY_STYLE, SafeTooltip, text
from redres.maps.site_layer import SiteLayer, compact_sites
from redres.maps.words import CHINESE, MapWords

CHINA_CENTRE = (35.0, 105.0)


@dataclass(slots=True)
class MapFrame:
    """A map under construction: its basemaps and the overlays the last script must know."""

    map: folium.Map
    settings: MapSettings
    primary: Crs
    bases: list[tuple[Element, Crs]] = field(default_factory=list)
    overlays: list[Element] = field(default_factory=list)
    site_layers: list[Element] = field(default_factory=list)

    def point(self, lon: float, lat: float) -> list[float]:
        """A WGS-84 point as ``[lat, lon]`` in the CRS of the basemap shown first."""
        p = wgs84_to_gcj02(lon, lat) if self.primary == "gcj02" else LonLat(lon, lat)
        return [p.lat, p.lon]

    def finish(self) -> folium.Map:
        """Add the layer control and the wiring script; call once, after every overlay."""
        control = folium.LayerControl(collapsed=True).add_to(self.map)
        Wiring(
            primary=self.primary,
            control=control,
            bases=self.bases,
            overlays=self.overlays,
            site_layers=self.site_layers,
        ).add_to(self.map)
        return self.map


def new_frame(
    settings: MapSettings,
    *,
    title: str,
    location: Sequence[float] = CHINA_CENTRE,
    zoom: int = 5,
    locate: bool = True,
    words: MapWords = CHINESE,
) -> MapFrame:
    """A map with its basemaps, scale, fullscreen, optional locate-me and approval number.

    The scale is metric only; the wiring script adds it (folium's would show miles too).
    """
    m = folium.Map(
        location=list(location), zoom_start=zoom, tiles=None, control_scale=False, max_zoom=19
    )
    use_assets(m, LEAFLET)
    m.get_root().title = html.escape(title)  # type: ignore[attr-defined]
    basemaps = settings.basemap_list()
    frame = MapFrame(map=m, settings=settings, primary=basemaps[0].crs)
    for i, basemap in enumerate(basemaps):
        named = replace(basemap, title=words.basemap_title(basemap.key, basemap.title))
        layer = named.layer(show=i == 0).add_to(m)
        frame.bases.append((layer, basemap.crs))
    FullscreenControl(title=words.fullscreen, glyph=words.fullscreen_glyph).add_to(m)
    if locate:
        LocateControl(title=words.locate, messages=words.geo_messages()).add_to(m)
    if settings.approval_number:
        ApprovalNumber(settings.approval_number).add_to(m)
    return frame


@dataclass(frozen=True, slots=True)
class ServerTables:
    """A map drawn from the server's tiles: the tables of `compact_sites` without sites, the
    box to show first (WGS-84 west, south, east, north; None: all of China) and the URL its
    search box asks for names."""

    tables: Mapping[str, Any]
    box: tuple[float, float, float, float] | None
    search_url: str


def site_map(
    features: Iterable[Mapping[str, Any]] | None,
    *,
    settings: MapSettings,
    day: dt.date | None = None,
    calendar: HolidayLookup | None = None,
    themes: Mapping[str, str] | None = None,
    title: str | None = None,
    data_url: str | None = None,
    words: MapWords = CHINESE,
    unlocated_url: str | None = None,
    tiles: str | None = None,
    server: ServerTables | None = None,
) -> folium.Map:
    """The site map: category markers, clusters, theme filters, search, popups with today's hours.

    Parameters
    ----------
    features
        Site features (WGS-84) to inline in the page; None when `data_url` is given.
    day, calendar
        The day whose opening hours popups show (default: today in China) and its holidays.
    themes
        Theme slug to name, one filter each in the layer control.
    data_url
        Fetch the compact tables from here (the app's ``/maps/sites.json``) instead of inlining.
    words
        The language of the page (controls, legend, popups).
    unlocated_url
        The list of the sites the map cannot show (no known point), linked from its count.
    tiles, server
        Server mode for national-scale catalogues: clusters and single sites come per tile
        from `tiles` (the app's ``/api/map/clusters`` with the page's filters); `server`
        holds the tables and the first view.
    """
    title = title or words.title
    frame = new_frame(settings, title=title, words=words)
    if tiles is not None and server is not None:
        layer = SiteLayer(
            server.tables,
            tiles=tiles,
            box=server.box,
            search_url=server.search_url,
            crs=frame.primary,
            data_crs="wgs84",
            site_url=settings.site_url,
            fit=server.box is not None,
            words=words,
            unlocated_url=unlocated_url,
        )
        present = list(CATEGORY_STYLE)
    elif data_url is not None:
        layer = SiteLayer(
            url=data_url,
            crs=frame.primary,
            site_url=settings.site_url,
            words=words,
            unlocated_url=unlocated_url,
        )
        present = list(CATEGORY_STYLE)
    else:
        data = compact_sites(
            features or (),
            day=day or today(),
            calendar=calendar or default_calendar(),
            crs=frame.primary,
            themes=themes,
            words=words,
        )
        layer = SiteLayer(
            data,
            crs=frame.primary,
            site_url=settings.site_url,
            words=words,
            unlocated_url=unlocated_url,
        )
        used = {row[2] for row in data["sites"]}
        present = [key for i, key in enumerate(CATEGORY_STYLE) if i in used]
    layer.add_to(frame.map)
    frame.overlays.append(layer)
    frame.site_layers.append(layer)
    entries = [(CATEGORY_STYLE[k][1], label("category", k, words.lang)) for k in present]
    Legend(legend_html(words.legend, entries), toggle=words.legend).add_to(frame.map)
    return frame.finish()


def theme_map(
    theme: Mapping[str, Any],
    features: Iterable[Mapping[str, Any]] | None,
    *,
    settings: MapSettings,
    day: dt.date | None = None,
    calendar: HolidayLookup | None = None,
    data_url: str | None = None,
    words: MapWords = CHINESE,
    tiles: str | None = None,
    server: ServerTables | None = None,
) -> folium.Map:
    """The sites of one theme (a dict with ``slug`` and ``name``), titled with the theme's name."""
    name = str(theme.get("name") or theme.get("slug") or "")
    return site_map(
        features,
        settings=settings,
        day=day,
        calendar=calendar,
        title=f"{name} · {words.title}",
        data_url=data_url,
        words=words,
        tiles=tiles,
        server=server,
    )


def district_overview(
    features: Iterable[Mapping[str, Any]],
    *,
    settings: MapSettings,
    title: str = "各区县红色资源数量",
) -> folium.Map:
    """Counts of sites by district as graduated circles at each district's mean position.

    No district boundaries are bundled, so a choropleth is not possible; circle areas are
    proportional to the counts, which reads correctly for any zoom.
    """
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for feature in features:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "Point":
            continue
        lon, lat = (float(c) for c in geometry["coordinates"][:2])
        district = (feature.get("properties") or {}).get("district") or "未注明区县"
        points[str(district)].append((lon, lat))
    frame = new_frame(settings, title=title, locate=False)
    group = folium.FeatureGroup(name=text("区县站点数"), overlay=True, control=True)
    largest = max((len(v) for v in points.values()), default=1)
    for district, pts in sorted(points.items(), key=lambda kv: -len(kv[1])):
        lon = sum(p[0] for p in pts) / len(pts)
        lat = sum(p[1] for p in pts) / len(pts)
        circle = folium.CircleMarker(
            location=frame.point(lon, lat),
            radius=circle_radius(len(pts), largest),
            color="#c0392b",
            weight=2,
            fill=True,
            fill_color="#c0392b",
            fill_opacity=0.45,
        )
        SafeTooltip(f"{district}：{len(pts)} 处").add_to(circle)
        circle.add_to(group)
    group.add_to(frame.map)
    frame.overlays.append(group)
    if points:
        frame.map.fit_bounds(_bounds([p for pts in points.values() for p in pts], frame))
    sizes = sorted({largest, max(1, largest // 4), 1}, reverse=True)
    Legend(
        legend_html(
            title,
            [("#c0392b", f"{n} 处（半径 {circle_radius(n, largest):.0f} 像素）") for n in sizes],
        ),
    ).add_to(frame.map)
    return frame.finish()


def circle_radius(count: int, largest: int, *, max_px: float = 40.0, min_px: float = 5.0) -> float:
    """A circle radius in pixels whose area is proportional to `count`.

    Examples
    --------
    >>> circle_radius(100, 100), circle_radius(25, 100)
    (40.0, 20.0)
    """
    return max(min_px, max_px * math.sqrt(count / max(largest, 1)))


_PAGE = Template(
    """<!DOCTYPE html>
<html>
<head>
{% if this.title %}<title>{{ this.title }}</title>{% endif %}
{{ this.header.render(**kwargs) }}
</head>
<body>
{{ this.html.render(**kwargs) }}
<script{{ this.nonce_attr }}>
{{ this.script.render(**kwargs) }}
</script>
</body>
</html>
"""
)
"""The page around a map: folium's header, body and script, the script tag written here."""

_SWITCHES = re.compile(
    r"<script>(\s*L_NO_TOUCH = (?:true|false);\s*L_DISABLE_3D = (?:true|false);\s*)</script>"
)
"""folium's one header script, two fixed flags; nothing else is matched, so nothing else
(whatever text the page holds) can be given the nonce this way."""


def to_html(m: folium.Map, *, settings: MapSettings, nonce: str | None = None) -> str:
    """The map as a complete HTML page; assets inlined in ``inline`` mode.

    With a `nonce` (a page served under a CSP without 'unsafe-inline'), every inline script
    this page is made of carries it: the map's script, folium's flags and inlined assets.
    The page template writes it; it is never added to whatever ``<script>`` the text holds.
    """
    nonce_attr = f' nonce="{html.escape(nonce)}"' if nonce else ""
    root = m.get_root()
    root._template = _PAGE  # branca renders a figure with its `_template`
    root.nonce_attr = nonce_attr  # type: ignore[attr-defined]
    page: str = root.render()
    if nonce_attr:
        page = _SWITCHES.sub(lambda s: f"<script{nonce_attr}>{s.group(1)}</script>", page, count=1)
    if settings.assets == "inline":
        page = inline_assets(page, nonce_attr=nonce_attr)
    return page


def embed_snippet(src: str, *, title: str, width: str = "100%", height: int = 480) -> str:
    """An ``<iframe>`` other websites paste to show a map page, every attribute escaped.

    Examples
    --------
    >>> embed_snippet("https://example.org/maps/sites.html", title="红色地图", height=400)
    '<iframe src="https://example.org/maps/sites.html" title="红色地图" width="100%" height="400" style="border:0" loading="lazy" allow="fullscreen; geolocation" allowfullscreen></iframe>'
    """
    return (
        f'<iframe src="{html.escape(src)}" title="{html.escape(title)}" '
        f'width="{html.escape(width)}" height="{int(height)}" style="border:0" loading="lazy" '
        'allow="fullscreen; geolocation" allowfullscreen></iframe>'
    )


def today() -> dt.date:
    """Today in China, whatever the server's time zone."""
    return dt.datetime.now(CHINA_TIME).date()


def _bounds(points: Sequence[tuple[float, float]], frame: MapFrame) -> list[list[float]]:
    projected = [frame.point(lon, lat) for lon, lat in points]
    lats = [p[0] for p in projected]
    lons = [p[1] for p in projected]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
