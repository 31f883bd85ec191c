"""`POST /api/plan`: a plan request in, the itinerary of DESIGN.md out (published sites only).

Requests are validated by `redres.routes.plan_schemas` (the planner pages use the same models)
and solved through the app's `PlanGate` (`redres.api.solving`): limited per anonymous client,
a bounded number at once, off the event loop.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from redres.api.deps import SessionDep, VisibleDep
from redres.api.handouts import handout_html
from redres.api.itinerary_bodies import ItineraryBody, ScheduleBody
from redres.api.responses import ok
from redres.api.solving import (
    GateDep,
    PlanRefused,
    SignedInDep,
    interactive_params,
    seconds_header,
)
from redres.hours.holidays_cn import calendar_with_dir
from redres.routes.answer import Itinerary
from redres.routes.candidates import plan_catalog
from redres.routes.curated import CuratedSchedule
from redres.routes.export import MEDIA_TYPES, export
from redres.routes.plan_schemas import CheckIn, PlanIn
from redres.routes.planner import PlannerParams
from redres.routes.road_source import travel_model
from redres.routes.stored_routes import check_arranged_stops

router = APIRouter(prefix="/api/plan", tags=["plan"])

FormatQuery = Annotated[
    Literal["json", "gpx", "kml", "geojson", "ics", "html"],
    Query(description="json (default) or a file format"),
]

REFUSALS: dict[int | str, dict[str, Any]] = {
    422: {"description": "The request is malformed or cannot be planned as asked"},
    429: {"description": "Too many plan requests from this address (visitors not signed in)"},
    503: {"description": "Every solve slot stayed busy; retry after Retry-After seconds"},
}


@router.post("", response_model=None, responses=ok(ItineraryBody) | REFUSALS)
async def post_plan(
    body: PlanIn,
    request: Request,
    response: Response,
    session: SessionDep,
    visible: VisibleDep,
    gate: GateDep,
    staff: SignedInDep,
    format: FormatQuery = "json",
) -> dict[str, Any] | Response:
    """Plan a study route; every candidate left out comes back with its reason.

    ``?format=gpx|kml|geojson|ics|html`` answers with that file instead of the JSON. The solver
    gets at most the caller's allowance of seconds (less for visitors who are not signed in);
    the ``X-Plan-Time-Limit`` header says how many it got.
    """
    plan_request = body.to_request()
    seconds = gate.time_limit(body.time_limit, signed_in=staff)
    params = PlannerParams(solve=interactive_params(seconds, body.seed))
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)
    try:
        gate.admit(request, signed_in=staff)
        itinerary = await gate.run(
            lambda: plan_catalog(
                session,
                plan_request,
                calendar=calendar,
                params=params,
                visible=visible,
                travel=travel_model(request.app.state.settings, session),
            )
        )
    except PlanRefused as exc:
        raise exc.http() from exc
    response.headers.update(seconds_header(seconds))
    return _answer(request, itinerary, format, extra={}, headers=seconds_header(seconds))


@router.post("/check", response_model=None, responses=ok(ScheduleBody) | REFUSALS)
async def check_stops(
    body: CheckIn,
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    gate: GateDep,
    staff: SignedInDep,
    format: FormatQuery = "json",
) -> dict[str, Any] | Response:
    """Time stops arranged by hand and report what breaks (closed, last entry, window)."""
    calendar = calendar_with_dir(request.app.state.settings.holiday_dir)

    def check() -> CuratedSchedule:
        travel = travel_model(request.app.state.settings, session)
        return check_arranged_stops(
            session, body, visible=visible, calendar=calendar, travel=travel
        )

    try:
        gate.admit(request, signed_in=staff)
        done = await gate.run(check)
    except PlanRefused as exc:
        raise exc.http() from exc
    extra = {"feasible": done.feasible, "violations": [v.to_dict() for v in done.violations]}
    return _answer(request, done.itinerary, format, extra=extra)


def _answer(
    request: Request,
    itinerary: Itinerary,
    fmt: str,
    *,
    extra: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> dict[str, Any] | Response:
    if fmt == "json":
        return itinerary.to_dict() | extra
    body = handout_html(request, itinerary) if fmt == "html" else export(itinerary, fmt)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)
