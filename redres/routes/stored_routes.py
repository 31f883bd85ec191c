"""Stored routes and hand-arranged stops, timed over catalogue sites: what the route pages, maps,
exports and the plan check read.

A stored route's stops become plain `CuratedStop` values (each site a `Candidate`, with its
stories and lesson note) and `redres.routes.curated` times them; a route saved from a plan is
timed with that plan's window, lunch, start and end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Collection, Sequence

from pydantic import ValidationError
from sqlmodel import Session, col, select

from redres.catalog.enums import PUBLIC, Status
from redres.catalog.models import Route, Site
from redres.catalog.route_store import get_route, route_stops
from redres.hours.china_time import CHINA_TIME
from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import HolidayLookup, Interval
from redres.messages import Message
from redres.routes.answer import Itinerary
from redres.routes.candidates import candidate_of, notes_of, site_place
from redres.routes.curated import CuratedSchedule, CuratedStop, schedule_curated
from redres.routes.errors import InvalidPlanRequest
from redres.routes.model import DEFAULT_WINDOW, Place, PlanRequest, SiteName
from redres.routes.plan_schemas import CheckIn, PlanIn
from redres.routes.travel import TravelModel

log = logging.getLogger(__name__)


def curated_stops(
    session: Session, route: Route, *, visible: Collection[Status] = PUBLIC
) -> list[CuratedStop]:
    """A stored route's stops as plain `CuratedStop` values, with each site's stories."""
    rows = route_stops(session, route, visible=visible)
    ids = [r.site.id for r in rows if r.site.id is not None]
    notes = notes_of(session, ids)
    return [
        CuratedStop(
            candidate=candidate_of(r.site, {}, {}, notes),
            day=r.stop.day,
            minutes=r.stop.minutes,
            note=r.stop.note,
            note_en=r.stop.note_en,
        )
        for r in rows
    ]


def check_arranged_stops(
    session: Session,
    body: CheckIn,
    *,
    visible: Collection[Status],
    calendar: HolidayLookup,
    travel: TravelModel | None,
) -> CuratedSchedule:
    """Time stops arranged by hand and record what breaks: the one check behind the API's
    `/api/plan/check` and the `/plan/check` page, so both give the same schedule."""
    return schedule_curated(
        stops_from_slugs(session, body.stops, visible=visible),
        date=body.date,
        calendar=calendar,
        mode=body.mode,
        window=Interval.parse(body.window),
        lunch=Interval.parse(body.lunch) if body.lunch else None,
        start=None if body.start is None else Place(body.start.lon, body.start.lat, "start"),
        end=None if body.end is None else Place(body.end.lon, body.end.lat, "end"),
        reorder=body.reorder,
        travel=travel,
    )


def stops_from_slugs(
    session: Session, days: Sequence[Sequence[str]], *, visible: Collection[Status] = PUBLIC
) -> list[CuratedStop]:
    """Stops a teacher arranged by hand (site slugs per day) as plain `CuratedStop` values.

    Raises
    ------
    InvalidPlanRequest
        When a slug is not a site the caller may see.
    """
    wanted = {slug for day in days for slug in day}
    sites = {
        s.slug: s
        for s in session.exec(
            select(Site).where(col(Site.slug).in_(wanted), col(Site.status).in_(list(visible)))
        )
    }
    missing = sorted(wanted - set(sites))
    if missing:
        raise InvalidPlanRequest(Message("e_route_site", slug=missing[0]))
    notes = notes_of(session, [s.id for s in sites.values() if s.id is not None])
    return [
        CuratedStop(candidate_of(sites[slug], {}, {}, notes), day=d)
        for d, day in enumerate(days, 1)
        for slug in day
    ]


def schedule_stored_route(
    session: Session,
    route: Route,
    *,
    date: dt.date | None,
    calendar: HolidayLookup,
    travel: TravelModel | None = None,
    today: dt.date | None = None,
    visible: Collection[Status] = PUBLIC,
    horizon_days: int = 14,
    window: Interval | None = None,
    lunch: Interval | None = None,
) -> CuratedSchedule:
    """Schedule a stored route for `date`, or for the next day it runs without violations.

    A route saved from a plan is timed with that plan's day window, lunch break, start and
    end, and without a date on the plan's own date, so it shows the stops at the times the
    plan gave. Other routes: without a date, the days from tomorrow (China time) over
    `horizon_days` are tried in turn and the first feasible one is used; if none is,
    tomorrow's schedule is returned with its violations, so the caller still sees what
    breaks. `window`/`lunch` given here win over the plan's. Each stop carries its lesson note.
    """
    stops = curated_stops(session, route, visible=visible)
    name = route.name
    planned = route_plan(session, route, visible=visible)
    start = end = None
    if planned is not None:
        window = window or planned.window
        lunch = lunch or planned.lunch
        start, end = _as_place(planned.start), _as_place(planned.end)
        date = date or planned.date
    window = window or DEFAULT_WINDOW

    def run(day: dt.date) -> CuratedSchedule:
        done = schedule_curated(
            stops,
            date=day,
            calendar=calendar,
            mode=str(route.mode),
            travel=travel,
            name=name,
            window=window,
            lunch=lunch,
            start=start,
            end=end,
        )
        if planned is None:
            return done
        itinerary = dataclasses.replace(
            done.itinerary, group_size=planned.group_size, ticket_budget=planned.ticket_budget
        )
        return dataclasses.replace(done, itinerary=itinerary)

    if date is not None:
        return run(date)
    first = (today or dt.datetime.now(CHINA_TIME).date()) + dt.timedelta(days=1)
    tried = run(first)
    for offset in range(horizon_days):
        found = tried if offset == 0 else run(first + dt.timedelta(days=offset))
        if found.feasible:
            return found
    return tried


def route_plan(
    session: Session, route: Route, *, visible: Collection[Status] = PUBLIC
) -> PlanRequest | None:
    """The plan request a saved route came from, its start and end as the sites' points
    (`end` None is back to the start, as the planner reads it); None for other routes.

    A stored plan that no longer validates is logged and read as no plan, never an error; a
    start or end site since deleted or hidden is read as none.
    """
    if not route.plan:
        return None
    try:
        request = PlanIn.model_validate(route.plan).to_request()
    except (ValidationError, ValueError):
        log.warning("route %s has an unreadable stored plan", route.slug)
        return None
    start = _site_place(session, request.start, visible)
    end = start if request.end is None else _site_place(session, request.end, visible)
    return dataclasses.replace(request, start=start, end=end)


def _site_place(
    session: Session, ref: Place | str | SiteName | None, visible: Collection[Status]
) -> Place | None:
    if ref is None or isinstance(ref, Place):
        return ref
    return site_place(session, ref.name if isinstance(ref, SiteName) else ref, visible)


def _as_place(ref: Place | str | SiteName | None) -> Place | None:
    return ref if isinstance(ref, Place) else None


def route_itinerary(
    session: Session,
    slug: str | Route,
    *,
    calendar: HolidayLookup | None = None,
    date: dt.date | None = None,
    visible: Collection[Status] = PUBLIC,
) -> Itinerary:
    """A stored route timed for `date` (or the next day it runs), named as the route, each stop
    with its lesson note: what the maps draw.

    Raises
    ------
    NotFound
        If no route with that slug is visible to the caller.
    """
    route = slug if isinstance(slug, Route) else get_route(session, slug, visible=visible)
    done = schedule_stored_route(
        session, route, date=date, calendar=calendar or default_calendar(), visible=visible
    )
    return done.itinerary
