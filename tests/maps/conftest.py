"""Plain features, and itineraries made by the planner and the curated scheduler, for map
tests: no database, since maps render what the route room hands them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import Interval, parse_opening_hours
from redres.routes.answer import Itinerary
from redres.routes.curated import CuratedStop, schedule_curated
from redres.routes.model import Candidate, Place, PlanRequest
from redres.routes.network import NetworkTravel, network_from_lines
from redres.routes.planner import PlannerParams, plan
from redres.routes.solver import SolveParams

HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`</script>"
"""A site name that would run script if any path pasted it into HTML or JavaScript."""


def point_feature(name: str, lon: float, lat: float, **props: Any) -> dict[str, Any]:
    """A site feature as `redres.catalog.features.site_feature` makes it, plus popup extras."""
    base = {"slug": None, "category": "former_site", "period": None, "protection": None}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {**base, "name": name, **props},
    }


@pytest.fixture
def features() -> list[dict[str, Any]]:
    """Four Wuhan sites (WGS-84 points from Wikidata), one with a hostile name, one unsurveyed."""
    return [
        point_feature(
            "八七会议会址",
            114.2944,
            30.58899,
            slug="aug7-site",
            period="great_revolution",
            protection="national",
            district="江岸区",
            opening_hours="Tu-Su 09:00-17:00; PH open",
            themes=["great-revolution"],
            stories=[{"summary": "1927年8月7日，中共中央在此召开紧急会议。", "body": ""}],
        ),
        point_feature(
            HOSTILE,
            114.29302,
            30.55339,
            slug="hostile",
            category="memorial_hall",
            district="武昌区",
            themes=["martyrs"],
            excerpt=HOSTILE,
        ),
        point_feature(
            "施洋烈士墓", 114.33583, 30.53972, category="martyrs_cemetery", district="洪山区"
        ),
        {"type": "Feature", "geometry": None, "properties": {"name": "武汉革命博物馆"}},
    ]


@pytest.fixture
def themes() -> dict[str, str]:
    """Theme filters, one with a hostile name."""
    return {"great-revolution": "大革命", "martyrs": HOSTILE}


SCHOOL = Place(114.3, 30.55, "学校")
"""Where the class leaves from and returns to each day."""

ROAD = [(114.2944, 30.58899), (114.2990, 30.5700), (114.29302, 30.55339)]
"""A street from 八七会议会址 south to the hall with the hostile name, bending east."""


def sites() -> list[Candidate]:
    """Three Wuhan sites (WGS-84 points from Wikidata) as the planner sees them, one hostile."""
    hall = parse_opening_hours("Tu-Su 09:00-17:00")
    return [
        Candidate(1, "aug7-site", "八七会议会址", 114.2944, 30.58899, 3.0, 60, hours=hall),
        Candidate(2, "hostile", HOSTILE, 114.29302, 30.55339, 2.0, 40, hours=hall),
        Candidate(3, "shi-yang", "施洋烈士墓", 114.33583, 30.53972, 1.0, 45, hours=hall),
    ]


@pytest.fixture(scope="session")
def itinerary() -> Itinerary:
    """A two-day plan from the planner, from and back to the school, over a road network
    that carries the legs between the first two sites (the others are straight lines)."""
    request = PlanRequest(
        {"great-revolution": 1.0},
        dt.date(2026, 5, 12),
        days=2,
        start=SCHOOL,
        max_stops=2,
        lunch=Interval.parse("12:00-13:00"),
    )
    travel = NetworkTravel(network_from_lines([ROAD]), max_snap_m=300)
    planned = plan(
        request,
        sites(),
        travel=travel,
        calendar=default_calendar(),
        today=dt.date(2026, 4, 1),
        params=PlannerParams(solve=SolveParams(time_limit=0.2)),
    )
    assert [len(d.stops) for d in planned.days] == [2, 1]
    return replace(planned, name="武昌红巷")


@pytest.fixture(scope="session")
def curated() -> Itinerary:
    """The same sites as an editor's route with lesson notes (one hostile), timed for a Tuesday."""
    notes = ["1927年8月7日，中共中央在此召开紧急会议。", HOSTILE, None]
    stops = [CuratedStop(c, note=n) for c, n in zip(sites(), notes, strict=True)]
    done = schedule_curated(
        stops, date=dt.date(2026, 5, 12), calendar=default_calendar(), name="武昌红巷"
    )
    return done.itinerary
