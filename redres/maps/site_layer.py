"""A clustered layer of sites drawn in the browser from compact arrays: the path that scales.

One folium ``Marker`` per site costs about 1 kB of generated JavaScript, so the national
catalogue (40,000 sites) would make a 40 MB page. Here a site is one short JSON array
(coordinates, category, themes, name, slug, label indices, excerpt); the browser indexes
them with Supercluster and makes DOM markers only for the clusters and sites in view, builds
popups only when one is opened (with ``textContent``, so names are never parsed as HTML),
filters by theme and searches names. The
data is either inlined (standalone files) or fetched from a URL (the app), so the page itself
stays small and the data can be cached and compressed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from folium.elements import JSCSSMixin
from folium.template import Template

from redres.geo import wgs84_to_gcj02
from redres.hours.opening import HolidayLookup
from redres.labels import label
from redres.maps.assets import REDRES, SUPERCLUSTER, use_assets
from redres.maps.basemaps import Crs
from redres.maps.popups import (
    CATEGORY_STYLE,
    PERIOD_LABELS,
    PROTECTION_LABELS,
    hours_today,
    story_excerpt,
)
from redres.maps.words import CHINESE, MapWords

ROW_FIELDS = (
    "lat",
    "lon",
    "category",
    "themes",
    "name",
    "slug",
    "period",
    "protection",
    "hours",
    "excerpt",
    "cover",
)
"""The meaning of each position of a site row (indices refer to the tables beside the rows)."""


def compact_sites(
    features: Iterable[Mapping[str, Any]],
    *,
    day: dt.date,
    calendar: HolidayLookup,
    crs: Crs = "wgs84",
    themes: Mapping[str, str] | None = None,
    words: MapWords = CHINESE,
) -> dict[str, Any]:
    """Site features as the compact tables the site layer reads, labelled in `words.lang`.

    Parameters
    ----------
    features
        GeoJSON-like features in WGS-84 (as `redres.catalog.features.site_feature` makes them),
        optionally with ``opening_hours``, ``themes`` (slugs, or dicts with a ``slug``) and
        ``excerpt`` or ``stories`` in their properties. Features without a point are skipped.
    day, calendar
        Which day "today's hours" are for, and its public holidays.
    crs
        The CRS of the basemap shown first; coordinates are shifted to it here.
    themes
        Theme slug to name: one filter per theme in the layer control. None: no theme filters.
    words
        The language of labels and popups; a story excerpt in English comes from the
        feature's ``excerpt_en`` (none rather than the Chinese one). Features without a point
        are counted in ``unlocated``, so the map can say how many it cannot show.
    """
    lang = words.lang
    cats = list(CATEGORY_STYLE)
    periods = list(PERIOD_LABELS)
    protections = list(PROTECTION_LABELS)
    theme_slugs = list(themes or {})
    theme_index = {slug: i for i, slug in enumerate(theme_slugs)}
    hours_table: list[str] = []
    hours_index: dict[str, int] = {}
    parsed: dict[str, int] = {}
    rows: list[list[Any]] = []
    unlocated = 0
    for feature in features:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") != "Point":
            unlocated += 1
            continue
        lon, lat = (float(c) for c in geometry["coordinates"][:2])
        if crs == "gcj02":
            lon, lat = wgs84_to_gcj02(lon, lat)
        props = feature.get("properties") or {}
        category = str(props.get("category") or "other")
        if category not in CATEGORY_STYLE:
            category = "other"
        site_themes = sorted(
            {
                theme_index[slug]
                for slug in (_slug(t) for t in props.get("themes") or ())
                if slug in theme_index
            }
        )
        oh = props.get("opening_hours")
        hours = -1
        if oh:
            if oh not in parsed:
                today = hours_today(oh, day, calendar, closed=words.closed)
                if today is None:
                    parsed[oh] = -1
                else:
                    if today not in hours_index:
                        hours_index[today] = len(hours_table)
                        hours_table.append(today)
                    parsed[oh] = hours_index[today]
            hours = parsed[oh]
        rows.append(
            [
                round(lat, 6),
                round(lon, 6),
                cats.index(category),
                site_themes,
                str((lang == "en" and props.get("name_en")) or props.get("name") or ""),
                props.get("slug") or None,
                periods.index(props["period"]) if props.get("period") in PERIOD_LABELS else -1,
                protections.index(props["protection"])
                if props.get("protection") in PROTECTION_LABELS
                else -1,
                hours,
                story_excerpt({"excerpt": props.get("excerpt_en") or ""})
                if lang == "en"
                else story_excerpt(props),
                _cover(props.get("cover")),
            ]
        )
    return {
        "fields": list(ROW_FIELDS),
        "cats": [[key, label("category", key, lang), *CATEGORY_STYLE[key][1:]] for key in cats],
        "periods": [label("period", p, lang) for p in periods],
        "protections": [label("protection", p, lang) for p in protections],
        "themes": [[slug, (themes or {})[slug]] for slug in theme_slugs],
        "hours": hours_table,
        "labels": {
            "hours": words.hours.format(day=day.isoformat()),
            "unknown": words.hours_unknown,
            "more": words.more,
            "no_theme": words.no_theme,
            "colon": ": " if lang == "en" else "：",
        },
        "unlocated": unlocated,
        "sites": rows,
    }


def script_json(value: Any) -> str:
    """Compact JSON that is safe inside a ``<script>`` element.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class SiteLayer(JSCSSMixin):
    """Clustered category markers with popups, theme filters and a name search.

    Parameters
    ----------
    data
        Tables from :func:`compact_sites`, inlined in the page; or None with `url`.
    url
        Where the browser fetches those tables (WGS-84) instead.
    crs
        The CRS of the basemap shown first.
    data_crs
        The CRS the tables' coordinates are in (`crs` when inlined, WGS-84 when fetched).
    site_url
        Prefix of a site's page; the slug is appended.
    words
        The language of the search box and messages.
    unlocated_url
        Where the list of sites without a point is; the map shows their count linked there.
    tiles
        Server mode (national-scale catalogues): `data` holds the tables without sites, and
        the browser asks this URL (the app's ``/api/map/clusters`` with the page's filters)
        for the clusters and single sites of each tile in view.
    box
        In server mode, (west, south, east, north) of the sites (WGS-84), the first view.
    search_url
        In server mode, where the map's search box finds names (the app's ``/api/sites``).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
            {% if this.url %}<link rel="preload" href="{{ this.url|e }}" as="fetch" crossorigin="anonymous">{% endif %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = redres.siteLayer({{ this._parent.get_name() }}, {
                crs: {{ this.crs|tojson }},
                dataCrs: {{ this.data_crs|tojson }},
                siteUrl: {{ this.site_url|tojson }},
                search: {{ this.search|tojson }},
                failed: {{ this.failed|tojson }},
                fit: {{ this.fit|tojson }},
                url: {{ this.url|tojson }},
                unlocated: {{ this.unlocated|tojson }},
                unlocatedUrl: {{ this.unlocated_url|tojson }},
                unlocatedLinkText: {{ this.unlocated_link|tojson }},
                tiles: {{ this.tiles|tojson }},
                box: {{ this.box|tojson }},
                searchUrl: {{ this.search_url|tojson }},
                lang: {{ this.lang|tojson }},
                data: {{ this.data_json }}
            });
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        url: str | None = None,
        crs: Crs = "wgs84",
        data_crs: Crs | None = None,
        site_url: str = "/sites/",
        fit: bool = True,
        words: MapWords = CHINESE,
        unlocated_url: str | None = None,
        tiles: str | None = None,
        box: tuple[float, float, float, float] | None = None,
        search_url: str = "/api/sites",
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if (data is None) == (url is None):
            msg = "a site layer needs either inline data or a URL to fetch it from"
            raise ValueError(msg)
        self._name = "SiteLayer"
        self.data_json = "null" if data is None else script_json(data)
        self.url = url
        self.crs = crs
        self.data_crs = data_crs or (crs if data is not None else "wgs84")
        self.site_url = site_url
        self.fit = fit
        self.search = words.search
        self.failed = words.failed
        self.unlocated = words.unlocated if unlocated_url else ""
        self.unlocated_url = unlocated_url or ""
        self.unlocated_link = words.unlocated_link
        self.count = 0 if data is None else len(data["sites"])
        self.tiles = tiles
        self.box = list(box) if box else None
        self.search_url = search_url
        self.lang = words.lang
        use_assets(self, SUPERCLUSTER + REDRES)


def _slug(theme: Any) -> str:
    return str(theme.get("slug")) if isinstance(theme, Mapping) else str(theme)


def _cover(value: Any) -> list[Any] | None:
    """A site's cover as the popup shows it: [media id, alt text, 1 when it has the 400 px small
    copy else 0], or None (a two-item cover, from before the small copy, counts as without)."""
    if not isinstance(value, list | tuple) or len(value) not in (2, 3):
        return None
    if not isinstance(value[0], int):
        return None
    small = 1 if len(value) == 3 and value[2] else 0
    return [value[0], str(value[1] or ""), small]
