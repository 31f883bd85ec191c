"""Schedule a curated route as the editor ordered it, and say what breaks on a given date.

A demonstration route is an ordered list of stops; whether it works depends on the date
(closed days, holiday hours) and the group's pace. `schedule_curated` times it stop by stop and
reports each violation (closed that day, arriving after last entry, a visit running past
closing, the day running over its window, a stop without a location) rather than refusing; with
``reorder=True`` each day's stops are re-ordered for the feasible schedule that ends earliest.
Lunch follows the planner's rule: the group eats where it is (`redres.routes.timeline`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from redres.catalog.hours import HolidayLookup, Interval
from redres.messages import Message
from redres.routes.model import (
    DEFAULT_WINDOW,
    Candidate,
    DayPlan,
    Itinerary,
    Leg,
    Lunch,
    Place,
    Stop,
    hhmm,
)
from redres.routes.travel import StraightLineTravel, TravelModel
from redres.routes.windows import ASSUMED_HOURS

MAX_REORDER = 7
"""Days with more stops keep their order: 7! orders is the most we try exhaustively."""

ViolationKind = Literal["closed", "after_last_entry", "past_closing", "over_window", "no_location"]


@dataclass(frozen=True, slots=True)
class CuratedStop:
    """A stop of a curated route: the site as a candidate, its day, minutes and lesson note."""

    candidate: Candidate
    day: int = 1
    minutes: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    """One thing that breaks when the route runs on that date."""

    slug: str
    day: int
    kind: ViolationKind
    detail: str

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"slug": self.slug, "day": self.day, "kind": self.kind, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class CuratedSchedule:
    """The timed route and its violations; `feasible` when there are none."""

    itinerary: Itinerary
    violations: tuple[Violation, ...]

    @property
    def feasible(self) -> bool:
        """Whether the route runs on that date without breaking anything."""
        return not self.violations


def schedule_curated(
    stops: Sequence[CuratedStop],
    *,
    date: dt.date,
    calendar: HolidayLookup,
    mode: str = "walk",
    window: Interval = DEFAULT_WINDOW,
    lunch: Interval | None = None,
    start: Place | None = None,
    travel: TravelModel | None = None,
    reorder: bool = False,
    name: str = "",
) -> CuratedSchedule:
    """Time `stops` day by day from `date` (see the module docstring)."""
    model = travel or StraightLineTravel()
    days = sorted({s.day for s in stops}) or [1]
    plans: list[DayPlan] = []
    violations: list[Violation] = []
    for day in days:
        todays = [s for s in stops if s.day == day]
        when = date + dt.timedelta(days=day - 1)
        orders: Sequence[Sequence[CuratedStop]] = [todays]
        if reorder and len(todays) <= MAX_REORDER:
            orders = list(itertools.permutations(todays))
        best = min(
            (_time_day(o, when, day, calendar, model, mode, window, lunch, start) for o in orders),
            key=lambda found: (len(found[1]), found[0].back, found[2]),
        )
        plans.append(best[0])
        violations += best[1]
    itinerary = Itinerary(
        tuple(plans), (), mode=mode, name=name, warnings=tuple(v.detail for v in violations)
    )
    return CuratedSchedule(itinerary, tuple(violations))


def _time_day(
    stops: Sequence[CuratedStop],
    date: dt.date,
    day: int,
    calendar: HolidayLookup,
    model: TravelModel,
    mode: str,
    window: Interval,
    lunch: Interval | None,
    start: Place | None,
) -> tuple[DayPlan, list[Violation], float]:
    points = [start.point if start else None] + [s.candidate.point for s in stops]
    located = [p for p in points if p is not None]
    matrix = model.matrix(located, mode)
    index = {i: located.index(p) for i, p in enumerate(points) if p is not None}
    found: list[Violation] = []
    out: list[Stop] = []
    legs: list[Leg] = []
    t = float(window.start)
    here = 0 if start else None
    lunch_at: str | None = None
    total = 0.0
    for pos, stop in enumerate(stops, 1):
        c = stop.candidate
        visit = float(stop.minutes or c.visit_minutes)
        tau = metres = 0.0
        geometry: tuple[tuple[float, float], ...] = ()
        if c.point is None:
            found.append(
                Violation(c.slug, day, "no_location", Message("v_no_location", name=c.name))
            )
        elif here is not None and here in index:
            a, b = index[here], index[pos]
            tau, metres, geometry = (
                float(matrix.minutes[a, b]),
                float(matrix.metres[a, b]),
                matrix.geometry(a, b),
            )
        if (
            lunch is not None
            and lunch_at is None
            and tau > 0
            and t < lunch.end
            and t + tau > lunch.start
        ):
            lunch_at, t = _label(stops, here, start), max(t, float(lunch.end))
        if here is not None and (here in index and pos in index):
            legs.append(Leg(_label(stops, here, start), c.slug, tau, metres, geometry))
        total += tau
        arrive = t + tau
        begin = _visit_start(c, date, arrive, visit, day, calendar, found)
        if (
            lunch is not None
            and lunch_at is None
            and begin < lunch.end
            and begin + visit > lunch.start
        ):
            lunch_at, begin = c.slug, max(begin, float(lunch.end))
        t = begin + visit
        warnings = () if c.hours else (Message("hours_assumed", hours=str(ASSUMED_HOURS), note=""),)
        out.append(
            Stop(
                c.id,
                c.slug,
                c.name,
                float(c.lon or 0.0),
                float(c.lat or 0.0),
                arrive,
                begin,
                t,
                c.score,
                c.address,
                c.name_en,
                warnings,
                c.stories,
            )
        )
        here = pos
    if t > window.end:
        last = stops[-1].candidate.slug if stops else "end"
        found.append(
            Violation(
                last,
                day,
                "over_window",
                Message("v_over_window", day=day, end=hhmm(t), window_end=hhmm(window.end)),
            )
        )
    meal = (
        None
        if lunch is None
        else Lunch(
            float(lunch.start),
            float(lunch.end),
            lunch_at or (stops[-1].candidate.slug if stops else "start"),
        )
    )
    return DayPlan(date, tuple(out), tuple(legs), float(window.start), t, meal), found, total


def _visit_start(
    c: Candidate,
    date: dt.date,
    arrive: float,
    visit: float,
    day: int,
    calendar: HolidayLookup,
    found: list[Violation],
) -> float:
    hours = c.hours.intervals(date, calendar) if c.hours else [ASSUMED_HOURS]
    if not hours:
        found.append(Violation(c.slug, day, "closed", Message("v_closed", name=c.name, date=date)))
        return arrive
    for opening, closing in hours:
        last_entry = closing - c.last_entry_minutes
        if arrive <= last_entry:
            begin = max(arrive, float(opening))
            if begin + visit > closing:
                found.append(
                    Violation(
                        c.slug,
                        day,
                        "past_closing",
                        Message("v_past_closing", name=c.name, closing=hhmm(closing)),
                    )
                )
            return begin
    last = hours[-1].end - c.last_entry_minutes
    found.append(
        Violation(
            c.slug,
            day,
            "after_last_entry",
            Message("v_after_last_entry", name=c.name, arrive=hhmm(arrive), last_entry=hhmm(last)),
        )
    )
    return arrive


def _label(stops: Sequence[CuratedStop], here: int | None, start: Place | None) -> str:
    if not here:
        return (start.slug or "start") if start else "start"
    return stops[here - 1].candidate.slug
