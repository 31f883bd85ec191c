"""One day clock: the planner's schedule and a curated route of the same stops agree to the minute."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import Interval, parse_opening_hours
from redres.routes.answer import Itinerary
from redres.routes.curated import CuratedStop, schedule_curated
from redres.routes.model import Candidate, PlanRequest
from redres.routes.planner import PlannerParams, plan
from redres.routes.solver import SolveParams
from redres.routes.timeline import Stay, step_day

TUESDAY = dt.date(2025, 6, 3)
TODAY = dt.date(2025, 5, 1)
HOURS = (
    "Tu-Su 09:00-17:00",
    "Tu-Su 09:30-16:30",
    "Tu-Su 08:00-12:00,14:00-17:30",
    "Tu-Su 13:00-18:00",
)


def candidates(seed: int) -> list[Candidate]:
    """Sites a few hundred metres to two kilometres apart, with the hours halls keep."""
    rng = random.Random(seed)
    return [
        Candidate(
            id=i,
            slug=f"s{i}",
            name=f"Site {i}",
            lon=114.29 + rng.uniform(0, 0.02),
            lat=30.57 + rng.uniform(0, 0.02),
            score=rng.uniform(0.5, 2.0),
            visit_minutes=rng.choice((30, 45, 60, 90)),
            hours=parse_opening_hours(rng.choice(HOURS)),
            last_entry_minutes=rng.choice((0, 30)),
        )
        for i in range(1, 9)
    ]


def times(it: Itinerary) -> list[list[tuple[str, str, str, str]]]:
    return [
        [(s["slug"], s["arrive"], s["start"], s["leave"]) for s in day["stops"]]
        for day in it.to_dict()["days"]
    ]


@pytest.mark.parametrize("seed", range(8))
def test_a_plan_and_the_same_stops_as_a_curated_route_get_one_schedule(seed: int) -> None:
    sites = candidates(seed)
    lunch = Interval.parse("12:00-13:00")
    request = PlanRequest({"t": 1.0}, TUESDAY, days=2, lunch=lunch, mode="walk")
    params = PlannerParams(solve=SolveParams(time_limit=0.2, seed=seed))
    planned = plan(request, sites, calendar=default_calendar(), today=TODAY, params=params)
    assert planned.stops
    by_slug = {c.slug: c for c in sites}
    stops = [
        CuratedStop(by_slug[s.slug], day=d)
        for d, day in enumerate(planned.days, 1)
        for s in day.stops
    ]
    checked = schedule_curated(
        stops, date=TUESDAY, calendar=default_calendar(), mode="walk", lunch=lunch
    )
    assert checked.feasible, checked.violations
    assert times(checked.itinerary) == times(planned)
    days = zip(checked.itinerary.to_dict()["days"], planned.to_dict()["days"], strict=True)
    for mine, theirs in days:
        assert (mine["depart"], mine["back"], mine["lunch"]) == (
            theirs["depart"],
            theirs["back"],
            theirs["lunch"],
        )


def test_the_group_waits_for_opening_at_the_start_not_at_the_door() -> None:
    hall = Stay(60.0, [(540.0, 960.0)])
    clock = step_day([hall], [20.0, 20.0], window=(480.0, 1080.0))
    assert clock is not None
    assert (clock.depart, clock.visits[0].arrive, clock.visits[0].start) == (520.0, 540.0, 540.0)


def test_no_leg_and_no_visit_overlaps_lunch() -> None:
    hall = Stay(60.0, [(540.0, 960.0)])  # no lunch split in the windows: the clock keeps the rule
    lunch = Interval.parse("12:00-13:00")
    clock = step_day(
        [hall, hall, hall], [0.0, 60.0, 50.0, 0.0], window=(540.0, 1080.0), lunch=lunch
    )
    assert clock is not None
    spans = [(v.start, v.leave) for v in clock.visits]
    assert spans == [(540.0, 600.0), (660.0, 720.0), (830.0, 890.0)]  # leaves stop 2 after lunch
    assert clock.lunch_at == 1


@pytest.mark.parametrize(
    ("minutes", "window", "where"),
    [
        (200.0, (540.0, 1080.0), 0),  # arrives 09:10, eats there, visits 13:00-16:20
        (60.0, (540.0, 700.0), None),  # back at 10:20
        (60.0, (790.0, 1080.0), None),  # out at 13:10
        (60.0, (750.0, 1080.0), -1),  # out at 12:30: eats before leaving
    ],
    ids=["spans the break", "over before it", "begins after it", "begins during it"],
)
def test_a_day_has_lunch_only_when_it_reaches_the_break(
    minutes: float, window: tuple[float, float], where: int | None
) -> None:
    hall = Stay(minutes, [(540.0, 1020.0)])
    lunch = Interval.parse("12:00-13:00")
    clock = step_day([hall], [10.0, 10.0], window=window, lunch=lunch)
    assert clock is not None
    assert clock.lunch_at == where


def test_a_lenient_day_is_timed_and_names_what_breaks() -> None:
    closed = Stay(30.0, [])
    late = Stay(60.0, [(540.0, 600.0)], fallback=[(540.0, 630.0)])
    strict = step_day([closed, late], [0.0, 0.0, 0.0], window=(480.0, 600.0))
    assert strict is None
    clock = step_day([closed, late], [0.0, 700.0, 0.0], window=(480.0, 600.0), strict=False)
    assert clock.misses == (0, 1)
    assert clock.over
    assert [(v.arrive, v.start) for v in clock.visits] == [(480.0, 480.0), (1210.0, 1210.0)]
