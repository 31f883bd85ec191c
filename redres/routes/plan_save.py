"""Saving a plan as a route: the stops to store and the plan request to keep with them.

A teacher saves either the itinerary a plan request gave (which is re-checked for that request's
date, window, lunch, start, end and group before anything is written: a client may have changed
it) or, with no itinerary, the plan is solved here. The route keeps the request (start and end
resolved to sites or points), so `redres.routes.stored_routes.schedule_stored_route` times it
exactly as the plan was timed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from redres.catalog.enums import PUBLIC, Status
from redres.catalog.models import Route, Site, SiteTheme, Theme
from redres.catalog.route_edits import StopInput, restore_route_version
from redres.catalog.route_store import route_stops
from redres.hours.opening import HolidayLookup
from redres.labels import LABELS
from redres.messages import Message, Sentences
from redres.routes.answer import Itinerary
from redres.routes.candidates import plan_catalog, site_place
from redres.routes.curated import CuratedSchedule, CuratedStop, schedule_curated
from redres.routes.errors import InvalidPlanRequest, PlanNotHeld
from redres.routes.model import Place, PlanRequest, SiteName
from redres.routes.place_names import resolve_place_names
from redres.routes.plan_schemas import MAX_STOPS_PER_DAY, PlanIn
from redres.routes.planner import PlannerParams
from redres.routes.stored_routes import curated_stops, route_plan, stops_from_slugs

KEPT_FIELDS = frozenset(
    {
        "themes",
        "date",
        "days",
        "start",
        "end",
        "mode",
        "group_size",
        "window",
        "lunch",
        "must",
        "exclude",
        "max_stops",
        "unknown_hours",
        "ticket_budget",
        "kind_caps",
        "chronological",
    }
)
"""What a route keeps of its plan request (not the solver's seconds or seed)."""


@dataclass(frozen=True, slots=True)
class PlanToSave:
    """The stops to store (day and order kept, empty days too) and the plan to keep."""

    stops: tuple[StopInput, ...]
    plan: dict[str, Any]
    days: int
    itinerary: Itinerary

    @property
    def theme(self) -> str:
        """The plan's main theme (the heaviest; ties by slug), as the route's theme."""
        themes: dict[str, float] = self.plan["themes"]
        return min(themes, key=lambda slug: (-themes[slug], slug))


def plan_to_save(
    session: Session,
    body: PlanIn,
    itinerary: Mapping[str, Any] | None,
    *,
    calendar: HolidayLookup,
    params: PlannerParams | None = None,
    today: dt.date | None = None,
    visible: Collection[Status] = PUBLIC,
) -> PlanToSave:
    """The route a plan request (and optionally the itinerary it gave) saves as.

    Raises
    ------
    InvalidPlanRequest
        When the request cannot be planned, the itinerary is malformed, or it does not hold
        for the request (a site closed that day, over the window, too small for the group,
        excluded): the message lists every reason.
    """
    request = resolve_place_names(session, body.to_request(), visible=visible)
    if itinerary is None:
        solved = plan_catalog(
            session, request, calendar=calendar, params=params, today=today, visible=visible
        )
        days = [[s.slug for s in day.stops] for day in solved.days]
    else:
        _known_themes(session, request)
        days = _days_of(itinerary, request.days)
    found = stops_from_slugs(session, days, visible=visible)
    done = _check(session, found, request, calendar=calendar, visible=visible)
    order: dict[int, int] = {}
    stops = []
    for stop in found:
        order[stop.day] = order.get(stop.day, 0) + 1
        stops.append(StopInput(stop.day, order[stop.day], stop.candidate.id))
    return PlanToSave(tuple(stops), _kept(body, request), request.days, done.itinerary)


def recheck_route(
    session: Session,
    route: Route,
    *,
    before: Sequence[tuple[int, str]],
    calendar: HolidayLookup,
    visible: Collection[Status] = PUBLIC,
) -> None:
    """Re-check a saved route's stops, as they now stand, against the plan it keeps: an edit
    that re-orders or swaps stops must hold for that plan as the saved itinerary had to (the
    same check as `plan_to_save`). Not checked: routes without a (readable) plan, and edits
    that leave the stops as they were (`before`, from `stop_order`), so a route whose site
    has since closed can still be renamed.

    Raises
    ------
    PlanNotHeld
        Naming every reason the edited stops break the plan (times, day windows, the group,
        the ticket budget, kind caps), or when they run over the plan's days.
    """
    request = route_plan(session, route, visible=visible)
    if request is None or stop_order(session, route) == list(before):
        return
    found = curated_stops(session, route, visible=frozenset(Status))
    last = max((s.day for s in found), default=0)
    if last > request.days:
        raise PlanNotHeld(Message("e_itinerary_days", count=last, days=request.days))
    _check(session, found, request, calendar=calendar, visible=visible, edited=True)


def restore_checked(
    session: Session,
    route: Route,
    entry_id: int,
    *,
    actor: str,
    calendar: HolidayLookup,
    visible: Collection[Status] = PUBLIC,
) -> Route:
    """Bring a route back to an earlier version, re-checked for its plan as an edit is: a
    version saved before the plan changed, or whose sites have since closed on the plan's
    date, is refused (`PlanNotHeld`, 422) and the caller's transaction writes nothing."""
    before = stop_order(session, route)
    restore_route_version(session, route, entry_id, actor=actor, visible=visible)
    recheck_route(session, route, before=before, calendar=calendar, visible=visible)
    return route


def stop_order(session: Session, route: Route) -> list[tuple[int, str]]:
    """A route's stops as (day, site slug) in order: what `recheck_route` compares."""
    return [
        (r.stop.day, r.site.slug) for r in route_stops(session, route, visible=frozenset(Status))
    ]


def _check(
    session: Session,
    found: Sequence[CuratedStop],
    request: PlanRequest,
    *,
    calendar: HolidayLookup,
    visible: Collection[Status],
    edited: bool = False,
) -> CuratedSchedule:
    """Time `found` for the request and refuse it with every reason it breaks the plan: the
    one check a saved itinerary and an `edited` saved route go through."""
    start = _point(session, request.start, visible, role="start")
    end = start if request.end is None else _point(session, request.end, visible, role="end")
    done = schedule_curated(
        found,
        date=request.date,
        calendar=calendar,
        mode=request.mode,
        window=request.window,
        lunch=request.lunch,
        start=start,
        end=end,
    )
    reasons = [v.detail for v in done.violations] + _unfit(found, request)
    reasons += over_limits(found, request)
    if reasons:
        if edited:
            raise PlanNotHeld(Message("e_edit_infeasible", reasons=Sentences(reasons)))
        raise InvalidPlanRequest(Message("e_itinerary_infeasible", reasons=Sentences(reasons)))
    return done


def themes_of_sites(session: Session, slugs: Collection[str]) -> dict[str, float]:
    """The themes the given sites are tagged with (weight 1 each): what a hand-arranged
    route stands for when no plan form says which themes were asked."""
    rows = session.exec(
        select(Theme.slug)
        .join(SiteTheme, col(SiteTheme.theme_id) == Theme.id)
        .join(Site, col(Site.id) == SiteTheme.site_id)
        .where(col(Site.slug).in_(list(slugs)))
    )
    return dict.fromkeys(sorted(set(rows)), 1.0)


def _known_themes(session: Session, request: PlanRequest) -> None:
    """Refuse unknown themes as the planner does (it is not run for a saved itinerary)."""
    known = set(session.exec(select(Theme.slug)))
    unknown = sorted(set(request.themes) - known)
    if unknown:
        msg = Message("e_theme_unknown", slug=unknown[0], known=tuple(sorted(known)))
        raise InvalidPlanRequest(msg)


def _days_of(itinerary: Mapping[str, Any], days: int) -> list[list[str]]:
    """The site slugs per day of an itinerary JSON (the shape `POST /api/plan` answers)."""
    raw = itinerary.get("days")
    out: list[list[str]] = []
    if not isinstance(raw, list) or not raw:
        raise InvalidPlanRequest(Message("e_itinerary_empty"))
    for day in raw:
        stops = day.get("stops") if isinstance(day, dict) else None
        if (
            not isinstance(stops, list)
            or len(stops) > MAX_STOPS_PER_DAY
            or not all(isinstance(s, dict) and isinstance(s.get("slug"), str) for s in stops)
        ):
            msg = Message("e_itinerary_day_shape", limit=MAX_STOPS_PER_DAY)
            raise InvalidPlanRequest(msg)
        out.append([s["slug"] for s in stops])
    if len(out) > days:
        raise InvalidPlanRequest(Message("e_itinerary_days", count=len(out), days=days))
    if not any(out):
        raise InvalidPlanRequest(Message("e_itinerary_empty"))
    return out


def _unfit(stops: Sequence[CuratedStop], request: PlanRequest) -> list[str]:
    """What the planner would not have planned whatever the clock: the group or the request."""
    out: list[str] = []
    for stop in stops:
        c = stop.candidate
        if c.slug in request.exclude:
            out.append(Message("site_reason", site=c.said, reason=Message("excluded")))
        if c.capacity is not None and c.capacity < request.group_size:
            said = Message("capacity", capacity=c.capacity, group=request.group_size)
            out.append(Message("site_reason", site=c.said, reason=said))
    return out


def over_limits(stops: Sequence[CuratedStop], request: PlanRequest) -> list[str]:
    """How stops arranged by hand break the request's ticket budget and kind caps, the limits
    the planner keeps when it chooses (a site with no recorded price counts as free, as there).

    The planner never breaks them, so a saved itinerary that does was changed after planning:
    a re-ordered day may move a memorial hall into a day that already has its cap."""
    out: list[str] = []
    budget = request.ticket_budget
    total = sum(s.candidate.ticket_price or 0.0 for s in stops)
    if budget is not None and total > budget + 1e-9:
        out.append(Message("saved_over_budget", total=f"{total:g}", budget=f"{budget:g}"))
    for cap in request.kind_caps:
        zh, en = LABELS["category"].get(cap.category, (cap.category, cap.category))
        kind = {"kind": zh, "kind_en": en.lower()}
        days = sorted({s.day for s in stops})
        count = {
            d: sum(s.day == d and s.candidate.category == cap.category for s in stops) for d in days
        }
        trip = sum(count.values())
        if cap.per_trip is not None and trip > cap.per_trip:
            out.append(Message("saved_kind_cap_trip", count=trip, cap=cap.per_trip, **kind))
        for day in days:
            if cap.per_day is not None and count[day] > cap.per_day:
                out.append(
                    Message(
                        "saved_kind_cap_day", day=day, count=count[day], cap=cap.per_day, **kind
                    )
                )
    return out


def _point(
    session: Session,
    ref: Place | str | SiteName | None,
    visible: Collection[Status],
    *,
    role: str,
) -> Place | None:
    """A start or end as the planner takes it: a site's own point (`prepare` refused the
    unknown and unlocated ones when it solved; a saved itinerary is checked here)."""
    if not isinstance(ref, str):
        return ref if isinstance(ref, Place) else None
    found = site_place(session, ref, visible)
    if found is None:
        msg = Message("e_unknown_place", role=Message(f"role_{role}"), slug=ref)
        raise InvalidPlanRequest(msg)
    return found


def _kept(body: PlanIn, request: PlanRequest) -> dict[str, Any]:
    """The request as the route keeps it: names resolved to the sites' slugs."""
    kept = body.model_dump(mode="json", include=set(KEPT_FIELDS), exclude_none=False)
    for role in ("start", "end"):
        ref = getattr(request, role)
        if isinstance(ref, str):
            kept[role] = {"site": ref}
    return kept
