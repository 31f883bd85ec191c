"""The planner on plain data: reasons for every omission, feasible honest schedules, bad requests."""

from __future__ import annotations

import datetime as dt

import pytest

from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import Interval, parse_opening_hours
from redres.messages import Message
from redres.routes.answer import REASONS, Itinerary
from redres.routes.errors import InvalidPlanRequest
from redres.routes.model import Candidate, KindCap, Place, PlanRequest
from redres.routes.planner import PlannerParams, plan
from redres.routes.solver import SolveParams

TUESDAY = dt.date(2025, 6, 3)
MONDAY = dt.date(2025, 6, 9)
TODAY = dt.date(2025, 5, 1)
HOTEL = Place(114.2944, 30.5800, "hotel")
FAST = PlannerParams(solve=SolveParams(time_limit=0.2))
HALL = "Tu-Su 09:00-17:00"


def cand(i: int, *, hours: str | None = HALL, dx: float = 0.0, **kw: object) -> Candidate:
    """A candidate a few hundred metres east of the hotel per unit of `dx`."""
    fields: dict[str, object] = {
        "id": i,
        "slug": f"s{i}",
        "name": f"Site {i}",
        "lon": 114.2944 + 0.004 * dx,
        "lat": 30.5800,
        "score": 1.0,
        "visit_minutes": 60,
        "hours": parse_opening_hours(hours) if hours else None,
    }
    fields.update(kw)
    return Candidate(**fields)  # type: ignore[arg-type]


def run(request: PlanRequest, candidates: list[Candidate]) -> Itinerary:
    return plan(request, candidates, calendar=default_calendar(), today=TODAY, params=FAST)


def minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def check_honest(it: Itinerary, candidates: list[Candidate], request: PlanRequest) -> None:
    """Every stop starts inside opening hours before last entry, inside the window, off lunch."""
    by_slug = {c.slug: c for c in candidates}
    cal = default_calendar()
    seen = [s.slug for s in it.stops]
    assert len(seen) == len(set(seen))
    for day in it.to_dict()["days"]:
        date = dt.date.fromisoformat(day["date"])
        assert minutes(day["depart"]) >= request.window.start
        assert minutes(day["back"]) <= request.window.end
        for stop in day["stops"]:
            c = by_slug[stop["slug"]]
            start, leave = minutes(stop["start"]), minutes(stop["leave"])
            assert minutes(stop["arrive"]) <= start
            hours = c.hours.intervals(date, cal) if c.hours else [Interval(540, 1020)]
            assert any(
                i.start <= start <= i.end - c.last_entry_minutes and leave <= i.end for i in hours
            ), (stop, hours)
            if request.lunch:
                assert leave <= request.lunch.start or start >= request.lunch.end
        # legs: nobody travels faster than the matrix, nor through the lunch break
        times = [minutes(day["depart"])]
        for stop in day["stops"]:
            times += [minutes(stop["arrive"]), minutes(stop["leave"])]
        times.append(minutes(day["back"]))
        legs = day["legs"] if request.start is not None else [None, *day["legs"]]
        for k, leg in enumerate(legs):
            if leg is None:
                continue
            left, reached = times[2 * k], times[2 * k + 1]
            assert reached - left >= leg["minutes"] - 1, (day, k)
            if request.lunch and leg["minutes"] > 0:
                set_off = reached - leg["minutes"]
                assert reached <= request.lunch.start + 1 or set_off >= request.lunch.end - 1
    # every candidate is either visited or omitted with a contract reason and a detail
    omitted = {o.slug: o for o in it.omitted}
    assert set(seen) | set(omitted) == set(by_slug)
    assert not set(seen) & set(omitted)
    assert all(o.reason in REASONS and o.detail for o in it.omitted)
    assert it.score == pytest.approx(sum(by_slug[s].score for s in seen))


def test_monday_closes_halls_with_reason() -> None:
    cands = [cand(1), cand(2, hours="24/7", dx=1), cand(3, hours="Mo-Su 09:00-17:00", dx=2)]
    request = PlanRequest({"t": 1.0}, MONDAY, start=HOTEL)
    it = run(request, cands)
    closed = {o.slug: o for o in it.omitted}
    assert closed["s1"].reason == "closed"
    assert "2025-06-09 (Mon)" in closed["s1"].detail
    assert {s.slug for s in it.stops} == {"s2", "s3"}
    check_honest(it, cands, request)


