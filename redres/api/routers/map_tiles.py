"""`/api/map/clusters`: one map tile's published sites as clusters and single sites.

The site maps use it instead of `/maps/sites.json` above `REDRES_MAP_SERVER_THRESHOLD`
published sites (`redres.catalog.map_clusters` says how sites are grouped). An answer is the
same for every reader (published sites only), small (at most 64 cells, or 300 sites from zoom
16), kept by the page cache and tagged with the catalogue's version, so a browser revalidates
it with one lookup and a publish shows at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from redres import catalogue_version
from redres.api.deps import SessionDep
from redres.api.i18n import map_words
from redres.catalog.enums import PUBLIC, Category, Period, Protection
from redres.catalog.errors import InvalidQuery
from redres.catalog.map_clusters import MAX_ZOOM, MapFilter, Tile, tile_clusters
from redres.catalog.map_feed import map_features, theme_names
from redres.hours.holidays_cn import calendar_with_dir
from redres.maps.render import today
from redres.maps.site_layer import compact_sites

router = APIRouter(prefix="/api/map", tags=["maps"])
MAX_THEMES = 100
"""At most this many theme slugs in `themes` (a catalogue has a few dozen themes)."""

Text = Annotated[str | None, Query(max_length=80)]


@router.get("/clusters")
def clusters(
    request: Request,
    session: SessionDep,
    z: Annotated[int, Query(ge=0, le=MAX_ZOOM, description="zoom")],
    x: Annotated[int, Query(ge=0, description="tile column from the west")],
    y: Annotated[int, Query(ge=0, description="tile row from the north")],
    theme: Text = None,
    category: Annotated[Category | None, Query()] = None,
    period: Annotated[Period | None, Query()] = None,
    district: Text = None,
    protection: Annotated[Protection | None, Query()] = None,
    themes: Annotated[
        str | None,
        Query(
            max_length=4000,
            description="comma-separated theme slugs whose sites are shown (absent: all)",
        ),
    ] = None,
    untagged: Annotated[
        bool, Query(description="with `themes`: also the sites linked to no theme")
    ] = True,
    date: Annotated[dt.date | None, Query(description="day whose hours popups show")] = None,
    lang: Annotated[str | None, Query(pattern="^(zh|en)?$")] = None,
) -> Response:
    """Tile `z/x/y`'s published sites: ``clusters`` as ``[lat, lon, count]`` (WGS-84) and
    ``sites`` as the site map's compact rows (fields as in `/maps/sites.json`; ``hours``
    indices refer to this answer's ``hours``)."""
    tile = Tile(z, x, y)
    shown = None
    if themes is not None:
        shown = tuple(sorted({s.strip() for s in themes.split(",") if s.strip()}))
        if len(shown) > MAX_THEMES:
            msg = f"themes may name at most {MAX_THEMES} themes, not {len(shown)}"
            raise InvalidQuery(msg)
    flt = MapFilter(
        theme=theme or None,
        category=category,
        period=period,
        district=district or None,
        protection=protection,
        shown_themes=shown,
        untagged=untagged,
    )
    day = date or today()
    version = catalogue_version.current(session.connection())
    etag = None
    if version is not None:
        asked = json.dumps([sorted(request.query_params.multi_items()), day.isoformat()])
        etag = f'"map-{version}-{hashlib.sha256(asked.encode()).hexdigest()[:20]}"'
    headers = {"Cache-Control": "public, max-age=60"}
    if etag is not None:
        headers["ETag"] = etag
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
    found = tile_clusters(session, tile, flt)
    body = _answer(request, session, tile, found.clusters, found.singles, flt, day, lang or "zh")
    return Response(body, media_type="application/json", headers=headers)


def _answer(
    request: Request,
    session: SessionDep,
    tile: Tile,
    groups: list[tuple[float, float, int]],
    singles: list[int],
    flt: MapFilter,
    day: dt.date,
    lang: str,
) -> bytes:
    rows: dict[str, Any] = {"sites": [], "hours": []}
    if singles:
        features = map_features(session, visible=PUBLIC, ids=singles)
        calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
        names = None if flt.theme else theme_names(session, lang)
        rows = compact_sites(
            features, day=day, calendar=calendar, themes=names, words=map_words(lang)
        )
    data = {
        "tile": [tile.z, tile.x, tile.y],
        "clusters": [list(c) for c in groups],
        "sites": rows["sites"],
        "hours": rows["hours"],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
