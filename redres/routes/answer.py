"""Plain data coming out of the planner: the prepared problem, itineraries, days, stops, legs and
omissions.

An `Itinerary` stays typed until it is drawn or printed (`redres.maps.route_map`,
`redres.routes.handout`); `to_dict` is the JSON of DESIGN.md, for the API and the CLI only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

from redres.hours.opening import format_minutes
from redres.routes.model import Candidate, EventNote, Place, PlanRequest, Story
from redres.routes.problem import ProblemData
from redres.routes.travel import TravelMatrix

Reason = Literal[
    "closed",
    "capacity",
    "outside_window",
    "no_time",
    "low_relevance",
    "excluded",
    "reservation",
    "no_location",
    "over_budget",
    "kind_cap",
]
REASONS: tuple[str, ...] = get_args(Reason)


@dataclass(frozen=True, slots=True)
class Leg:
    """Travel between two consecutive places of a day; geometry is a list of [lon, lat]."""

    origin: str
    destination: str
    minutes: float
    metres: float
    geometry: tuple[tuple[float, float], ...]

    def to_dict(self) -> dict[str, Any]:
        """The contract's leg JSON."""
        return {
            "from": self.origin,
            "to": self.destination,
            "minutes": round(self.minutes, 1),
            "metres": round(self.metres),
            "geometry": [[round(x, 7), round(y, 7)] for x, y in self.geometry],
        }


@dataclass(frozen=True, slots=True)
class Stop:
    """One visit: arrival, start and end of the visit, in minutes since midnight.

    `note` is the lesson note an editor wrote for this stop of a curated route (None for the
    planner's stops); `note_en` its English version, where one was written.
    """

    site_id: int
    slug: str
    name: str
    lon: float
    lat: float
    arrive: float
    start: float
    leave: float
    score: float
    address: str | None = None
    name_en: str | None = None
    warnings: tuple[str, ...] = ()
    stories: tuple[Story, ...] = ()
    note: str | None = None
    note_en: str | None = None
    ticket_price: float | None = None
    """CNY per person (0: free; None: not recorded)."""
    event: EventNote | None = None
    """The earliest dated event the site is tied to (shown as the stop's place in history)."""

    @property
    def minutes(self) -> int:
        """How long the visit lasts, in whole minutes."""
        return round(self.leave - self.start)

    def to_dict(self) -> dict[str, Any]:
        """The contract's stop JSON (times as ``HH:MM``)."""
        return {
            "site_id": self.site_id,
            "slug": self.slug,
            "name": self.name,
            "name_en": self.name_en,
            "lon": self.lon,
            "lat": self.lat,
            "arrive": hhmm(self.arrive),
            "start": hhmm(self.start),
            "leave": hhmm(self.leave),
            "visit_minutes": self.minutes,
            "score": round(self.score, 4),
            "address": self.address,
            "warnings": list(self.warnings),
            "note": self.note,
            "note_en": self.note_en,
            "ticket_price": self.ticket_price,
            "event": None if self.event is None else _event_dict(self.event),
        }


@dataclass(frozen=True, slots=True)
class Lunch:
    """The lunch break of a day and where the group is during it (a site slug, or the start)."""

    start: float
    end: float
    at: str

    def to_dict(self, after_stops: int) -> dict[str, Any]:
        """JSON form with ``HH:MM`` times and how many of the day's stops come before it."""
        return {
            "start": hhmm(self.start),
            "end": hhmm(self.end),
            "at": self.at,
            "after_stops": after_stops,
        }


@dataclass(frozen=True, slots=True)
class DayPlan:
    """One day: its stops in order, the legs between start, stops and end, the lunch break."""

    date: dt.date
    stops: tuple[Stop, ...]
    legs: tuple[Leg, ...]
    depart: float
    back: float
    lunch: Lunch | None = None

    @property
    def score(self) -> float:
        """The sum of the day's stop scores."""
        return sum(s.score for s in self.stops)

    @property
    def stops_before_lunch(self) -> int:
        """Where the break falls in the day, so a schedule can list it between two stops.

        A visit never overlaps the break (`redres.routes.timeline`), so the stops before it
        are those left by its start.
        """
        if self.lunch is None:
            return 0
        return sum(1 for s in self.stops if s.leave <= self.lunch.start)

    def to_dict(self) -> dict[str, Any]:
        """The contract's day JSON."""
        return {
            "date": self.date.isoformat(),
            "depart": hhmm(self.depart),
            "back": hhmm(self.back),
            "score": round(self.score, 4),
            "stops": [s.to_dict() for s in self.stops],
            "legs": [leg.to_dict() for leg in self.legs],
            "lunch": None if self.lunch is None else self.lunch.to_dict(self.stops_before_lunch),
        }