def test_holiday_monday_opens_ph_open_sites() -> None:
    holiday = dt.date(2025, 10, 6)  # National Day week, a Monday
    cands = [cand(1, hours=HALL + "; PH open"), cand(2, dx=1)]
    it = run(PlanRequest({"t": 1.0}, holiday, start=HOTEL), cands)
    assert [s.slug for s in it.stops] == ["s1"]
    assert it.omitted[0].reason == "closed"
    assert any("public holiday" in w for w in it.warnings)


def test_capacity_relevance_exclusion_and_reservation_reasons() -> None:
    cands = [
        cand(1, capacity=30),
        cand(2, score=0.0, dx=1),
        cand(3, dx=2),
        cand(4, reservation="required", reservation_days=60, dx=3),
        cand(5, reservation="required", reservation_days=3, dx=-1),
        cand(6, dx=-2),
    ]
    request = PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL, group_size=45, exclude=("s3",))
    it = run(request, cands)
    reasons = {o.slug: o.reason for o in it.omitted}
    assert reasons == {
        "s1": "capacity",
        "s2": "low_relevance",
        "s3": "excluded",
        "s4": "reservation",
    }
    (booked,) = [s for s in it.stops if s.slug == "s5"]
    assert any("book by 2025-05-31" in w for w in booked.warnings)
    check_honest(it, cands, request)


def test_last_entry_and_outside_window() -> None:
    late = cand(1, hours="Tu-Su 09:00-17:00", last_entry_minutes=60, visit_minutes=30)
    evening = cand(2, hours="Tu-Su 19:00-21:00", dx=1)
    request = PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL, window=Interval.parse("15:30-18:30"))
    it = run(request, [late, evening])
    (stop,) = it.stops
    assert stop.start <= 16 * 60  # entry stops at 16:00 though a 30-min visit would end by 17
    assert it.omitted[0].reason == "outside_window"
    tight = PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL, window=Interval.parse("16:05-18:30"))
    it = run(tight, [late])
    assert it.omitted[0].reason == "outside_window"


def test_lunch_is_honest_and_placed() -> None:
    cands = [cand(i, dx=i * 2 - 6) for i in range(1, 8)]
    request = PlanRequest(
        {"t": 1.0}, TUESDAY, start=HOTEL, lunch=Interval.parse("12:00-13:00"), mode="walk"
    )
    it = run(request, cands)
    assert it.days[0].lunch is not None
    check_honest(it, cands, request)
    day = it.days[0]
    times = [(s.start, s.leave) for s in day.stops]
    assert all(b <= 720 or a >= 780 for a, b in times)


def test_unknown_hours_assumed_with_warning_or_omitted() -> None:
    cands = [cand(1, hours=None, hours_note="8:30-17:00 per an old guide")]
    it = run(PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL), cands)
    assert "assumed 09:00-17:00" in it.stops[0].warnings[0]
    assert "old guide" in it.stops[0].warnings[0]
    it = run(PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL, unknown_hours="omit"), cands)
    assert (it.omitted[0].reason, it.omitted[0].cause) == ("closed", "unknown_hours")


def test_no_location_and_max_stops() -> None:
    cands = [cand(1, lon=None, lat=None), *(cand(i, dx=i) for i in range(2, 6))]
    request = PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL, max_stops=2)
    it = run(request, cands)
    by = {o.slug: o for o in it.omitted}
    assert (by["s1"].reason, by["s1"].cause) == ("no_location", "no_location")
    assert len(it.stops) == 2
    assert {by[s].cause for s in ("s2", "s3", "s4", "s5") if s in by} == {"max_stops"}
    check_honest(it, cands, request)


def test_must_visit_is_kept_even_if_low_scoring() -> None:
    cands = [cand(i, dx=i, score=5.0) for i in range(1, 12)] + [cand(20, dx=15, score=0.0)]
    request = PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL, must=("s20",))
    it = run(request, cands)
    assert "s20" in {s.slug for s in it.stops}
    check_honest(it, cands, request)


def test_two_days_start_from_a_site_slug_without_repeats() -> None:
    cands = [cand(i, dx=i) for i in range(1, 12)]
    request = PlanRequest({"t": 1.0}, TUESDAY, days=2, start="s1")
    it = run(request, cands)
    assert [d.date for d in it.days] == [TUESDAY, TUESDAY + dt.timedelta(days=1)]
    assert it.days[0].legs[0].origin == "s1"
    check_honest(it, cands, request)


