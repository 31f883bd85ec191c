"""Curated routes: timed as ordered, every violation reported, re-ordering when asked."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.route_store import get_route, route_stops
from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import Interval, parse_opening_hours
from redres.routes.curated import CuratedStop, schedule_curated
from redres.routes.model import Candidate, Place
from redres.routes.stored_routes import schedule_stored_route

TUESDAY = dt.date(2025, 6, 3)


def stop(i: int, hours: str | None, *, dx: float, minutes: int = 60, **kw: object) -> CuratedStop:
    c = Candidate(
        id=i,
        slug=f"s{i}",
        name=f"Site {i}",
        lon=114.30 + 0.01 * dx,
        lat=30.58,
        score=1.0,
        visit_minutes=30,
        hours=parse_opening_hours(hours) if hours else None,
        **kw,  # type: ignore[arg-type]
    )
    return CuratedStop(c, minutes=minutes)


def test_violations_are_reported_not_raised() -> None:
    stops = [
        stop(1, "Tu-Su 09:00-17:00", dx=0, minutes=240),
        stop(2, "Tu-Su 09:00-14:00", dx=1, last_entry_minutes=60),
        stop(3, "We-Su 09:00-17:00", dx=2),
        stop(4, None, dx=3, minutes=200),
    ]
    done = schedule_curated(stops, date=TUESDAY, calendar=default_calendar())
    kinds = {(v.slug, v.kind) for v in done.violations}
    assert ("s2", "after_last_entry") in kinds
    assert ("s3", "closed") in kinds
    assert ("s4", "over_window") in kinds
    assert not done.feasible
    first = done.itinerary.days[0].stops[0]
    # the planner's clock: the day starts as the first stop opens at 09:00, no wait at its door
    assert (first.arrive, first.start) == (540, 540)
    assert done.itinerary.days[0].depart == 540
    assert "assumed" in done.itinerary.days[0].stops[3].warnings[0]


def test_reorder_finds_a_feasible_order() -> None:
    early = stop(1, "Tu-Su 09:00-11:00", dx=0)
    late = stop(2, "Tu-Su 15:00-17:00", dx=0.5)
    any_time = stop(3, "Tu-Su 09:00-17:00", dx=1)
    window = Interval.parse("09:00-17:00")
    as_given = schedule_curated(
        [late, any_time, early], date=TUESDAY, calendar=default_calendar(), window=window
    )
    assert not as_given.feasible
    better = schedule_curated(
        [late, any_time, early],
        date=TUESDAY,
        calendar=default_calendar(),
        window=window,
        reorder=True,
    )
    assert better.feasible
    assert next(s.slug for s in better.itinerary.stops) == "s1"


def test_stored_demo_route_skips_mondays(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        route = get_route(session, "hankou-1927-great-revolution-walk")
        monday = schedule_stored_route(
            session, route, date=dt.date(2025, 6, 9), calendar=default_calendar()
        )
        auto = schedule_stored_route(
            session, route, date=None, calendar=default_calendar(), today=dt.date(2025, 6, 8)
        )
    assert {v.kind for v in monday.violations} >= {"closed"}
    assert auto.feasible
    assert auto.itinerary.days[0].date == dt.date(2025, 6, 10)  # Tuesday, not Monday 9th
    assert next(s.slug for s in auto.itinerary.stops) == "wuhan-national-government-site"
    assert len(auto.itinerary.days[0].legs) == 4


def test_a_stored_route_carries_its_lesson_notes(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        route = get_route(session, "hankou-1927-great-revolution-walk")
        notes = [r.stop.note for r in route_stops(session, route)]
        done = schedule_stored_route(session, route, date=TUESDAY, calendar=default_calendar())
    assert all(notes)
    assert [s.note for s in done.itinerary.stops] == notes
    assert [s["note"] for s in done.itinerary.to_dict()["days"][0]["stops"]] == notes


def test_a_curated_route_from_a_start_point_says_where_it_starts() -> None:
    school = Place(114.29, 30.58, "学校")
    done = schedule_curated(
        [stop(1, "Tu-Su 09:00-17:00", dx=0)],
        date=TUESDAY,
        calendar=default_calendar(),
        start=school,
    )
    assert done.itinerary.start == school
    assert done.itinerary.to_dict()["start"] == {"lon": 114.29, "lat": 30.58, "name": "学校"}
    assert [(leg.origin, leg.destination) for leg in done.itinerary.days[0].legs] == [
        ("start", "s1")
    ]
