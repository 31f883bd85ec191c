"""Plain data going into the planner: candidates, places and plan requests.

Sites reach the planner only as `Candidate` values (see `redres.routes.candidates` for the
catalogue conversion), so the planner and its tests need no database. What the planner answers
(the itinerary, its stops and omissions) is in `redres.routes.answer`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from redres.geo import LonLat
from redres.hours.closures import Closure, closure_on
from redres.hours.opening import Interval, OpeningHours
from redres.labels import LABELS
from redres.messages import Message, Name, Sentences
from redres.routes.errors import InvalidPlanRequest

MODES = ("walk", "bike", "bus", "coach", "drive")
UnknownHours = Literal["assume", "omit"]
DEFAULT_WINDOW = Interval(8 * 60 + 30, 17 * 60 + 30)
"""08:30-17:30, a school day in the field."""
MAX_DAYS = 7
"""Longest plan: a week-long field course."""
FIRST_DATE = dt.date(1950, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
"""The days a plan may fall on: the years whose public holidays the calendar can compute
(`redres.hours.holidays_cn`); outside them a plan could not know which days are holidays,
and near the ends of `datetime.date` the dates of later days would not exist."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A site as the planner sees it: where, how long, when open, how relevant.

    `hours` None means the opening hours are unknown (see `PlanRequest.unknown_hours`);
    `lon`/`lat` None means the site has no surveyed location and cannot be routed.
    """

    id: int
    slug: str
    name: str
    lon: float | None
    lat: float | None
    score: float
    visit_minutes: int
    hours: OpeningHours | None = None
    last_entry_minutes: int = 0
    capacity: int | None = None
    reservation: Literal["none", "recommended", "required"] = "none"
    reservation_days: int = 0
    name_en: str | None = None
    address: str | None = None
    hours_note: str | None = None
    hours_note_en: str | None = None
    closures: tuple[Closure, ...] = ()
    """Temporary closures: the site is shut on their days whatever its weekly hours say."""
    visit_minutes_assumed: bool = False
    themes: Mapping[str, float] = field(default_factory=dict)
    stories: tuple[Story, ...] = ()
    category: str | None = None
    """The site's category (`catalog.enums.Category` value), what a request's kind caps count."""
    ticket_price: float | None = None
    """Ticket price per person in CNY (0: free; None: not recorded, counted as 0 with a warning)."""
    event: EventNote | None = None
    """The earliest dated event the site is tied to: what a chronological plan orders by."""

    def closure_on(self, day: dt.date) -> Closure | None:
        """The temporary closure that shuts the site on `day`, if any."""
        return closure_on(self.closures, day)

    @property
    def point(self) -> LonLat | None:
        """The location, or None when unsurveyed."""
        return None if self.lon is None or self.lat is None else LonLat(self.lon, self.lat)

    @property
    def said(self) -> Name:
        """The site's name as a sentence names it: in the reader's language (`Name`)."""
        return Name(self.name, self.name_en)


@dataclass(frozen=True, slots=True)
class Story:
    """A story to tell at a stop (title and summary; the handout prints them).

    `title_en` and `excerpt` (the opening of the body) let a handout tell it in its reader's
    language when the summary is written in the other one.
    """

    title: str
    summary: str | None = None
    title_en: str | None = None
    excerpt: str | None = None


@dataclass(frozen=True, slots=True)
class EventNote:
    """A historical event a site is tied to, with its date as history knows it (YYYY[-MM[-DD]])."""

    name: str
    date: str
    name_en: str | None = None
    slug: str = ""

    def before(self, other: EventNote) -> bool:
        """Whether this event is known to come first, comparing only the precision both dates have.

        Examples
        --------
        >>> a, b = EventNote("南昌起义", "1927-08-01"), EventNote("八七会议", "1927-08-07")
        >>> a.before(b), b.before(a), EventNote("x", "1927").before(b)
        (True, False, False)
        """
        n = min(len(self.date), len(other.date))
        return self.date[:n] < other.date[:n]


@dataclass(frozen=True, slots=True)
class KindCap:
    """At most `per_trip` stops of a category over the trip and `per_day` on any one day
    (None: no cap of that sort), as in "每天最多两个纪念馆"."""

    category: str
    per_trip: int | None = None
    per_day: int | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A start or end point: coordinates, with the site it is when given as a slug."""

    lon: float
    lat: float
    name: str = ""
    slug: str | None = None

    @property
    def point(self) -> LonLat:
        """The place as a lon/lat pair."""
        return LonLat(self.lon, self.lat)

    def to_dict(self) -> dict[str, Any]:
        """The itinerary's ``start``/``end`` JSON: the point itself (not a road snap), its name,
        and the site's slug when the place is a site."""
        out: dict[str, Any] = {"lon": self.lon, "lat": self.lat, "name": self.name}
        if self.slug is not None:
            out["slug"] = self.slug
        return out


