"""Schedule a curated route as the editor ordered it, and say what breaks on a given date.

A demonstration route is an ordered list of stops; whether it works depends on the date
(closed days, holiday hours) and the group's pace. `schedule_curated` times it stop by stop and
reports each violation (closed that day, arriving after last entry, a visit running past
closing, the day running over its window, a stop without a location) rather than refusing; with
``reorder=True`` each day's stops are re-ordered for the feasible schedule that ends earliest.
The day is timed on the planner's own clock (`redres.routes.timeline.step_day`, lenient), so
the same stops get the same times here as in a plan, lunch break included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from redres.hours.opening import HolidayLookup, Interval
from redres.messages import Message
from redres.routes.answer import DayPlan, Itinerary, Leg, Lunch, Stop, hhmm
from redres.routes.itinerary import calendar_warnings
from redres.routes.model import DEFAULT_WINDOW, Candidate, Place
from redres.routes.timeline import Stay, step_day
from redres.routes.travel import StraightLineTravel, TravelModel
from redres.routes.windows import ASSUMED_HOURS, start_windows

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
    note_en: str | None = None


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
    """The timed route and its violations; `feasible` when there are none.

    A violation is said once, here: the itinerary's warnings are the date's own notes
    (holidays), so a page that lists the violations and then the itinerary says each once.
    """

    itinerary: Itinerary
    violations: tuple[Violation, ...]

    @property
    def feasible(self) -> bool:
        """Whether the route runs on that date without breaking anything."""
        return not self.violations

    def noted(self) -> Itinerary:
        """The itinerary with the violations after its warnings: for a handout, which prints
        one list of what to watch for on the day."""
        said = (*self.itinerary.warnings, *(v.detail for v in self.violations))
        return dataclasses.replace(self.itinerary, warnings=said)


def schedule_curated(
    stops: Sequence[CuratedStop],
    *,
    date: dt.date,
    calendar: HolidayLookup,
    mode: str = "walk",
    window: Interval = DEFAULT_WINDOW,
    lunch: Interval | None = None,
    start: Place | None = None,
    end: Place | None = None,
    travel: TravelModel | None = None,
    reorder: bool = False,
    name: str = "",
) -> CuratedSchedule:
    """Time `stops` day by day from `date` (see the module docstring).

    Each day leaves from `start` (None: it begins at its first stop) and returns to `end`
    (None: it ends at its last stop), as the planner's days do.
    """
    ends = (start, end)
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
            (_time_day(o, when, day, calendar, model, mode, window, lunch, ends) for o in orders),
            key=lambda found: (len(found[1]), found[0].back, found[2]),
        )
        plans.append(best[0])
        violations += best[1]
    itinerary = Itinerary(
        tuple(plans),
        (),
        mode=mode,
        name=name,
        warnings=tuple(
            calendar_warnings(calendar, [date + dt.timedelta(days=d - 1) for d in days])
        ),
        start=start,
        end=end,
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
    ends: tuple[Place | None, Place | None],
) -> tuple[DayPlan, list[Violation], float]:
    """One day on the shared clock (lenient), its violations and its minutes of travel."""
    start, end = ends
    legs, travel = _legs(stops, model, mode, start, end)
    hours = [_hours(s.candidate, date, calendar) for s in stops]
    stays = [_stay(s, h, lunch) for s, h in zip(stops, hours, strict=True)]
    clock = step_day(stays, travel, window=(window.start, window.end), lunch=lunch, strict=False)
    found: list[Violation] = []
    for i, stop in enumerate(stops):
        c = stop.candidate
        if c.point is None:
            found.append(
                Violation(c.slug, day, "no_location", Message("v_no_location", name=c.said))
            )
        if i in clock.misses:
            found.append(_violation(stop, hours[i], clock.visits[i].arrive, date, day))
    if clock.over:
        last = stops[-1].candidate.slug if stops else "end"
        late = Message("v_over_window", day=day, end=hhmm(clock.back), window_end=hhmm(window.end))
        found.append(Violation(last, day, "over_window", late))
    out = tuple(
        _stop(s, v.arrive, v.start, v.leave) for s, v in zip(stops, clock.visits, strict=True)
    )
    meal = None
    if lunch is not None and clock.lunch_at is not None:  # the place as the planner names it
        meal = Lunch(
            float(lunch.start), float(lunch.end), _label(stops, clock.lunch_at + 1, ends[0])
        )
    return DayPlan(date, out, tuple(legs), clock.depart, clock.back, meal), found, sum(travel)


def _legs(
    stops: Sequence[CuratedStop],
    model: TravelModel,
    mode: str,
    start: Place | None,
    end: Place | None,
) -> tuple[list[Leg], list[float]]:
    """The legs between located places in order (start, stops, end), and the minutes into
    each stop and then to the end (0 from or to a place without a location, which has no leg)."""
    points = [
        start.point if start else None,
        *(s.candidate.point for s in stops),
        end.point if end else None,
    ]
    located = [p for p in points if p is not None]
    matrix = model.matrix(located, mode)
    index = {i: located.index(p) for i, p in enumerate(points) if p is not None}
    legs: list[Leg] = []
    travel: list[float] = []
    here = 0 if start else None
    for pos in range(1, len(points)):
        tau = 0.0
        if here is not None and here in index and pos in index:
            a, b = index[here], index[pos]
            tau = float(matrix.minutes[a, b])
            origin = _label(stops, here, start)
            to = stops[pos - 1].candidate.slug if pos <= len(stops) else _end_label(end)
            legs.append(Leg(origin, to, tau, float(matrix.metres[a, b]), matrix.geometry(a, b)))
        travel.append(tau)
        here = pos
    return legs, travel


def _hours(c: Candidate, date: dt.date, calendar: HolidayLookup) -> list[Interval]:
    if c.closure_on(date) is not None:  # a temporary closure: no hours that day
        return []
    return c.hours.intervals(date, calendar) if c.hours else [ASSUMED_HOURS]


def _minutes(stop: CuratedStop) -> float:
    return float(stop.minutes or stop.candidate.visit_minutes)


def _stay(stop: CuratedStop, hours: list[Interval], lunch: Interval | None) -> Stay:
    """The stop on the clock: the planner's start windows; when it misses them all, the visit
    still starts at the first opening whose last entry it makes (else on arrival)."""
    last_entry = stop.candidate.last_entry_minutes
    visit = _minutes(stop)
    windows = start_windows(hours, visit=visit, last_entry=last_entry, lunch=lunch)
    return Stay(visit, windows, [(float(a), float(b - last_entry)) for a, b in hours])


def _violation(
    stop: CuratedStop, hours: list[Interval], arrive: float, date: dt.date, day: int
) -> Violation:
    """Why a visit fits no start window: closed that day, past last entry, or past closing."""
    c = stop.candidate
    if not hours:
        closure = c.closure_on(date)
        if closure is not None:
            why = Message("v_closure", name=c.said, date=date, closure=closure.message())
            return Violation(c.slug, day, "closed", why)
        return Violation(c.slug, day, "closed", Message("v_closed", name=c.said, date=date))
    for _opening, closing in hours:
        if arrive <= closing - c.last_entry_minutes:
            late = Message("v_past_closing", name=c.said, closing=hhmm(closing))
            return Violation(c.slug, day, "past_closing", late)
    last = hours[-1].end - c.last_entry_minutes
    too_late = Message(
        "v_after_last_entry", name=c.said, arrive=hhmm(arrive), last_entry=hhmm(last)
    )
    return Violation(c.slug, day, "after_last_entry", too_late)


def _stop(stop: CuratedStop, arrive: float, start: float, leave: float) -> Stop:
    c = stop.candidate
    warnings = () if c.hours else (Message("hours_assumed", hours=str(ASSUMED_HOURS), note=""),)
    return Stop(
        site_id=c.id,
        slug=c.slug,
        name=c.name,
        lon=float(c.lon or 0.0),
        lat=float(c.lat or 0.0),
        arrive=arrive,
        start=start,
        leave=leave,
        score=c.score,
        address=c.address,
        name_en=c.name_en,
        warnings=warnings,
        stories=c.stories,
        note=stop.note,
        note_en=stop.note_en,
        ticket_price=c.ticket_price,
        event=c.event,
    )


def _end_label(end: Place | None) -> str:
    return (end.slug or "end") if end else "end"


def _label(stops: Sequence[CuratedStop], here: int | None, start: Place | None) -> str:
    if not here:
        return (start.slug or "start") if start else "start"
    return stops[here - 1].candidate.slug
