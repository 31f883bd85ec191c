"""The planner on the Wuhan demo catalogue, on SQLite and PostgreSQL/PostGIS."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import Interval
from redres.routes import candidates
from redres.routes.answer import REASONS, Itinerary
from redres.routes.candidates import load_candidates, plan_catalog
from redres.routes.errors import InvalidPlanRequest
from redres.routes.model import Place, PlanRequest
from redres.routes.planner import PlannerParams
from redres.routes.solver import SolveParams

FAST = PlannerParams(solve=SolveParams(time_limit=0.2))
HOTEL = Place(114.2944, 30.58899, "hotel by the August 7 site")
THEMES = {"great-revolution": 1.0, "martyrs": 0.5}


def run(engine: Engine, request: PlanRequest) -> Itinerary:
    with Session(engine) as session:
        return plan_catalog(
            session, request, calendar=default_calendar(), today=dt.date(2025, 5, 1), params=FAST
        )


def test_scores_come_from_theme_weights(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        by = {c.slug: c for c in load_candidates(session, THEMES)}
    assert len(by) == 45
    assert by["august-7-conference-site"].score == pytest.approx(1.0)
    assert by["shi-yang-martyr-tomb"].score == pytest.approx(0.5)
    assert by["red-fighters-cemetery"].score == pytest.approx(0.5 + 0.5)
    assert by["huoshenshan-hospital"].score == 0
    assert by["mao-zedong-former-residence-wuchang"].last_entry_minutes == 30
    assert by["mao-zedong-former-residence-wuchang"].visit_minutes == 40  # category default


def test_a_monday_closes_the_memorial_halls(demo_engine: Engine) -> None:
    monday = dt.date(2025, 6, 9)
    assert monday.weekday() == 0
    it = run(demo_engine, PlanRequest(THEMES, monday, start=HOTEL))
    reasons = {o.slug: o for o in it.omitted}
    for slug in ("august-7-conference-site", "mao-zedong-former-residence-wuchang"):
        assert reasons[slug].reason == "closed"
        assert "Mon" in reasons[slug].detail
    assert it.stops
    assert all(o.reason in REASONS and o.detail for o in it.omitted)
    assert len(it.stops) + len(it.omitted) == 45


def test_a_holiday_monday_opens_ph_open_sites(demo_engine: Engine) -> None:
    it = run(
        demo_engine,
        PlanRequest(
            {"great-revolution": 1.0},
            dt.date(2025, 10, 6),
            start=HOTEL,
            must=("mao-zedong-former-residence-wuchang",),
        ),
    )
    visited = {s.slug for s in it.stops}
    assert "mao-zedong-former-residence-wuchang" in visited  # WH02: Tu-Su ...; PH open
    closed = {o.slug for o in it.omitted if o.reason == "closed"}
    assert "august-7-conference-site" in closed  # WH19 has no PH rule
    assert any("国庆节" in w for w in it.warnings)


def test_national_day_and_lunch_give_an_honest_day(demo_engine: Engine) -> None:
    request = PlanRequest(
        THEMES, dt.date(2025, 10, 1), start=HOTEL, lunch=Interval.parse("12:00-13:00"), mode="bus"
    )
    it = run(demo_engine, request)
    day = it.days[0]
    assert day.lunch is not None
    for stop in day.stops:
        assert stop.leave <= 720 or stop.start >= 780
        assert stop.arrive <= stop.start < stop.leave
    assert len(day.legs) == len(day.stops) + 1


def test_must_closed_and_unknown_theme_fail(demo_engine: Engine) -> None:
    with pytest.raises(InvalidPlanRequest, match="must-visit site 'august-7-conference-site'"):
        run(
            demo_engine,
            PlanRequest(THEMES, dt.date(2025, 6, 9), must=("august-7-conference-site",)),
        )
    with pytest.raises(InvalidPlanRequest, match="unknown theme 'nope'"):
        run(demo_engine, PlanRequest({"nope": 1.0}, dt.date(2025, 6, 9)))


def test_a_large_catalogue_lists_only_what_can_score(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above `LIST_ALL_UP_TO` sites the sites outside the requested themes are counted, not
    listed: the same plan, the same reasons for the rest, and a count instead of a long list."""
    request = PlanRequest(
        THEMES, dt.date(2025, 6, 10), start=HOTEL, exclude=("huoshenshan-hospital",)
    )
    whole = run(demo_engine, request)
    monkeypatch.setattr(candidates, "LIST_ALL_UP_TO", 10)
    bounded = run(demo_engine, request)
    assert [s.slug for s in bounded.stops] == [s.slug for s in whole.stops]
    with Session(demo_engine) as session:
        scoring = {c.slug for c in load_candidates(session, THEMES) if c.score > 0}
    unthemed = {o.slug for o in whole.omitted} - scoring - {"huoshenshan-hospital"}
    assert {o.slug for o in whole.omitted if o.reason == "low_relevance"} <= unthemed
    assert bounded.unlisted == len(unthemed) > 0
    assert {o.slug for o in bounded.omitted} == {o.slug for o in whole.omitted} - unthemed
    assert len(bounded.stops) + len(bounded.omitted) + bounded.unlisted == 45
    excluded = {o.slug: o.reason for o in bounded.omitted}
    assert excluded["huoshenshan-hospital"] == "excluded"  # named by the request: still listed
    assert bounded.to_dict()["omitted_unlisted"] == {"low_relevance": len(unthemed)}
    assert "omitted_unlisted" not in whole.to_dict()
