"""A class's route timed for the class's own dates and group: what the class page shows as its
schedule, with what breaks on those dates (closures, holidays) and what must be arranged
beforehand (sites to book, and by when; sites too small for the group)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from redres.catalog.class_tables import FieldClass
from redres.catalog.classes import Stop
from redres.catalog.enums import Reservation, Status
from redres.catalog.models import Route
from redres.config import Settings
from redres.hours.holidays_cn import calendar_with_dir
from redres.routes.answer import Itinerary, hhmm
from redres.routes.road_source import travel_model
from redres.routes.stored_routes import schedule_stored_route
from redres.routes.windows import ASSUMED_HOURS


@dataclass
class Booking:
    """A site the class must book: how (required or recommended), how many days ahead, and the
    last day to do it (None when the site gives no number of days)."""

    name: str
    kind: str
    days: int | None
    by: dt.date | None


@dataclass
class ClassTiming:
    """The times of each stop (by day and site), and what to act on before the class."""

    times: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)
    lunch: dict[int, str] = field(default_factory=dict)
    violations: list[Any] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    too_small: list[tuple[str, int]] = field(default_factory=list)
    hours_unknown: list[str] = field(default_factory=list)
    """Sites with no recorded opening hours: timed as if open, to be confirmed by phone."""
    assumed_hours: str = str(ASSUMED_HOURS)
    itinerary: Itinerary | None = None
    """The whole timed schedule (legs, lunch, stories): what the class handout prints."""


def class_timing(
    session: Session, fc: FieldClass, stops: list[Stop], settings: Settings
) -> ClassTiming:
    """Time the class's route from its start date, as the route page times it for a date
    (its plan's window, lunch, start and end kept), and list what to arrange."""
    out = ClassTiming()
    route = session.get(Route, fc.route_id)
    if route is not None:
        done = schedule_stored_route(
            session,
            route,
            date=fc.start_date,
            calendar=calendar_with_dir(settings.holiday_dir),
            travel=travel_model(settings, session),
            visible=frozenset(Status),
        )
        for n, day in enumerate(done.itinerary.days, start=1):
            for stop in day.stops:
                out.times[(n, stop.slug)] = (hhmm(stop.start), hhmm(stop.leave))
            if day.lunch is not None:
                out.lunch[n] = f"{hhmm(day.lunch.start)}–{hhmm(day.lunch.end)}"
        out.violations = [v.detail for v in done.violations]
        out.itinerary = dataclasses.replace(done.noted(), group_size=fc.group_size)
    seen: set[str] = set()
    for booked in stops:
        site = booked.site
        if site.slug in seen:
            continue
        seen.add(site.slug)
        if site.reservation in (Reservation.required, Reservation.recommended):
            days = site.reservation_days
            by = booked.date - dt.timedelta(days=days) if days else None
            out.bookings.append(Booking(site.name, str(site.reservation), days, by))
        if not site.opening_hours:
            out.hours_unknown.append(site.name)
        if site.capacity is not None and site.capacity < fc.group_size:
            out.too_small.append((site.name, site.capacity))
    return out
