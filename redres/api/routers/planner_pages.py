"""The teachers' planner pages: the request form, the itinerary with its "why not" list,
hand adjustments re-checked for the date, downloads, and saving as a draft route."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from redres.api.deps import SessionDep, VisibleDep
from redres.api.i18n import translator
from redres.api.routers.pages import error_messages, render
from redres.api.routers.plan import PlanIn
from redres.api.session import check_csrf, csrf_token, session_user
from redres.catalog import route_access
from redres.catalog.enums import Status, TravelMode
from redres.catalog.holidays_cn import calendar_with_dir
from redres.catalog.hours import Interval
from redres.catalog.models import pk
from redres.catalog.route_store import (
    StopInput,
    get_route,
    list_routes,
    save_planned_route,
    set_route_status,
    theme_counts,
)
from redres.catalog.sites import PUBLIC
from redres.catalog.slugs import slugify
from redres.maps.options import MapSettings
from redres.maps.render import to_html
from redres.maps.route_map import route_map
from redres.routes.candidates import plan_catalog, stops_from_slugs
from redres.routes.curated import schedule_curated
from redres.routes.errors import InvalidPlanRequest
from redres.routes.export import MEDIA_TYPES, export
from redres.routes.handout import render_handout
from redres.routes.model import Itinerary
from redres.routes.planner import PlannerParams
from redres.routes.solver import SolveParams

router = APIRouter(include_in_schema=False)

Multi = Annotated[list[str] | None, Query(max_length=50)]
MODES = ("walk", "bike", "bus", "coach", "drive")


@router.get("/plan", response_class=HTMLResponse)
def plan_page(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    theme: Multi = None,
    date: dt.date | None = None,
    days: Annotated[int, Query(ge=1, le=7)] = 1,
    start: Annotated[str, Query(max_length=120)] = "",
    mode: Annotated[str, Query(max_length=10)] = "walk",
    group: Annotated[int, Query(ge=1, le=10_000)] = 1,
    window: Annotated[str, Query(max_length=11)] = "08:30-17:30",
    lunch: Annotated[str, Query(max_length=11)] = "",
    must: Multi = None,
    exclude: Multi = None,
    max_stops: Annotated[int | None, Query(ge=1, le=50)] = None,
) -> HTMLResponse:
    """The form; with themes and a date, the itinerary below it."""
    form = {
        "theme": theme or [],
        "date": date,
        "days": days,
        "start": start,
        "mode": mode,
        "group": group,
        "window": window,
        "lunch": lunch,
        "must": must or [],
        "exclude": exclude or [],
        "max_stops": max_stops,
    }
    context: dict[str, Any] = {
        "form": form,
        "modes": MODES,
        "query": request.url.query,
        "themes": theme_counts(session, visible=visible),
        "errors": [],
    }
    if theme and date:
        try:
            itinerary = _plan(request, session, visible, form)
        except (ValidationError, InvalidPlanRequest, ValueError) as exc:
            context["errors"] = error_messages(exc)
            return render(request, "plan.html", context, 422)
        context["plan"] = itinerary.to_dict()
        context["stops_text"] = _stops_text(context["plan"])
    return render(request, "plan.html", context)


@router.get("/maps/plan.html", response_class=HTMLResponse)
def plan_map(request: Request, session: SessionDep, visible: VisibleDep) -> Response:
    """The map of the plan that `/plan` shows for the same query (numbered stops, legs)."""
    try:
        itinerary = _plan(request, session, visible, _form_from_query(request))
    except (ValidationError, InvalidPlanRequest, ValueError) as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "; ".join(error_messages(exc))
        ) from exc
    settings = MapSettings.from_settings(request.app.state.settings)
    page = to_html(route_map(itinerary.to_dict(), settings=settings), settings=settings)
    return HTMLResponse(page)


@router.get("/plan/export.{fmt}")
def plan_export(request: Request, fmt: str, session: SessionDep, visible: VisibleDep) -> Response:
    """The same plan as a file: GPX, KML, GeoJSON, iCalendar or the printable handout."""
    if fmt not in MEDIA_TYPES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no export format {fmt!r}")
    try:
        itinerary = _plan(request, session, visible, _form_from_query(request))
    except (ValidationError, InvalidPlanRequest, ValueError) as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "; ".join(error_messages(exc))
        ) from exc
    body = (
        render_handout(itinerary, translate=translator("zh"))
        if fmt == "html"
        else export(itinerary, fmt)
    )
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'inline; filename="plan.{fmt}"'},
    )


@router.get("/plan/check", response_class=HTMLResponse)
def check_page(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    date: dt.date,
    stops: Annotated[str, Query(max_length=5000)],
    mode: Annotated[str, Query(max_length=10)] = "walk",
    window: Annotated[str, Query(max_length=11)] = "08:30-17:30",
    lunch: Annotated[str, Query(max_length=11)] = "",
    reorder: bool = False,
) -> HTMLResponse:
    """Stops arranged by hand (one slug a line, a blank line between days), timed and checked."""
    days = _parse_stops(stops)
    context: dict[str, Any] = {
        "date": date,
        "stops_text": stops,
        "mode": mode,
        "window": window,
        "lunch": lunch,
        "errors": [],
        "csrf": csrf_token(request),
        "signed_in": session_user(request, session) is not None,
    }
    try:
        if mode not in MODES:
            msg = f"unknown travel mode {mode!r}"
            raise InvalidPlanRequest(msg)
        done = schedule_curated(
            stops_from_slugs(session, days, visible=visible),
            date=date,
            calendar=calendar_with_dir(request.app.state.settings.holiday_dir),
            mode=mode,
            window=Interval.parse(window),
            lunch=Interval.parse(lunch) if lunch else None,
            reorder=reorder,
        )
    except (InvalidPlanRequest, ValueError) as exc:
        context["errors"] = error_messages(exc)
        return render(request, "plan_check.html", context, 422)
    context["plan"] = done.itinerary.to_dict()
    context["violations"] = [v.to_dict() for v in done.violations]
    context["stops_text"] = _stops_text(context["plan"]) if reorder else stops
    return render(request, "plan_check.html", context)


@router.post("/plan/save")
def save_plan(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    stops: Annotated[str, Form(max_length=5000)],
    mode: Annotated[str, Form(max_length=10)] = "walk",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Keep an arranged plan as a draft route of the signed-in teacher or editor."""
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/plan", status_code=303)
    check_csrf(request, csrf)
    if mode not in MODES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"unknown travel mode {mode!r}")
    days = _parse_stops(stops)
    sites = {
        c.candidate.slug: c.candidate.id for c in stops_from_slugs(session, days, visible=PUBLIC)
    }
    inputs = [
        StopInput(site_id=sites[slug], day=d, position=i)
        for d, day in enumerate(days, 1)
        for i, slug in enumerate(day, 1)
    ]
    base = slugify(name)
    route = save_planned_route(
        session,
        slug=f"{base}-{dt.datetime.now().strftime('%Y%m%d%H%M%S')}",
        name=name,
        stops=inputs,
        mode=TravelMode(mode),
        owner_id=user.id,
    )
    return RedirectResponse(f"/plan/saved/{route.slug}", status_code=303)


