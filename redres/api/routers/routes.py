"""Study routes: `/api/routes` (published ones), one route with its stops, and its exports.

`GET /api/routes/{id_or_slug}.gpx|.kml|.geojson|.ics|.html` schedules the route for `?date=`
(default: the next day it runs without violations) and returns the file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from redres.api.caching import cached_json
from redres.api.deps import SessionDep, VisibleDep
from redres.api.i18n import translator
from redres.catalog.errors import NotFound
from redres.catalog.features import site_feature
from redres.catalog.holidays_cn import calendar_with_dir
from redres.catalog.library import course_plan
from redres.catalog.route_store import get_route, list_routes, route_stops, route_theme
from redres.catalog.sites import PUBLIC
from redres.routes.candidates import schedule_stored_route
from redres.routes.curated import CuratedSchedule
from redres.routes.export import MEDIA_TYPES, export
from redres.routes.handout import render_handout

router = APIRouter(prefix="/api/routes", tags=["routes"])

DateQuery = Annotated[dt.date | None, Query(description="YYYY-MM-DD; default: next day it runs")]


@router.get("", response_model=None)
def read_routes(request: Request, session: SessionDep, visible: VisibleDep) -> Response:
    """The routes the caller may see, with theme and stop count."""
    data = [
        {
            "id": s.route.id,
            "slug": s.route.slug,
            "name": s.route.name,
            "name_en": s.route.name_en,
            "description": s.route.description,
            "kind": s.route.kind,
            "mode": s.route.mode,
            "days": s.route.days,
            "theme": s.theme,
            "status": s.route.status,
            "stops": s.stops,
        }
        for s in list_routes(session, visible=visible)
    ]
    return cached_json(request, {"data": data, "total": len(data)}, public=visible == PUBLIC)


@router.get("/{id_or_slug}.{fmt}")
def export_route(
    id_or_slug: str,
    fmt: str,
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    date: DateQuery = None,
) -> Response:
    """The route scheduled for `date` as GPX, KML, GeoJSON, iCalendar or a printable handout."""
    if fmt not in MEDIA_TYPES:
        raise NotFound("route export format", fmt)  # noqa: EM101 (an entity name)
    done = _schedule(id_or_slug, request, session, visible, date)
    itinerary = done.itinerary
    route = get_route(session, id_or_slug, visible=visible)
    if fmt == "html":
        day = itinerary.days[0].date.isoformat() if itinerary.days else ""
        body = render_handout(
            itinerary,
            title=route.name,
            map_url=f"/maps/routes/{route.slug}.png?date={day}",
            lessons=course_plan(session, route, visible=frozenset(visible)),
            translate=translator("zh"),
        )
    else:
        body = export(itinerary, fmt)
    headers = {"Content-Disposition": f'inline; filename="{route.slug}.{fmt}"'}
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get("/{id_or_slug}/schedule")
def route_schedule(
    id_or_slug: str,
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    date: DateQuery = None,
) -> dict[str, Any]:
    """The route timed for `date`, with every violation (closed, last entry, window)."""
    done = _schedule(id_or_slug, request, session, visible, date)
    return done.itinerary.to_dict() | {
        "feasible": done.feasible,
        "violations": [v.to_dict() for v in done.violations],
    }


@router.get("/{id_or_slug}", response_model=None)
def read_route(
    id_or_slug: str, request: Request, session: SessionDep, visible: VisibleDep
) -> Response:
    """One route as a GeoJSON-like FeatureCollection of its stops, each with its site."""
    route = get_route(session, id_or_slug, visible=visible)
    theme = route_theme(session, route)
    features = []
    for row in route_stops(session, route, visible=visible):
        feature = site_feature(row.site)
        feature["properties"] |= {
            "day": row.stop.day,
            "order": row.stop.position,
            "minutes": row.stop.minutes,
            "note": row.stop.note,
            "site_id": row.site.id,
        }
        features.append(feature)
    body = {
        "type": "FeatureCollection",
        "id": route.id,
        "properties": {
            "id": route.id,
            "slug": route.slug,
            "name": route.name,
            "name_en": route.name_en,
            "description": route.description,
            "kind": route.kind,
            "mode": route.mode,
            "days": route.days,
            "status": route.status,
            "theme": None if theme is None else {"slug": theme.slug, "name": theme.name},
        },
        "features": features,
    }
    return cached_json(request, body, public=visible == PUBLIC)


def _schedule(
    key: str, request: Request, session: SessionDep, visible: VisibleDep, date: dt.date | None
) -> CuratedSchedule:
    route = get_route(session, key, visible=visible)
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    return schedule_stored_route(session, route, date=date, calendar=calendar, visible=visible)
