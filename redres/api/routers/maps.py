"""Map pages: `/maps/sites.html`, `/maps/themes/{slug}.html`, `/maps/routes/{slug}.html|.png`.

Pages are small and fetch the site tables from `/maps/sites.json` (compact, gzipped, cached
per catalogue state, answered with 304 when unchanged), so the national catalogue loads in one
cacheable request instead of one giant page. The functions that read the registry for maps
(`map_features`, `theme_names`, `route_itinerary`) are shared with `redres map`; they are plain
queries over the catalogue tables that belong in `catalog/` once that room takes them.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from redres.api.deps import SessionDep, VisibleDep
from redres.catalog.enums import Status
from redres.catalog.errors import InvalidQuery, NotFound
from redres.catalog.features import SUMMARY_FIELDS
from redres.catalog.holidays_cn import calendar_with_dir
from redres.catalog.models import Route, RouteStop, Site, SiteTheme, Story, StorySite, Theme
from redres.catalog.sites import PUBLIC
from redres.maps.options import MapSettings
from redres.maps.render import district_overview, embed_snippet, site_map, theme_map, to_html, today
from redres.maps.route_map import route_map
from redres.maps.route_png import route_png
from redres.maps.site_layer import compact_sites

router = APIRouter(prefix="/maps", tags=["maps"])
CACHE_ENTRIES = 16
BasemapParam = Annotated[str | None, Query(max_length=20, description="basemap shown first")]
DateParam = Annotated[dt.date | None, Query(description="day whose opening hours popups show")]


@router.get("/sites.html", response_class=HTMLResponse)
def sites_page(request: Request, basemap: BasemapParam = None, date: DateParam = None) -> Response:
    """All published sites on one map; the data comes from `sites.json`."""
    settings = _map_settings(request, basemap)
    url = "sites.json" + (f"?date={date.isoformat()}" if date else "")
    return _html(
        request, to_html(site_map(None, settings=settings, data_url=url), settings=settings)
    )


@router.get("/sites.json")
def sites_data(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    theme: Annotated[str | None, Query(max_length=80)] = None,
    date: DateParam = None,
) -> Response:
    """The compact site tables the map pages read (WGS-84), gzipped and cached."""
    day = date or today()
    key = (_state(session), theme, day.isoformat(), tuple(sorted(visible)))
    cache: OrderedDict[Any, tuple[str, bytes, bytes]] = _cache(request)
    if key not in cache:
        calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
        features = map_features(session, theme=theme, visible=visible)
        names = None if theme else theme_names(session)
        data = compact_sites(features, day=day, calendar=calendar, themes=names)
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        cache[key] = (hashlib.sha256(body).hexdigest()[:32], body, gzip.compress(body, 6))
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
    etag, body, packed = cache[key]
    cache.move_to_end(key)
    headers = {
        "ETag": f'"{etag}"',
        "Cache-Control": "public, max-age=300",
        "Vary": "Accept-Encoding",
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
) -> Response:
    """The published sites of one theme."""
    theme = session.exec(select(Theme).where(Theme.slug == slug)).first()
    if theme is None:
        raise NotFound(entity="theme", key=slug)
    settings = _map_settings(request, basemap)
    url = f"../sites.json?theme={quote(slug)}" + (f"&date={date.isoformat()}" if date else "")
    m = theme_map({"slug": theme.slug, "name": theme.name}, None, settings=settings, data_url=url)
    return _html(request, to_html(m, settings=settings))


@router.get("/districts.html", response_class=HTMLResponse)
def districts_page(
    request: Request, session: SessionDep, visible: VisibleDep, basemap: BasemapParam = None
) -> Response:
    """Counts of published sites by district, as graduated circles."""
    settings = _map_settings(request, basemap)
    features = map_features(session, visible=visible, details=False)
    return _html(
        request, to_html(district_overview(features, settings=settings), settings=settings)
    )


@router.get("/routes/{slug}.html", response_class=HTMLResponse)
def route_page(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    slug: str,
    basemap: BasemapParam = None,
) -> Response:
    """A published route with its numbered stops per day."""
    settings = _map_settings(request, basemap)
    itinerary = route_itinerary(session, slug, visible=visible)
    return _html(request, to_html(route_map(itinerary, settings=settings), settings=settings))


@router.get("/routes/{slug}.png", response_class=Response)
def route_image(request: Request, session: SessionDep, visible: VisibleDep, slug: str) -> Response:
    """A published route as a PNG for printed handouts (no tiles)."""
    itinerary = route_itinerary(session, slug, visible=visible)
    return Response(route_png(itinerary), media_type="image/png")


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
    return embed_snippet(str(request.base_url).rstrip("/") + src, title=title, height=height)


def map_features(
    session: Session,
    *,
    theme: str | None = None,
    visible: Collection[Status] = PUBLIC,
    details: bool = True,
) -> list[dict[str, Any]]:
    """Visible sites as features with what popups need: hours, theme slugs, a story excerpt."""
    # One query of plain columns, not `list_sites` pages of ORM objects: for 40,000 sites,
    # paging by name took 12 s and loading full `Site` rows 3 s; this takes a fraction of that.
    fields = [*SUMMARY_FIELDS, "lon", "lat", "opening_hours"]
    stmt = select(*(getattr(Site, name) for name in fields)).where(
        col(Site.status).in_(list(visible))
    )
    if theme is not None:
        themed = (
            select(SiteTheme.site_id)
            .join(Theme, col(Theme.id) == SiteTheme.theme_id)
            .where(Theme.slug == theme)
        )
        stmt = stmt.where(col(Site.id).in_(themed))
    features: list[dict[str, Any]] = []
    for row in session.exec(stmt.order_by(col(Site.id))):
        values = dict(zip(fields, row, strict=True))
        lon, lat = values.pop("lon"), values.pop("lat")
        point = None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]}
        features.append(
            {"type": "Feature", "id": values["id"], "geometry": point, "properties": values}
        )
    if not details:
        return features
    themes: dict[int, list[str]] = {}
    for site_id, slug in session.exec(
        select(SiteTheme.site_id, Theme.slug).join(Theme, col(Theme.id) == SiteTheme.theme_id)
    ):
        themes.setdefault(site_id, []).append(slug)
    excerpts: dict[int, str] = {}
    stories = select(StorySite.site_id, Story.summary, Story.body).join(
        Story, col(Story.id) == StorySite.story_id
    )
    for site_id, summary, body in session.exec(
        stories.where(col(Story.status).in_(list(visible))).order_by(col(Story.id))
    ):
        excerpts.setdefault(site_id, summary or body or "")
    for feature in features:
        props = feature["properties"]
        props["themes"] = themes.get(props["id"], [])
        props["excerpt"] = excerpts.get(props["id"], "")
    return features


def theme_names(session: Session) -> dict[str, str]:
    """Every theme's slug and name, in slug order (one filter each on the site map)."""
    return {t.slug: t.name for t in session.exec(select(Theme).order_by(col(Theme.slug)))}


