"""The small "getting there" map of a site page, described as data for a static script.

Pages run no inline script (the CSP allows scripts from files only), so the page writes what
the map needs into ``data-*`` attributes and ``/static/api/js/minimap.js`` draws it with the
vendored Leaflet. The tiles are the deployment's default basemap, and the marker is shifted
here into that basemap's CRS (GCJ-02 for Amap and Tencent), so it sits on the right building.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from redres.geo import from_wgs84
from redres.maps.assets import LEAFLET, url_for
from redres.maps.options import MapSettings

ZOOM = 16
"""Close enough to read the streets around an entrance."""


@dataclass(frozen=True, slots=True)
class MiniMap:
    """One point on one basemap: what the page's ``data-*`` attributes carry."""

    lon: float
    lat: float
    tiles: tuple[dict[str, object], ...]
    attribution: str
    approval_number: str | None = None
    zoom: int = ZOOM
    members: tuple[tuple[float, float, str], ...] = ()
    """Further points (lon, lat, name) in the basemap's CRS: an ensemble's member sites."""

    @property
    def leaflet(self) -> dict[str, str]:
        """Where the page loads Leaflet from (``js`` and ``css``): this app, never a CDN."""
        return {asset.kind: url_for(asset) for asset in LEAFLET}

    def data_attributes(self) -> dict[str, str]:
        """The attributes to write on the map element (the template escapes the values)."""
        return {
            "data-lon": f"{self.lon:.6f}",
            "data-lat": f"{self.lat:.6f}",
            "data-zoom": str(self.zoom),
            "data-tiles": json.dumps(list(self.tiles), ensure_ascii=False),
            "data-attribution": self.attribution,
            "data-members": json.dumps(
                [[round(lat, 6), round(lon, 6), name] for lon, lat, name in self.members],
                ensure_ascii=False,
            ),
        }


def mini_map(
    lon: float,
    lat: float,
    settings: MapSettings,
    members: tuple[tuple[float, float, str], ...] = (),
) -> MiniMap:
    """The mini-map of a WGS-84 point on the deployment's default basemap, with the WGS-84
    points of an ensemble's `members` (lon, lat, name) when it has some.

    Examples
    --------
    >>> m = mini_map(114.29302, 30.55339, MapSettings(basemaps=("amap",)))
    >>> m.data_attributes()["data-lon"], m.tiles[0]["subdomains"]
    ('114.298446', '1234')
    """
    basemap = settings.basemap_list()[0]
    point = from_wgs84(lon, lat, basemap.crs)
    tiles = tuple(
        {"url": t.url, "subdomains": t.subdomains or "abc", "maxZoom": t.max_zoom}
        for t in basemap.tiles
    )
    shifted = tuple((*from_wgs84(x, y, basemap.crs), name) for x, y, name in members)
    return MiniMap(
        point.lon, point.lat, tiles, basemap.attribution, settings.approval_number, members=shifted
    )
