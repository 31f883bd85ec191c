"""When a candidate can start its visit on a plan day: opening hours, last entry, day window, lunch.

A window here is a service-start window (earliest, latest start), the form `ProblemData` takes.
Closing time is folded in twice over: the visit must end by closing, and it must start by the
last entry (``last_entry_minutes`` before closing, when the site stops letting people in).
So the latest start in an open interval ``[open, close)`` is
``min(close - visit, close - last_entry)``, then clipped to the day window (the visit must end
inside it) and split around the lunch break (no visit overlaps lunch).

A temporary closure (`Candidate.closures`) shuts a site on its days whatever the weekly hours
say; a site shut on every plan day is left out as ``closed`` with the closure and its note.

Sites without recorded hours are not silently open: with ``unknown_hours="assume"`` they get
`ASSUMED_HOURS` (the usual 09:00-17:00 of Chinese halls) and a warning on the stop; with
``omit`` they are left out as ``closed`` (cause ``unknown_hours``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from redres.hours.closures import Closure
from redres.hours.opening import HolidayLookup, Interval
from redres.messages import Message
from redres.routes.answer import Reason
from redres.routes.model import Candidate, PlanRequest
from redres.routes.problem import Window

ASSUMED_HOURS = Interval(9 * 60, 17 * 60)
"""Hours assumed for a site whose opening hours are not recorded (with a warning)."""


@dataclass(frozen=True, slots=True)
class DayWindows:
    """A candidate's start windows per plan day, or why it has none on any day."""

    windows: tuple[tuple[Window, ...], ...]
    reason: Reason | None = None
    detail: str = ""
    cause: str | None = None


def day_windows(
    candidate: Candidate,
    request: PlanRequest,
    *,
    calendar: HolidayLookup,
    today: dt.date,
) -> DayWindows:
    """Start windows of `candidate` on each day of `request`, with a reason when all are empty.

    Examples
    --------
    >>> from redres.hours.opening import parse_opening_hours
    >>> from redres.hours.holidays_cn import default_calendar
    >>> c = Candidate(1, "hall", "Hall", 114.3, 30.5, 1.0, 45,
    ...               hours=parse_opening_hours("Tu-Su 09:00-17:00"), last_entry_minutes=60)
    >>> r = PlanRequest({"t": 1.0}, dt.date(2025, 6, 3), window=Interval(480, 1080))
    >>> day_windows(c, r, calendar=default_calendar(), today=dt.date(2025, 6, 1)).windows
    (((540.0, 960.0),),)
    """
    per_day: list[tuple[Window, ...]] = []
    closed_days: list[dt.date] = []
    unbookable: list[dt.date] = []
    shut: list[Closure] = []
    for day in request.dates():
        closure = candidate.closure_on(day)
        if closure is not None:  # a temporary closure overrides the weekly hours
            closed_days.append(day)
            shut.append(closure)
            per_day.append(())
            continue
        if candidate.hours is None:
            if request.unknown_hours == "omit":
                return _none(request, "closed", Message("unknown_hours"), "unknown_hours")
            hours = [ASSUMED_HOURS]
        else:
            hours = candidate.hours.intervals(day, calendar)
        if not hours:
            closed_days.append(day)
            per_day.append(())
            continue
        if candidate.reservation == "required" and (day - today).days < candidate.reservation_days:
            unbookable.append(day)
            per_day.append(())
            continue
        per_day.append(
            start_windows(
                hours,
                visit=candidate.visit_minutes,
                last_entry=candidate.last_entry_minutes,
                day=request.window,
                lunch=request.lunch,
            )
        )
    if any(per_day):
        return DayWindows(tuple(per_day))
    if unbookable:
        need = candidate.reservation_days
        return _none(request, "reservation", Message("book_ahead", days=need, date=unbookable[0]))
    if len(closed_days) == request.days:
        if shut:
            why = Message("closed_closure", dates=tuple(closed_days), closure=shut[0].message())
            return _none(request, "closed", why, "closure")
        return _none(request, "closed", Message("closed_on", dates=tuple(closed_days)))
    open_text = _describe(candidate, request, calendar)
    lunch = Message("outside_window.lunch", lunch=str(request.lunch)) if request.lunch else ""
    last_entry = (
        Message("outside_window.last_entry", minutes=candidate.last_entry_minutes)
        if candidate.last_entry_minutes
        else ""
    )
    return _none(
        request,
        "outside_window",
        Message(
            "outside_window",
            hours=open_text,
            minutes=candidate.visit_minutes,
            window=str(request.window),
            lunch=lunch,
            last_entry=last_entry,
        ),
    )


def start_windows(
    hours: Sequence[Interval],
    *,
    visit: float,
    last_entry: float = 0,
    day: Interval | None = None,
    lunch: Interval | None = None,
) -> tuple[Window, ...]:
    """When a visit of `visit` minutes may start on a day with these opening `hours`.

    The rule of the module docstring; without `day` the visit is not clipped to a day window
    (a curated route reports running over its window once, for the whole day).

    Examples
    --------
    >>> start_windows([Interval(540, 1020)], visit=60, last_entry=30, lunch=Interval(720, 780))
    ((540.0, 660.0), (780.0, 960.0))
    """
    found: list[Window] = []
    for opening, closing in hours:
        latest = min(closing - visit, closing - last_entry)
        earliest = opening
        if day is not None:
            latest, earliest = min(latest, day.end - visit), max(opening, day.start)
        parts: list[tuple[float, float]] = [(earliest, latest)]
        if lunch is not None:
            parts = [
                (earliest, min(latest, lunch.start - visit)),
                (max(earliest, lunch.end), latest),
            ]
        found += [(float(a), float(b)) for a, b in parts if a <= b]
    return tuple(sorted(found))


def _describe(c: Candidate, request: PlanRequest, calendar: HolidayLookup) -> str:
    if c.hours is None:
        return Message("assumed_hours", hours=str(ASSUMED_HOURS))
    spans = {",".join(str(i) for i in c.hours.intervals(day, calendar)) for day in request.dates()}
    return " / ".join(sorted(s for s in spans if s))


def _none(
    request: PlanRequest, reason: Reason, detail: str, cause: str | None = None
) -> DayWindows:
    return DayWindows(tuple(() for _ in range(request.days)), reason, detail, cause)