def route_itinerary(
    session: Session, slug: str, *, visible: Collection[Status] = PUBLIC
) -> dict[str, Any]:
    """A curated route as an itinerary of DESIGN.md's shape (stops without times, no legs).

    Raises
    ------
    NotFound
        If no route with that slug is visible to the caller.
    """
    route = session.exec(
        select(Route).where(Route.slug == slug, col(Route.status).in_(list(visible)))
    ).first()
    if route is None:
        raise NotFound(entity="route", key=slug)
    rows = session.exec(
        select(RouteStop, Site)
        .join(Site, col(Site.id) == RouteStop.site_id)
        .where(RouteStop.route_id == route.id)
        .order_by(col(RouteStop.day), col(RouteStop.position))
    )
    days: dict[int, list[dict[str, Any]]] = {}
    for stop, site in rows:
        if site.status not in visible:
            continue
        days.setdefault(stop.day, []).append(
            {
                "site_id": site.id,
                "slug": site.slug,
                "name": site.name,
                "lon": site.lon,
                "lat": site.lat,
                "minutes": stop.minutes,
                "note": stop.note,
            }
        )
    return {
        "slug": route.slug,
        "name": route.name,
        "mode": str(route.mode),
        "days": [{"day": d, "stops": stops, "legs": []} for d, stops in sorted(days.items())],
    }


def _map_settings(request: Request, basemap: str | None) -> MapSettings:
    settings = MapSettings.from_settings(request.app.state.settings)
    if settings.assets == "cdn":  # the app's CSP allows scripts from itself only
        settings = replace(settings, assets="local")
    if basemap is None:
        return settings
    if basemap not in settings.basemaps:
        msg = (
            f"basemap {basemap!r} is not offered here; choose one of {', '.join(settings.basemaps)}"
        )
        raise InvalidQuery(msg)
    return settings.with_default(basemap)


def _state(session: Session) -> tuple[Any, ...]:
    """What the site tables depend on, cheaply: counts and last changes of sites and stories."""
    sites = session.exec(select(func.count(), func.max(Site.updated_at)).select_from(Site)).one()
    stories = session.exec(
        select(func.count(), func.max(Story.updated_at)).select_from(Story)
    ).one()
    links = session.exec(select(func.count()).select_from(SiteTheme)).one()
    themes = session.exec(select(func.count()).select_from(Theme)).one()
    return (*sites, *stories, links, themes)


def _cache(request: Request) -> OrderedDict[Any, tuple[str, bytes, bytes]]:
    cache = getattr(request.app.state, "map_data_cache", None)
    if cache is None:
        cache = OrderedDict()
        request.app.state.map_data_cache = cache
    return cache


def _html(request: Request, page: str) -> Response:
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