@dataclass(frozen=True, slots=True)
class Omission:
    """A candidate left out, with a contract reason code and a sentence for people.

    `cause` refines the reason where the code alone would mislead (``no_location``,
    ``unknown_hours``, ``max_stops``, ``lunch``); it is an extension of the contract.
    """

    site_id: int
    slug: str
    name: str
    reason: Reason
    detail: str
    cause: str | None = None
    takes: int | None = None
    """With reason ``capacity``: the largest group the site takes."""
    name_en: str | None = None
    """The site's English name, where one was entered (English pages show it)."""

    def to_dict(self) -> dict[str, Any]:
        """The contract's omitted-entry JSON."""
        out: dict[str, Any] = {
            "site_id": self.site_id,
            "slug": self.slug,
            "name": self.name,
            "name_en": self.name_en,
            "reason": self.reason,
            "detail": self.detail,
        }
        if self.cause is not None:
            out["cause"] = self.cause
        if self.takes is not None:
            out["capacity"] = self.takes
        return out


@dataclass(frozen=True, slots=True)
class Prepared:
    """The filtered problem: kept candidates, the arrays, start and end, the omissions so far.

    What `redres.routes.planner.prepare` makes and `redres.routes.itinerary` reads back; it lives
    here, beside the other plain data, so neither of those modules imports the other.
    """

    request: PlanRequest
    kept: tuple[Candidate, ...]
    data: ProblemData
    matrix: TravelMatrix
    start: Place | None
    end: Place | None
    omitted: tuple[Omission, ...]


@dataclass(frozen=True, slots=True)
class Itinerary:
    """The planner's answer: days, what was left out and why, and warnings for the teacher.

    `start` and `end` are where every day leaves from and returns to (None: the day begins at
    its first stop, or ends at its last); each day's legs run start, stops, end in order.
    """

    days: tuple[DayPlan, ...]
    omitted: tuple[Omission, ...]
    mode: str = "walk"
    warnings: tuple[str, ...] = ()
    name: str = ""
    start: Place | None = None
    end: Place | None = None
    unlisted: int = 0
    """Sites outside every requested theme that were counted, not listed one by one in
    `omitted` (a large catalogue: `routes.candidates.LIST_ALL_UP_TO`)."""
    group_size: int = 1
    ticket_budget: float | None = None
    """The request's ticket budget per person (None: none asked)."""
    chronology: tuple[OrderBreak, ...] | None = None
    """Where the stops break historical order and why (None: the order was not asked for)."""

    @property
    def tickets(self) -> Tickets:
        """What the stops' tickets cost, per person and for the group."""
        per_person = sum(s.ticket_price or 0.0 for s in self.stops)
        return Tickets(
            per_person=per_person,
            group=per_person * self.group_size,
            group_size=self.group_size,
            budget=self.ticket_budget,
            unpriced=tuple(s.slug for s in self.stops if s.ticket_price is None),
        )

    @property
    def score(self) -> float:
        """The total score of all visits."""
        return sum(d.score for d in self.days)

    @property
    def stops(self) -> list[Stop]:
        """Every stop of every day, in order."""
        return [s for d in self.days for s in d.stops]

    def to_dict(self) -> dict[str, Any]:
        """The itinerary JSON of DESIGN.md (what `POST /api/plan` and `redres plan --json` give)."""
        return {
            "name": self.name,
            "mode": self.mode,
            "score": round(self.score, 4),
            "days": [d.to_dict() for d in self.days],
            "omitted": [o.to_dict() for o in self.omitted],
            "warnings": list(self.warnings),
            "start": None if self.start is None else self.start.to_dict(),
            "end": None if self.end is None else self.end.to_dict(),
            "tickets": self.tickets.to_dict(),
            "chronology": None
            if self.chronology is None
            else {"broken": [b.to_dict() for b in self.chronology]},
        } | ({"omitted_unlisted": {"low_relevance": self.unlisted}} if self.unlisted else {})


@dataclass(frozen=True, slots=True)
class Tickets:
    """Ticket totals: CNY per person and for the group; `unpriced` stops have no recorded price
    (counted as 0, so the totals are a lower bound when any are listed)."""

    per_person: float
    group: float
    group_size: int
    budget: float | None
    unpriced: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The itinerary's ``tickets`` JSON."""
        return {
            "per_person": round(self.per_person, 2),
            "group": round(self.group, 2),
            "group_size": self.group_size,
            "budget": self.budget,
            "unpriced": list(self.unpriced),
        }


@dataclass(frozen=True, slots=True)
class OrderBreak:
    """Two stops visited against historical order: `later` (the later event) comes first.

    `cause`: ``days`` (the earlier site cannot be visited on the day of the later one or
    before), ``hours`` (on their shared day the order does not fit its hours and travel), or
    ``tradeoff`` (the order would fit, but keeping it cost more score than it was worth).
    """

    earlier: str
    later: str
    earlier_event: EventNote
    later_event: EventNote
    cause: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """One entry of the itinerary's ``chronology.broken``."""
        return {
            "earlier": self.earlier,
            "later": self.later,
            "earlier_event": _event_dict(self.earlier_event),
            "later_event": _event_dict(self.later_event),
            "cause": self.cause,
            "detail": self.detail,
        }


def _event_dict(event: EventNote) -> dict[str, Any]:
    return {"name": event.name, "name_en": event.name_en, "date": event.date, "slug": event.slug}


def hhmm(minute: float) -> str:
    """Render minutes since midnight as ``HH:MM``, rounding to the nearest minute.

    Examples
    --------
    >>> hhmm(545.4)
    '09:05'
    """
    return format_minutes(round(minute))