@dataclass(frozen=True, slots=True)
class SiteName:
    """A start or end given by a site's name, alias or pinyin, for the catalogue to resolve
    (`redres.routes.place_names`) before planning."""

    name: str


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What a teacher asks for (DESIGN.md "Route planning"), validated on creation.

    `start`/`end` are a `Place` or a site slug (resolved by the caller); `end` None means
    back to `start`; `start` None means the day begins at its first stop (no first leg).
    `unknown_hours` says what to do with sites whose opening hours are not recorded:
    ``assume`` plans them inside the assumed hours with a warning, ``omit`` leaves them out.

    Raises
    ------
    InvalidPlanRequest
        For any field out of range; the message quotes the value.
    """

    themes: Mapping[str, float]
    date: dt.date
    days: int = 1
    start: Place | str | SiteName | None = None
    end: Place | str | SiteName | None = None
    mode: str = "walk"
    group_size: int = 1
    window: Interval = DEFAULT_WINDOW
    lunch: Interval | None = None
    must: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_stops: int | None = None
    unknown_hours: UnknownHours = "assume"
    ticket_budget: float | None = None
    """Most the tickets may cost per person over the whole trip, in CNY (None: no budget)."""
    kind_caps: tuple[KindCap, ...] = ()
    chronological: bool = False
    """Prefer the stops in the order of the events their sites are tied to (a soft rule)."""

    def __post_init__(self) -> None:
        problems = self._field_problems() + self._limit_problems()
        if problems:
            # each problem once, as a `Message`, so a page says it in the reader's language
            unique = tuple(dict.fromkeys(problems))
            said = (
                unique[0] if len(unique) == 1 else Message("problems", problems=Sentences(unique))
            )
            raise InvalidPlanRequest(said)

    def _field_problems(self) -> list[Message]:
        """What is wrong with the themes, days, mode, group, window, lunch and site lists."""
        problems: list[Message] = []
        if not self.themes:
            problems.append(Message("e_no_theme"))
        for slug, weight in self.themes.items():
            if not (isinstance(weight, int | float) and math.isfinite(weight) and weight > 0):
                problems.append(Message("e_theme_weight", slug=slug, weight=weight))
        if not 1 <= self.days <= MAX_DAYS:
            problems.append(Message("e_days_range", days=self.days, limit=MAX_DAYS))
        else:
            outside = dates_problem(self.date, self.days)
            if outside is not None:
                problems.append(outside)
        if self.mode not in MODES:
            problems.append(Message("e_mode", mode=self.mode, modes=MODES))
        if self.group_size < 1:
            problems.append(Message("e_group_size", size=self.group_size))
        if not 0 <= self.window.start < self.window.end <= 24 * 60:
            problems.append(Message("e_window_order", window=str(self.window)))
        if self.lunch is not None and not (
            self.window.start <= self.lunch.start < self.lunch.end <= self.window.end
        ):
            problems.append(
                Message("e_lunch_window", lunch=str(self.lunch), window=str(self.window))
            )
        both = tuple(sorted(set(self.must) & set(self.exclude)))
        if both:
            problems.append(Message("e_must_excluded", slugs=both))
        if self.max_stops is not None and self.max_stops < 1:
            problems.append(Message("e_max_stops", value=self.max_stops))
        if self.unknown_hours not in ("assume", "omit"):
            problems.append(Message("e_unknown_hours", value=self.unknown_hours))
        return problems

    def _limit_problems(self) -> list[Message]:
        """What is wrong with the ticket budget and kind caps (a category given twice: once)."""
        out: list[Message] = []
        budget = self.ticket_budget
        if budget is not None and not (math.isfinite(budget) and budget >= 0):
            out.append(Message("e_ticket_budget", budget=budget))
        seen: set[str] = set()
        for cap in self.kind_caps:
            zh, en = LABELS["category"].get(cap.category, (cap.category, cap.category))
            kind = {"kind": zh, "kind_en": en.lower()}
            if cap.category in seen:
                out.append(Message("e_kind_cap_twice", **kind))
            seen.add(cap.category)
            if cap.per_trip is None and cap.per_day is None:
                out.append(Message("e_kind_cap_empty", **kind))
            for value in (cap.per_trip, cap.per_day):
                if value is not None and value < 0:
                    out.append(Message("e_kind_cap_negative", cap=value, **kind))
        return out

    def dates(self) -> list[dt.date]:
        """The dates of the plan, one per day."""
        return [self.date + dt.timedelta(days=i) for i in range(self.days)]


def dates_problem(first: dt.date, days: int) -> Message | None:
    """Why `days` days from `first` cannot be planned, or None when they lie in the planned years.

    Examples
    --------
    >>> dates_problem(dt.date(2025, 6, 9), 3) is None
    True
    >>> print(dates_problem(dt.date(2100, 12, 31), 2).fields["date"])
    2100-12-31
    """
    if days >= 1 and FIRST_DATE <= first <= LAST_DATE - dt.timedelta(days=days - 1):
        return None
    return Message(
        "e_plan_dates",
        date=first.isoformat(),
        days=days,
        first=FIRST_DATE.isoformat(),
        last=LAST_DATE.isoformat(),
    )