def test_legs_connect_start_stops_and_end() -> None:
    cands = [cand(1, dx=2), cand(2, dx=4)]
    request = PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL, end=Place(114.30, 30.59, "station"))
    day = run(request, cands).days[0]
    names = [leg.origin for leg in day.legs] + [day.legs[-1].destination]
    assert names[0] == "start"
    assert names[-1] == "end"
    assert len(day.legs) == len(day.stops) + 1
    assert all(leg.metres > 0 and len(leg.geometry) >= 2 for leg in day.legs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"themes": {}}, "at least one theme"),
        ({"themes": {"t": -1}}, "positive"),
        ({"window": Interval(600, 600)}, "must end after"),
        ({"lunch": Interval.parse("07:00-08:00")}, "inside the window"),
        ({"must": ("s1",), "exclude": ("s1",)}, "both"),
        ({"mode": "rocket"}, "mode"),
        ({"days": 0}, "days"),
        ({"group_size": 0}, "group size"),
    ],
)
def test_bad_requests_fail_clearly(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"themes": {"t": 1.0}, "date": TUESDAY}
    fields.update(kwargs)
    with pytest.raises(InvalidPlanRequest, match=message):
        PlanRequest(**fields)  # type: ignore[arg-type]


def test_each_problem_is_said_once_and_in_words_a_page_can_translate() -> None:
    caps = (KindCap("museum", per_day=1),) * 3
    with pytest.raises(InvalidPlanRequest) as refused:
        PlanRequest({"t": -1.0}, TUESDAY, group_size=0, kind_caps=caps)
    said = refused.value.args[0]
    assert isinstance(said, Message)
    assert said.key == "problems"
    assert [m.key for m in said.fields["problems"]] == [
        "e_theme_weight",
        "e_group_size",
        "e_kind_cap_twice",  # given three times: said once
    ]
    assert str(said) == (
        "the weight of theme 't' must be a positive number, not -1.0; "
        "the group size must be at least 1, not 0; "
        "the museum cap is given more than once: give one cap per category"
    )


def test_must_site_closed_or_unknown_fails() -> None:
    with pytest.raises(InvalidPlanRequest, match=r"must-visit site 's1'.*closed"):
        run(PlanRequest({"t": 1.0}, MONDAY, start=HOTEL, must=("s1",)), [cand(1)])
    with pytest.raises(InvalidPlanRequest, match="unknown site 'nope'"):
        run(PlanRequest({"t": 1.0}, MONDAY, start=HOTEL, must=("nope",)), [cand(1)])
    with pytest.raises(InvalidPlanRequest, match="unknown start site"):
        run(PlanRequest({"t": 1.0}, MONDAY, start="nope"), [cand(1)])


def test_unofficial_holiday_year_is_a_warning() -> None:
    it = run(PlanRequest({"t": 1.0}, dt.date(2027, 6, 8), start=HOTEL), [cand(1)])
    assert any("no official holiday schedule is loaded for 2027" in w for w in it.warnings)
    assert not run(PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL), [cand(1)]).warnings


def test_the_itinerary_says_where_the_days_start_and_end() -> None:
    cands = [cand(1), cand(2, dx=1)]
    it = run(PlanRequest({"t": 1.0}, TUESDAY, start="s2", end=HOTEL), cands)
    site = cands[1]
    assert it.start == Place(site.lon or 0.0, site.lat or 0.0, site.name, site.slug)
    assert it.end == HOTEL
    data = it.to_dict()
    assert data["start"] == {"lon": site.lon, "lat": site.lat, "name": "Site 2", "slug": "s2"}
    assert data["end"] == {"lon": HOTEL.lon, "lat": HOTEL.lat, "name": "hotel"}
    legs = data["days"][0]["legs"]
    assert (legs[0]["from"], legs[-1]["to"]) == ("s2", "end")
    back = run(PlanRequest({"t": 1.0}, TUESDAY, start=HOTEL), cands)
    assert back.start == back.end == HOTEL  # the end defaults to the start
    assert run(PlanRequest({"t": 1.0}, TUESDAY), cands).to_dict()["start"] is None
