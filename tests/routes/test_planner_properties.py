"""Property tests: on random small catalogues every plan is honest and explains every omission."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import Interval, parse_opening_hours
from redres.routes.model import Candidate, Place, PlanRequest
from redres.routes.planner import PlannerParams, plan
from redres.routes.solver import SolveParams
from tests.routes.test_planner import check_honest

HOURS = [None, "Tu-Su 09:00-17:00", "Mo-Su 08:30-12:00,13:30-17:30", "24/7", "We-Su 10:00-16:00"]
FAST = PlannerParams(solve=SolveParams(time_limit=0.05))


@st.composite
def candidates(draw: st.DrawFn) -> list[Candidate]:
    n = draw(st.integers(1, 9))
    out = []
    for i in range(n):
        hours = draw(st.sampled_from(HOURS))
        out.append(
            Candidate(
                id=i + 1,
                slug=f"s{i + 1}",
                name=f"Site {i + 1}",
                lon=114.30 + draw(st.floats(-0.03, 0.03)),
                lat=30.58 + draw(st.floats(-0.03, 0.03)),
                score=draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
                visit_minutes=draw(st.sampled_from([20, 45, 90])),
                hours=parse_opening_hours(hours) if hours else None,
                last_entry_minutes=draw(st.sampled_from([0, 30, 60])),
                capacity=draw(st.sampled_from([None, 20, 100])),
            )
        )
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cands=candidates(),
    date=st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    days=st.integers(1, 2),
    lunch=st.booleans(),
    group=st.sampled_from([10, 50]),
    mode=st.sampled_from(["walk", "bus"]),
)
def test_every_plan_is_honest(
    cands: list[Candidate], date: dt.date, days: int, lunch: bool, group: int, mode: str
) -> None:
    request = PlanRequest(
        {"t": 1.0},
        date,
        days=days,
        start=Place(114.30, 30.58),
        mode=mode,
        group_size=group,
        lunch=Interval.parse("12:00-13:00") if lunch else None,
    )
    it = plan(request, cands, calendar=default_calendar(), today=dt.date(2024, 12, 1), params=FAST)
    check_honest(it, cands, request)
    for stop in it.stops:
        (c,) = [c for c in cands if c.slug == stop.slug]
        assert c.capacity is None or c.capacity >= group