@router.get("/plan/saved/{slug}", response_class=HTMLResponse)
def saved_page(request: Request, slug: str) -> HTMLResponse:
    """Confirmation that a draft route was saved."""
    return render(request, "plan_saved.html", {"slug": slug})


@router.get("/plan/mine", response_class=HTMLResponse)
def my_routes(request: Request, session: SessionDep) -> Response:
    """The signed-in user's own routes, each with its share link (made or revoked here)."""
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/plan/mine", status_code=303)
    routes = list_routes(session, owner_id=user.id, mine=True)
    return render(
        request,
        "plan_mine.html",
        {"routes": routes, "csrf": csrf_token(request), "base_url": str(request.base_url)},
    )


@router.post("/plan/mine/{slug}/{action}")
def my_route_action(
    request: Request,
    session: SessionDep,
    slug: str,
    action: Literal["share", "unshare", "archive"],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Share, stop sharing or archive one of the user's own routes (CSRF-checked form)."""
    user = session_user(request, session)
    if user is None:
        return RedirectResponse("/login?next=/plan/mine", status_code=303)
    check_csrf(request, csrf)
    route = get_route(session, slug, visible=frozenset(), owner_id=user.id)
    route = route_access.route_to_change(session, pk(route), route_access.Reader.of(user))
    if action == "share":
        route_access.share(session, route, actor=user.username)
    elif action == "unshare":
        route_access.unshare(session, route, actor=user.username)
    else:
        set_route_status(session, route, Status.archived, actor=user.username)
    return RedirectResponse("/plan/mine", status_code=303)


def _plan(
    request: Request, session: SessionDep, visible: VisibleDep, form: dict[str, Any]
) -> Itinerary:
    body = PlanIn(
        themes={
            t.split("=")[0]: float(t.split("=")[1]) if "=" in t else 1.0 for t in form["theme"]
        },
        date=form["date"],
        days=form["days"],
        start=_start(form["start"]),
        mode=form["mode"],
        group_size=form["group"],
        window=form["window"],
        lunch=form["lunch"] or None,
        must=form["must"],
        exclude=form["exclude"],
        max_stops=form["max_stops"],
    )
    params = PlannerParams(solve=SolveParams(time_limit=body.time_limit, seed=body.seed))
    return plan_catalog(
        session,
        body.to_request(),
        calendar=calendar_with_dir(request.app.state.settings.holiday_dir),
        params=params,
        visible=visible,
    )


def _form_from_query(request: Request) -> dict[str, Any]:
    """The plan form's values from a query string (for the map and the downloads)."""
    params = request.query_params
    return {
        "theme": params.getlist("theme"),
        "date": params.get("date"),
        "days": params.get("days", 1),
        "start": params.get("start", ""),
        "mode": params.get("mode", "walk"),
        "group": params.get("group", 1),
        "window": params.get("window", "08:30-17:30"),
        "lunch": params.get("lunch", ""),
        "must": params.getlist("must"),
        "exclude": params.getlist("exclude"),
        "max_stops": params.get("max_stops") or None,
    }


def _start(raw: str) -> dict[str, Any] | None:
    raw = raw.strip()
    if not raw:
        return None
    if re.fullmatch(r"-?\d+(\.\d+)?,\s*-?\d+(\.\d+)?", raw):
        lon, lat = (float(x) for x in raw.split(","))
        return {"lon": lon, "lat": lat}
    return {"site": raw}


def _parse_stops(text: str) -> list[list[str]]:
    days = [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    ]
    days = [d for d in days if d]
    if not days:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "no stops given")
    return days


def _stops_text(plan: dict[str, Any]) -> str:
    return "\n\n".join("\n".join(s["slug"] for s in day["stops"]) for day in plan["days"])
