"""Study routes: lists, one route with its stops, its exports, and writes by owners and editors.

`GET /api/routes/{id_or_slug}.gpx|.kml|.geojson|.ics|.html` schedules the route for `?date=`
(default: a saved plan's own date, else the next day it runs without violations) and returns
the file; a saved plan is timed with its own window, lunch, start and end. Who may read or change
a route is `redres.catalog.route_access`: teachers own the routes they save and share them by
link; editors change any route and alone publish.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, MemberDep, ReaderDep, SessionDep, require_member
from redres.api.handouts import handout_html, stop_photos
from redres.api.i18n import pick_language, translator
from redres.api.itinerary_bodies import ScheduleBody
from redres.api.responses import PRECONDITION, ok
from redres.api.restoring import add_restore_endpoint
from redres.api.route_bodies import RouteBody, RouteList, route_body
from redres.api.solving import GateDep, PlanGate, interactive_params
from redres.catalog import route_access
from redres.catalog.account_tables import User
from redres.catalog.course_places import course_plan
from redres.catalog.enums import Status, TravelMode
from redres.catalog.errors import NotFound
from redres.catalog.models import Route
from redres.catalog.route_access import Reader
from redres.catalog.route_edits import (
    create_route,
    save_planned_route,
    set_route_status,
    update_route,
)
from redres.catalog.route_schemas import NewRoute, PlannedRouteIn, RouteIn, RouteUpdate
from redres.catalog.route_store import (
    count_routes,
    get_route,
    list_routes,
    route_stops,
    route_theme,
)
from redres.catalog.versions import claim
from redres.errors import InvalidRequest
from redres.hours.holidays_cn import calendar_with_dir
from redres.routes.curated import CuratedSchedule
from redres.routes.errors import RouteRefused
from redres.routes.export import MEDIA_TYPES, export
from redres.routes.plan_save import plan_to_save, recheck_route, restore_checked, stop_order
from redres.routes.plan_schemas import PlanIn
from redres.routes.planner import PlannerParams
from redres.routes.road_source import travel_model
from redres.routes.stored_routes import schedule_stored_route

router = APIRouter(prefix="/api/routes", tags=["routes"])

ShareQuery = Annotated[str | None, Query(max_length=64, description="a route's share token")]
DateQuery = Annotated[dt.date | None, Query(description="YYYY-MM-DD; default: next day it runs")]


@router.get("", response_model=None, responses=ok(RouteList))
def read_routes(
    request: Request,
    session: SessionDep,
    reader: ReaderDep,
    mine: Annotated[bool, Query(description="only the caller's own routes")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """The routes the caller may see (published, their own, everything for staff), a page of
    them by name with the total."""
    if mine and reader.user_id is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "sign in first", headers={"WWW-Authenticate": "Bearer"}
        )
    seen: dict[str, Any] = {"visible": reader.statuses(), "owner_id": reader.user_id, "mine": mine}
    data = [
        {
            "id": s.route.id,
            "slug": s.route.slug,
            "name": s.route.name,
            "name_en": s.route.name_en,
            "description": s.route.description,
            "description_en": s.route.description_en,
            "kind": s.route.kind,
            "mode": s.route.mode,
            "days": s.route.days,
            "theme": s.theme,
            "status": s.route.status,
            "stops": s.stops,
            "owned": reader.user_id is not None and s.route.owner_id == reader.user_id,
        }
        for s in list_routes(session, limit=limit, offset=offset, **seen)
    ]
    body = {"data": data, "total": count_routes(session, **seen)}
    return cached_json(request, body, public=reader == Reader())


@router.get("/{id_or_slug}.{fmt}")
def export_route(
    id_or_slug: str,
    fmt: str,
    request: Request,
    session: SessionDep,
    reader: ReaderDep,
    date: DateQuery = None,
    share: ShareQuery = None,
) -> Response:
    """The route scheduled for `date` as GPX, KML, GeoJSON, iCalendar or a printable handout."""
    if fmt not in MEDIA_TYPES:
        raise NotFound("route export format", fmt)  # noqa: EM101 (an entity name)
    route = _readable(session, id_or_slug, reader, share)
    done = _schedule(route, request, session, reader, date)
    itinerary = done.itinerary
    if fmt == "html":
        itinerary = done.noted()  # the printed sheet warns of what breaks on the day too
        day = itinerary.days[0].date.isoformat() if itinerary.days else ""
        lang = pick_language(request)
        body = handout_html(
            request,
            itinerary,
            title=route.name_en or route.name if lang == "en" else route.name,
            map_url=f"/maps/routes/{route.slug}.png?date={day}&lang={lang}"
            + (f"&share={quote(share)}" if share else ""),
            lessons=course_plan(
                session,
                route,
                visible=reader.statuses(),
                words=translator(lang) if lang == "en" else None,
            ),
            photos=stop_photos(session, itinerary, reader.statuses()),
        )
    else:
        body = export(itinerary, fmt)
    headers = {"Content-Disposition": f'inline; filename="{route.slug}.{fmt}"'}
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


@router.get("/{id_or_slug}/schedule", response_model=None, responses=ok(ScheduleBody))
def route_schedule(
    id_or_slug: str,
    request: Request,
    session: SessionDep,
    reader: ReaderDep,
    date: DateQuery = None,
    share: ShareQuery = None,
) -> dict[str, Any]:
    """The route timed for `date`, with every violation (closed, last entry, window)."""
    route = _readable(session, id_or_slug, reader, share)
    done = _schedule(route, request, session, reader, date)
    return done.itinerary.to_dict() | {
        "feasible": done.feasible,
        "violations": [v.to_dict() for v in done.violations],
    }


@router.get("/shared/{token}", response_model=None, responses=ok(RouteBody))
def read_shared_route(token: str, request: Request, session: SessionDep) -> Response:
    """A route by its share link: readable by whoever holds the link, never listed or indexed."""
    route = route_access.shared_route(session, token)
    body = route_body(session, route)
    response = cached_json(request, body, public=False, version=route.version)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@router.get("/{id_or_slug}", response_model=None, responses=ok(RouteBody))
def read_route(
    id_or_slug: str, request: Request, session: SessionDep, reader: ReaderDep
) -> Response:
    """One route as a GeoJSON-like FeatureCollection of its stops, each with its site."""
    route = _readable(session, id_or_slug, reader)
    body = route_body(session, route, visible=reader.statuses())
    public = reader == Reader() and route.status == Status.published
    return cached_json(request, body, public=public, version=route.version)


@router.post(
    "",
    status_code=201,
    response_model=RouteBody,
    responses={422: {"description": "malformed, or the plan's itinerary does not hold"}},
)
def add_route(
    body: NewRoute, request: Request, session: SessionDep, user: MemberDep, gate: GateDep
) -> dict[str, Any]:
    """Save a new route as a draft owned by the caller (teachers and editors).

    Either stops day by day, or `{"name", "plan", "itinerary"?}`: a plan request and the
    itinerary it gave, re-checked for that plan (422 with the reasons when it does not hold,
    in the reader's language with `detail_en`),
    or solved here when no itinerary is given. The route keeps the plan: its schedule without
    a date is the plan's, stop for stop and minute for minute.
    """
    try:
        if isinstance(body, PlannedRouteIn):
            return _save_plan(body, request, session, user, gate)
        return _save_stops(body, session, user)
    except InvalidRequest as exc:  # said as the reader reads (a 409 Conflict is already)
        raise RouteRefused(*exc.args) from exc


def _save_stops(body: RouteIn, session: Session, user: User) -> dict[str, Any]:
    route = create_route(
        session,
        actor=user.username,
        name=body.name,
        stops=body.stops(),
        description=body.description,
        description_en=body.description_en,
        name_en=body.name_en,
        mode=body.mode,
        theme=body.theme,
        owner_id=user.id,
        visible=Reader.of(user).statuses(),
    )
    return route_body(session, route, visible=Reader.of(user).statuses())


def _save_plan(
    body: PlannedRouteIn, request: Request, session: Session, user: User, gate: PlanGate
) -> dict[str, Any]:
    try:
        plan = PlanIn.model_validate(body.plan)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)  # the context words the 422 (limits, reasons)
        raise RequestValidationError(
            [e | {"loc": ("body", "plan", *e["loc"])} for e in errors]
        ) from exc
    visible = Reader.of(user).statuses()
    seconds = gate.time_limit(plan.time_limit, signed_in=True)
    saved = plan_to_save(
        session,
        plan,
        body.itinerary,
        calendar=calendar_with_dir(request.app.state.settings.holiday_dir),
        params=PlannerParams(solve=interactive_params(seconds, plan.seed)),
        visible=visible,
    )
    route = save_planned_route(
        session,
        slug=None,
        name=body.name,
        description=body.description,
        description_en=body.description_en,
        name_en=body.name_en,
        stops=saved.stops,
        mode=TravelMode(plan.mode),
        theme=body.theme or saved.theme,
        owner_id=user.id,
        plan=saved.plan,
        days=saved.days,
        actor=user.username,
    )
    return route_body(session, route, visible=visible)


@router.patch("/{id_or_slug}", response_model=RouteBody, responses=PRECONDITION)
def change_route(
    id_or_slug: str,
    body: RouteUpdate,
    request: Request,
    session: SessionDep,
    user: MemberDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Change a route: its owner while it is not published, editors always. Audited.

    With `If-Match` (an ETag of a read), nothing is written if the route changed since: 412.
    A saved plan's changed stops are re-checked for it as saving checks them (422, no write).
    """
    reader = Reader.of(user)
    route = route_access.route_to_change(session, id_or_slug, reader)
    claim(session, route, expected)
    given = body.model_fields_set
    theme = route_theme(session, route)
    current = [
        [
            (r.site.slug, r.stop.note, r.stop.note_en)
            for r in route_stops(session, route, visible=frozenset(Status))
            if r.stop.day == day
        ]
        for day in range(1, route.days + 1)
    ]
    before = stop_order(session, route)
    update_route(
        session,
        route,
        actor=user.username,
        name=body.name if body.name is not None else route.name,
        stops=body.stops() if body.days is not None else current,
        description=body.description if "description" in given else route.description,
        description_en=(body.description_en if "description_en" in given else route.description_en),
        name_en=body.name_en if "name_en" in given else route.name_en,
        mode=body.mode,
        theme=(body.theme if "theme" in given else (theme.slug if theme else None)),
        visible=reader.statuses(),
    )
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    recheck_route(session, route, before=before, calendar=calendar, visible=reader.statuses())
    return _tagged(session, route, user, response)


@router.delete("/{id_or_slug}", response_model=RouteBody, responses=PRECONDITION)
def archive_route(
    id_or_slug: str,
    session: SessionDep,
    user: MemberDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Archive a route (its owner until it is published, or an editor); it keeps its history.

    `If-Match` as for PATCH.
    """
    route = route_access.route_to_change(session, id_or_slug, Reader.of(user))
    claim(session, route, expected)
    set_route_status(session, route, Status.archived, actor=user.username)
    return _tagged(session, route, user, response)


@router.post("/{id_or_slug}/publish", response_model=RouteBody)
def publish_route(id_or_slug: str, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    """Publish a route for everyone to read; editors only."""
    route = get_route(session, id_or_slug, visible=frozenset(Status))
    set_route_status(session, route, Status.published, actor=editor.username)
    return route_body(session, route, visible=frozenset(Status))


@router.post("/{id_or_slug}/unpublish", response_model=RouteBody)
def unpublish_route(id_or_slug: str, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    """Take a route back to draft; editors only."""
    route = get_route(session, id_or_slug, visible=frozenset(Status))
    set_route_status(session, route, Status.draft, actor=editor.username)
    return route_body(session, route, visible=frozenset(Status))


add_restore_endpoint(
    router,
    key="id_or_slug",
    who=require_member,
    find=lambda session, key, user: route_access.route_to_change(session, key, Reader.of(user)),
    restore=lambda request, session, route, entry, user: restore_checked(
        session,
        route,
        entry,
        actor=user.username,
        calendar=calendar_with_dir(request.app.state.settings.holiday_dir),
        visible=Reader.of(user).statuses(),
    ),
    answer=lambda session, route, user: route_body(
        session, route, visible=Reader.of(user).statuses()
    ),
    description="Bring the route's details and stops back to how they were after `entry_id`.",
    summary="Restore Route",
    response_model=RouteBody,
)


def _tagged(session: Session, route: Route, user: User, response: Response) -> dict[str, Any]:
    """A written route as its writer reads it, with the ETag such a read would carry."""
    session.flush()
    body = route_body(session, route, visible=Reader.of(user).statuses())
    tag_write(response, body, route.version)
    return body


def _readable(session: Session, key: str, reader: Reader, share: str | None = None) -> Route:
    return route_access.find_route(session, key, reader, share=share)


def _schedule(
    route: Route, request: Request, session: Session, reader: Reader, date: dt.date | None
) -> CuratedSchedule:
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    visible = reader.statuses()
    travel = travel_model(request.app.state.settings, session)
    return schedule_stored_route(
        session, route, date=date, calendar=calendar, visible=visible, travel=travel
    )
