"""`/api/plan` and the planner pages on a catalogue `redres demo` loaded: the bundled Wuhan road
network by default, straight lines with ``REDRES_ROAD_NETWORK=none``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from redres.api.app import create_app
from redres.catalog.app_state import demo_loaded
from redres.cli import app as cli
from redres.config import Settings
from redres.db import make_engine
from redres.geo import distance_m
from redres.routes.travel import DEFAULT_CIRCUITY
from tests.conftest import new_database

BODY: dict[str, Any] = {
    "themes": {"great-revolution": 1.0},
    "date": "2025-06-10",
    "days": 1,
    "start": {"lon": 114.2944, "lat": 30.58899},  # 八七会议会址, Hankou
    "mode": "bus",
    "group_size": 30,
    "window": "08:30-17:30",
    "must": ["cpc-5th-congress-site"],  # Wuchang, across the Yangtze
    "exclude": [],
    "time_limit": 0.2,
}


@pytest.fixture(scope="module")
def demo_cli_engine(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A catalogue loaded the way a deployer loads it: `redres demo`."""
    with new_database(db_kind, tmp_path_factory.mktemp("roads")) as url:
        result = CliRunner().invoke(cli, ["demo", "--db", url])
        assert result.exit_code == 0, result.output
        eng = make_engine(url)
        yield eng
        eng.dispose()


def client_for(engine: Engine, **settings: Any) -> TestClient:
    config = Settings(database_url="sqlite://", plan_requests_per_minute=10**6, **settings)
    return TestClient(create_app(config, engine=engine))


def cross_river_legs(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Legs with one end in Hankou (north of 30.575) and the other in Wuchang (south of 30.56)."""
    legs = [leg for day in data["days"] for leg in day["legs"]]
    return [
        leg
        for leg in legs
        if len(leg["geometry"]) >= 2
        and {leg["geometry"][0][1] > 30.575, leg["geometry"][-1][1] > 30.575} == {True, False}
        and min(leg["geometry"][0][1], leg["geometry"][-1][1]) < 30.56
    ]


def straight_m(leg: dict[str, Any]) -> float:
    (x1, y1), (x2, y2) = leg["geometry"][0], leg["geometry"][-1]
    return distance_m(x1, y1, x2, y2)


def test_redres_demo_records_that_the_demo_is_loaded(demo_cli_engine: Engine) -> None:
    with Session(demo_cli_engine) as session:
        assert demo_loaded(session)


def test_plan_on_the_demo_uses_the_bundled_roads_by_default(demo_cli_engine: Engine) -> None:
    with client_for(demo_cli_engine) as client:
        r = client.post("/api/plan", json=BODY)
    assert r.status_code == 200, r.text
    legs = cross_river_legs(r.json())
    assert legs, r.json()["days"]
    for leg in legs:
        assert len(leg["geometry"]) > 10  # along the roads
        assert leg["metres"] > straight_m(leg)
        assert leg["metres"] != pytest.approx(straight_m(leg) * DEFAULT_CIRCUITY["bus"], abs=1)


def test_road_network_none_gives_straight_lines(demo_cli_engine: Engine) -> None:
    with client_for(demo_cli_engine, road_network="none") as client:
        r = client.post("/api/plan", json=BODY)
    assert r.status_code == 200, r.text
    legs = cross_river_legs(r.json())
    assert legs
    for leg in legs:
        assert len(leg["geometry"]) == 2
        assert leg["metres"] == pytest.approx(straight_m(leg) * DEFAULT_CIRCUITY["bus"], abs=1)


def test_without_the_demo_record_plans_stay_straight(demo_engine: Engine) -> None:
    # `demo_engine` loads the same records without `redres demo`: nothing says it is the demo
    with client_for(demo_engine) as client:
        r = client.post("/api/plan", json=BODY)
    assert r.status_code == 200, r.text
    assert all(len(leg["geometry"]) == 2 for leg in cross_river_legs(r.json()))


def test_a_configured_network_file_is_used(demo_engine: Engine, tmp_path: Path) -> None:
    roads = Settings().data_dir / "roads" / "wuhan-roads.gpkg"
    with client_for(demo_engine, road_network=str(roads)) as client:
        r = client.post("/api/plan", json=BODY)
    assert r.status_code == 200, r.text
    legs = cross_river_legs(r.json())
    assert legs
    assert all(len(leg["geometry"]) > 10 for leg in legs)


def test_the_planner_page_downloads_follow_the_roads(demo_cli_engine: Engine) -> None:
    query = {
        "theme": "great-revolution",
        "date": "2025-06-10",
        "start": "114.2944,30.58899",
        "mode": "bus",
        "must": "cpc-5th-congress-site",
    }
    with client_for(demo_cli_engine) as client:
        gpx = client.get("/plan/export.gpx", params=query)
        straight = client_for(demo_cli_engine, road_network="none")
        with straight:
            plain = straight.get("/plan/export.gpx", params=query)
    assert gpx.status_code == 200, gpx.text
    assert plain.status_code == 200, plain.text
    assert gpx.text.count("<trkpt") > 20 + plain.text.count("<trkpt")


def test_a_stored_route_is_timed_on_the_same_roads(demo_cli_engine: Engine) -> None:
    path = "/api/routes/hankou-1927-great-revolution-walk/schedule?date=2025-06-10"
    with client_for(demo_cli_engine) as client:
        roads = client.get(path)
    with client_for(demo_cli_engine, road_network="none") as client:
        plain = client.get(path)
    assert roads.status_code == plain.status_code == 200, roads.text
    road_legs = [leg for day in roads.json()["days"] for leg in day["legs"]]
    plain_legs = [leg for day in plain.json()["days"] for leg in day["legs"]]
    assert road_legs
    assert all(len(leg["geometry"]) == 2 for leg in plain_legs)
    assert any(len(leg["geometry"]) > 2 for leg in road_legs)


def test_hand_checked_stops_are_timed_on_the_roads(demo_cli_engine: Engine) -> None:
    body = {
        "date": "2025-06-10",
        "mode": "walk",
        "stops": [["august-7-conference-site", "cpc-5th-congress-site"]],
    }
    with client_for(demo_cli_engine) as client:
        roads = client.post("/api/plan/check", json=body)
    with client_for(demo_cli_engine, road_network="none") as client:
        plain = client.post("/api/plan/check", json=body)
    assert roads.status_code == plain.status_code == 200, roads.text + plain.text
    (road_leg,) = roads.json()["days"][0]["legs"]
    (plain_leg,) = plain.json()["days"][0]["legs"]
    assert len(plain_leg["geometry"]) == 2
    assert len(road_leg["geometry"]) > 10
    assert road_leg["metres"] > plain_leg["metres"]  # round by a bridge, not across the water
