"""Turn timed solver days into an `Itinerary`: stops, legs, lunch, warnings, and omissions.

Every kept candidate that is not visited gets an `Omission` with the most specific reason we
can prove: ``no_time`` when it cannot fit even alone in any day (or lost to better stops, or
to the day's stop limit), so a teacher always learns why a site is missing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from redres.hours.opening import HolidayLookup
from redres.labels import LABELS
from redres.messages import Message
from redres.routes.answer import (
    DayPlan,
    Itinerary,
    Leg,
    Lunch,
    Omission,
    Prepared,
    Reason,
    Stop,
    hhmm,
)
from redres.routes.chronology import explain
from redres.routes.model import Candidate
from redres.routes.problem import schedule
from redres.routes.windows import ASSUMED_HOURS

if TYPE_CHECKING:
    from redres.routes.timeline import DayClock


def build_itinerary(
    prepared: Prepared,
    clocks: list[DayClock],
    dropped: dict[int, str],
    *,
    calendar: HolidayLookup,
    today: dt.date,
    tight: float,
) -> Itinerary:
    """Assemble the answer from the timed days (see the module docstring)."""
    request, data, kept = prepared.request, prepared.data, prepared.kept
    n = len(kept)
    days: list[DayPlan] = []
    for d, (date, clock) in enumerate(zip(request.dates(), clocks, strict=True)):
        stops = []
        for visit in clock.visits:
            c = kept[visit.node]
            windows = data.windows[d][visit.node]
            latest = next((b for a, b in windows if a <= visit.start <= b + 1e-9), visit.start)
            stops.append(
                Stop(
                    site_id=c.id,
                    slug=c.slug,
                    name=c.name,
                    lon=float(c.lon or 0.0),
                    lat=float(c.lat or 0.0),
                    arrive=visit.arrive,
                    start=visit.start,
                    leave=visit.leave,
                    score=c.score,
                    address=c.address,
                    name_en=c.name_en,
                    warnings=tuple(
                        _stop_warnings(c, date, visit.arrive, latest, today, tight)
                        + _ticket_warnings(c, request.ticket_budget)
                    ),
                    stories=c.stories,
                    ticket_price=c.ticket_price,
                    event=c.event,
                )
            )
        days.append(
            DayPlan(
                date=date,
                stops=tuple(stops),
                legs=tuple(_legs(prepared, d, [v.node for v in clock.visits])),
                depart=clock.depart,
                back=clock.back,
                lunch=_lunch(prepared, clock),
            )
        )
    visited = {v.node for clock in clocks for v in clock.visits}
    omitted = list(prepared.omitted)
    for i in range(n):
        if i not in visited:
            omitted.append(_not_chosen(prepared, i, dropped.get(i), clocks))
    return Itinerary(
        days=tuple(days),
        omitted=tuple(sorted(omitted, key=lambda o: (o.reason, o.slug))),
        mode=request.mode,
        warnings=tuple(calendar_warnings(calendar, request.dates())),
        start=prepared.start,
        end=prepared.end,
        group_size=request.group_size,
        ticket_budget=request.ticket_budget,
        chronology=explain(data, kept, [[v.node for v in c.visits] for c in clocks])
        if request.chronological
        else None,
    )


def _ticket_warnings(c: Candidate, budget: float | None) -> list[str]:
    """A stop with no recorded price, when the plan keeps to a ticket budget."""
    return [Message("ticket_unpriced")] if budget is not None and c.ticket_price is None else []


def calendar_warnings(calendar: HolidayLookup, dates: Iterable[dt.date]) -> list[str]:
    """What the calendar says about the days (public holidays, schedules not yet published),
    each once: a plan and a route timed for the same days carry the same notes."""
    warnings: list[str] = []
    for date in dates:
        warnings += getattr(calendar, "warnings_for", lambda _d: [])(date)
        name = getattr(calendar, "holiday_name", lambda _d: None)(date)
        if name:
            warnings.append(Message("public_holiday", date=date, name=name))
    return list(dict.fromkeys(warnings))


def _stop_warnings(
    c: Candidate, date: dt.date, arrive: float, latest: float, today: dt.date, tight: float
) -> list[str]:
    out: list[str] = []
    if c.reservation == "required":
        by = date - dt.timedelta(days=c.reservation_days)
        out.append(Message("reservation_required", days=c.reservation_days, by=by))
    elif c.reservation == "recommended":
        out.append(Message("reservation_recommended"))
    if c.hours is None:
        zh, en = c.hours_note or c.hours_note_en, c.hours_note_en or c.hours_note
        note = Message("hours_assumed.note", note=zh, note_en=en) if zh else ""
        out.append(Message("hours_assumed", hours=str(ASSUMED_HOURS), note=note))
    if latest - arrive < tight:
        out.append(Message("tight_connection", arrive=hhmm(arrive), latest=hhmm(latest)))
    if c.visit_minutes_assumed:
        out.append(Message("visit_assumed", minutes=c.visit_minutes))
    return out


def _labels(prepared: Prepared, nodes: list[int]) -> list[tuple[int, str]]:
    """(location index, label) for start, stops and end; a free start or end is skipped."""
    n = len(prepared.kept)
    data = prepared.data
    out: list[tuple[int, str]] = []
    if prepared.start is not None:
        out.append((int(data.day_start[0]), prepared.start.slug or "start"))
    out += [(i, prepared.kept[i].slug) for i in nodes]
    if prepared.end is not None:
        end_idx = int(data.day_end[0])
        out.append(
            (
                end_idx if end_idx < prepared.matrix.minutes.shape[0] else n,
                prepared.end.slug or "end",
            )
        )
    return out


def _legs(prepared: Prepared, _day: int, nodes: list[int]) -> list[Leg]:
    matrix = prepared.matrix
    places = _labels(prepared, nodes)
    legs = []
    for (i, a), (j, b) in itertools.pairwise(places):
        legs.append(
            Leg(
                a, b, float(matrix.minutes[i, j]), float(matrix.metres[i, j]), matrix.geometry(i, j)
            )
        )
    return legs


def _lunch(prepared: Prepared, clock: DayClock) -> Lunch | None:
    lunch = prepared.request.lunch
    if lunch is None or clock.lunch_at is None:
        return None
    if clock.lunch_at == -1:
        at = prepared.start.slug or "start" if prepared.start else "start"
    else:
        at = prepared.kept[clock.visits[clock.lunch_at].node].slug
    return Lunch(float(lunch.start), float(lunch.end), at)


def _over_limits(
    prepared: Prepared, c: Candidate, alone: list[int], clocks: list[DayClock]
) -> tuple[Reason, str] | None:
    """Whether adding `c` to the plan as it stands would break its kind's cap on every day it
    fits, or the ticket budget (the reason and sentence), else None."""
    request, kept = prepared.request, prepared.kept
    days = [[kept[v.node] for v in clock.visits] for clock in clocks]
    cap = next((k for k in request.kind_caps if k.category == c.category), None)
    if cap is not None:
        count = [sum(s.category == c.category for s in day) for day in days]
        if cap.per_trip is not None and sum(count) >= cap.per_trip:
            return "kind_cap", kind_message(cap.category, cap.per_trip, "trip")
        if cap.per_day is not None and all(count[d] >= cap.per_day for d in alone):
            return "kind_cap", kind_message(cap.category, cap.per_day, "day")
    budget = request.ticket_budget
    spent = sum(s.ticket_price or 0.0 for day in days for s in day)
    if budget is not None and spent + (c.ticket_price or 0.0) > budget + 1e-9:
        total = f"{spent + (c.ticket_price or 0.0):g}"
        price = f"{c.ticket_price or 0.0:g}"
        return "over_budget", Message("over_budget", price=price, total=total, budget=f"{budget:g}")
    return None


def _not_chosen(
    prepared: Prepared, i: int, dropped: str | None, clocks: list[DayClock]
) -> Omission:
    c = prepared.kept[i]
    data = prepared.data

    def out(detail: str, cause: str | None = None) -> Omission:
        return Omission(c.id, c.slug, c.name, "no_time", detail, cause, name_en=c.name_en)

    alone = [d for d in range(data.num_days) if schedule(data, d, [i]) is not None]
    limit = prepared.request.max_stops
    full = limit is not None and bool(alone) and all(len(clocks[d].visits) >= limit for d in alone)
    if dropped == "lunch" and not full:  # no day takes it around the break (`lunch_fit`)
        return out(Message("lunch_conflict"), "lunch")
    if not alone:
        return out(Message("unreachable"))
    if full:
        return out(Message("max_stops", limit=limit), "max_stops")
    limited = _over_limits(prepared, c, alone, clocks)
    if limited is not None:
        return Omission(c.id, c.slug, c.name, limited[0], limited[1], name_en=c.name_en)
    return out(Message("no_time", score=f"{c.score:g}", minutes=c.visit_minutes))


def kind_message(category: str, cap: int, scope: str) -> Message:
    """Why a site is left out for its kind's cap, with the kind in both languages."""
    zh, en = LABELS["category"].get(category, (category, category))
    return Message(f"kind_cap_{scope}", kind=zh, kind_en=en.lower(), cap=cap)
