"""Map pages: `/maps/sites.html`, `/maps/themes/{slug}.html`, `/maps/routes/{slug}.html|.png`.

Pages are small and fetch the site tables from `/maps/sites.json` (compact, gzipped, cached
per catalogue state, answered with 304 when unchanged), so the national catalogue loads in one
cacheable request instead of one giant page. The registry is read through `catalog.map_feed`
(features, theme names, and `map_state`, what the cached data depends on), shared with
`redres map`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections import OrderedDict
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

import folium
from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlmodel import Session, select

from redres import catalogue_version
from redres.api.csp import script_nonce
from redres.api.deps import ReaderDep, SessionDep, VisibleDep
from redres.api.i18n import map_words
from redres.api.links import absolute
from redres.api.site_search import query_string, search_params, site_query
from redres.catalog.enums import PUBLIC
from redres.catalog.errors import InvalidQuery, NotFound
from redres.catalog.listing import list_sites
from redres.catalog.map_clusters import MapExtent, map_extent
from redres.catalog.map_feed import map_features, map_state, theme_names
from redres.catalog.models import Theme, pk
from redres.catalog.route_access import Reader, find_route
from redres.hours.holidays_cn import calendar_with_dir
from redres.maps.options import MapSettings
from redres.maps.render import (
    ServerTables,
    district_overview,
    embed_snippet,
    site_map,
    theme_map,
    to_html,
    today,
)
from redres.maps.route_map import route_map
from redres.maps.route_png import MissingCJKFont, route_png
from redres.maps.site_layer import compact_sites
from redres.maps.words import MapWords
from redres.routes.answer import Itinerary
from redres.routes.stored_routes import route_itinerary

router = APIRouter(prefix="/maps", tags=["maps"])
CACHE_ENTRIES = 16
BasemapParam = Annotated[str | None, Query(max_length=20, description="basemap shown first")]
ShareParam = Annotated[str | None, Query(max_length=64, description="a route's share token")]
DateParam = Annotated[dt.date | None, Query(description="day whose opening hours popups show")]


LangParam = Annotated[str | None, Query(pattern="^(zh|en)?$", description="zh (default) or en")]


@router.get("/sites.html", response_class=HTMLResponse)
def sites_page(
    request: Request,
    session: SessionDep,
    basemap: BasemapParam = None,
    date: DateParam = None,
    lang: LangParam = None,
    names: Annotated[
        bool, Query(description="false: no name search in the map (the home page has its own)")
    ] = True,
) -> Response:
    """Published sites on one map: all, or the results of the home page's search
    (`q`, `theme`, `category`, ... as on `/`); the data comes from `sites.json`."""
    settings = _map_settings(request, basemap)
    words = map_words(lang or "zh")
    if not names:
        words = replace(words, search="")
    date_param = date.isoformat() if date else ""
    unlocated = "/" + query_string(request.query_params, located="0", lang=lang or "")
    search = search_params(request.query_params)
    tiled = _tiled(request, session, search)
    if tiled is not None:
        filtered = bool(search)
        m = site_map(
            None,
            settings=settings,
            words=words,
            unlocated_url=None if filtered else unlocated,
            tiles=_tiles_url(request, search, date_param, lang),
            server=_server_tables(request, session, words, search.get("theme"), date, tiled),
        )
        return _page(request, m, settings)
    url = "sites.json" + query_string(request.query_params, date=date_param, lang=lang or "")
    m = site_map(None, settings=settings, data_url=url, words=words, unlocated_url=unlocated)
    return _page(request, m, settings)


TILE_FILTERS = frozenset({"theme", "category", "period", "district", "protection"})
"""Search parameters `/api/map/clusters` applies itself; with any other (a name search, a
radius) the map shows that search's sites (at most 1000) from `sites.json`, as below the
threshold."""


def _tiled(request: Request, session: Session, search: dict[str, str]) -> MapExtent | None:
    """The published sites' extent when the map asks the server for tiles, else None.

    Tiles serve catalogues above `map_server_threshold` located sites, for the filters the
    tile endpoint applies itself. The extent is kept per catalogue version (a count of the
    whole catalogue is a scan).
    """
    threshold = request.app.state.settings.map_server_threshold
    if set(search) - TILE_FILTERS:
        return None
    site_query(search, limit=1)  # a bad value is a 422 here, as on sites.json
    version = catalogue_version.current(session.connection())
    kept = getattr(request.app.state, "map_extent", None)
    if version is not None and kept is not None and kept[0] == version:
        extent: MapExtent = kept[1]
    else:
        extent = map_extent(session)
        request.app.state.map_extent = (version, extent)
    return extent if extent.located > threshold else None


def _tiles_url(request: Request, search: dict[str, str], date: str, lang: str | None) -> str:
    return request.url_for("clusters").path + query_string(search, date=date, lang=lang or "")


def _server_tables(
    request: Request,
    session: Session,
    words: MapWords,
    theme: str | None,
    date: dt.date | None,
    extent: MapExtent,
) -> ServerTables:
    """What a tiled map needs before its first tile: the tables (no sites) and where to look."""
    names = None if theme else theme_names(session, words.lang)
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    tables = compact_sites((), day=date or today(), calendar=calendar, themes=names, words=words)
    tables["unlocated"] = extent.unlocated
    search_url = request.url_for("read_sites").path + (f"?theme={quote(theme)}" if theme else "")
    return ServerTables(tables=tables, box=None if theme else extent.box, search_url=search_url)


@router.get("/sites.json")
def sites_data(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    theme: Annotated[str | None, Query(max_length=80)] = None,
    date: DateParam = None,
    lang: LangParam = None,
) -> Response:
    """The compact site tables the map pages read (WGS-84), gzipped and cached.

    With search parameters (those of `/`: `q`, `category`, `near`, ...) only the sites that
    search finds, up to 1000; ``unlocated`` counts those of them without a point.
    """
    day = date or today()
    search = search_params(request.query_params)
    key = (
        map_state(session),
        tuple(sorted(search.items())),
        day.isoformat(),
        tuple(sorted(visible)),
        lang or "zh",
    )
    cache: OrderedDict[Any, tuple[str, bytes, bytes]] = _cache(request)
    if key not in cache:
        calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
        ids = None
        if set(search) - {"theme"}:
            found = list_sites(session, site_query(search, limit=1000), visible=visible)
            ids = [pk(hit.site) for hit in found.items]
        features = map_features(session, theme=theme, visible=visible, ids=ids)
        names = None if theme else theme_names(session, lang or "zh")
        data = compact_sites(
            features, day=day, calendar=calendar, themes=names, words=map_words(lang or "zh")
        )
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        cache[key] = (hashlib.sha256(body).hexdigest()[:32], body, gzip.compress(body, 6))
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
    etag, body, packed = cache[key]
    cache.move_to_end(key)
    # Revalidated on every load (a 304 costs a few counts), so an edit shows at once; staff
    # data (drafts included) is never stored by shared caches.
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": "public, no-cache" if visible == PUBLIC else "private, no-cache",
        "Vary": "Accept-Encoding, Authorization, Cookie",
    }
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(packed, media_type="application/json", headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/themes/{slug}.html", response_class=HTMLResponse)
def theme_page(
    request: Request,
    session: SessionDep,
    slug: str,
    basemap: BasemapParam = None,
    date: DateParam = None,
    lang: LangParam = None,
) -> Response:
    """The published sites of one theme."""
    theme = session.exec(select(Theme).where(Theme.slug == slug)).first()
    if theme is None:
        raise NotFound(entity="theme", key=slug)
    settings = _map_settings(request, basemap)
    name = theme.name_en if lang == "en" and theme.name_en else theme.name
    words = map_words(lang or "zh")
    search = {"theme": slug}
    tiled = _tiled(request, session, search)
    if tiled is not None:
        date_param = date.isoformat() if date else ""
        m = theme_map(
            {"slug": theme.slug, "name": name},
            None,
            settings=settings,
            words=words,
            tiles=_tiles_url(request, search, date_param, lang),
            server=_server_tables(request, session, words, slug, date, tiled),
        )
        return _page(request, m, settings)
    url = f"../sites.json?theme={quote(slug)}" + (f"&date={date.isoformat()}" if date else "")
    url += f"&lang={lang}" if lang else ""
    m = theme_map(
        {"slug": theme.slug, "name": name}, None, settings=settings, data_url=url, words=words
    )
    return _page(request, m, settings)


@router.get("/districts.html", response_class=HTMLResponse)
def districts_page(
    request: Request, session: SessionDep, visible: VisibleDep, basemap: BasemapParam = None
) -> Response:
    """Counts of published sites by district, as graduated circles."""
    settings = _map_settings(request, basemap)
    features = map_features(session, visible=visible, details=False)
    return _page(request, district_overview(features, settings=settings), settings)


@router.get("/routes/{slug}.html", response_class=HTMLResponse)
def route_page(
    request: Request,
    session: SessionDep,
    reader: ReaderDep,
    slug: str,
    basemap: BasemapParam = None,
    date: DateParam = None,
    share: ShareParam = None,
    lang: LangParam = None,
) -> Response:
    """A route timed for `date` (default: the next day it runs), stops numbered."""
    settings = _map_settings(request, basemap)
    itinerary = _route(request, session, reader, slug, date, share)
    words = map_words(lang or "zh")
    title = None
    if lang == "en":
        route = find_route(session, slug, reader, share=share)
        title = route.name_en or None
    m = route_map(itinerary, settings=settings, words=words, title=title)
    return _page(request, m, settings)


@router.get("/routes/{slug}.png", response_class=Response)
def route_image(
    request: Request,
    session: SessionDep,
    reader: ReaderDep,
    slug: str,
    date: DateParam = None,
    share: ShareParam = None,
    lang: LangParam = None,
) -> Response:
    """A route as a PNG for printed handouts (no tiles), labelled in `lang`."""
    itinerary = _route(request, session, reader, slug, date, share)
    title = None
    if lang == "en":
        title = find_route(session, slug, reader, share=share).name_en or None
    try:
        png = route_png(itinerary, title=title, lang=lang or "zh")
    except MissingCJKFont as exc:  # loud: an image of empty boxes helps nobody
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
    return Response(png, media_type="image/png")


def _route(
    request: Request,
    session: Session,
    reader: Reader,
    slug: str,
    date: dt.date | None,
    share: str | None,
) -> Itinerary:
    route = find_route(session, slug, reader, share=share)
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    return route_itinerary(session, route, calendar=calendar, date=date, visible=reader.statuses())


@router.get("/embed", response_class=PlainTextResponse)
def embed(
    request: Request,
    src: Annotated[
        str, Query(max_length=300, description="a map page path, e.g. /maps/sites.html")
    ],
    title: Annotated[str, Query(max_length=100)] = "红色资源地图",
    height: Annotated[int, Query(ge=100, le=2000)] = 480,
) -> str:
    """The `<iframe>` snippet another website pastes to show one of these map pages.

    The other website must also be allowed to frame us: REDRES_FRAME_ANCESTORS (CSP
    frame-ancestors) defaults to this host only.
    """
    if not src.startswith("/maps/") or ".." in src or "//" in src:
        msg = f"src {src!r} must be a map page path under /maps/"
        raise InvalidQuery(msg)
    return embed_snippet(absolute(request, src), title=title, height=height)


def _map_settings(request: Request, basemap: str | None) -> MapSettings:
    settings = MapSettings.from_settings(request.app.state.settings)
    if basemap is None:
        return settings
    if basemap not in settings.basemaps:
        msg = (
            f"basemap {basemap!r} is not offered here; choose one of {', '.join(settings.basemaps)}"
        )
        raise InvalidQuery(msg)
    return settings.with_default(basemap)


def _cache(request: Request) -> OrderedDict[Any, tuple[str, bytes, bytes]]:
    cache = getattr(request.app.state, "map_data_cache", None)
    if cache is None:
        cache = OrderedDict()
        request.app.state.map_data_cache = cache
    return cache


def _page(request: Request, m: folium.Map, settings: MapSettings) -> Response:
    """A map page whose inline scripts run under this response's CSP nonce only."""
    page = to_html(m, settings=settings, nonce=script_nonce(request))
    return _compressed(
        request, page.encode(), "text/html; charset=utf-8", {"Vary": "Accept-Encoding"}
    )


def _compressed(
    request: Request, body: bytes, media_type: str, headers: dict[str, str]
) -> Response:
    """Gzip large bodies ourselves when the client accepts it (the app has no GZip middleware)."""
    if len(body) > 1024 and "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            gzip.compress(body, 6),
            media_type=media_type,
            headers={**headers, "Content-Encoding": "gzip"},
        )
    return Response(body, media_type=media_type, headers=headers)
