"""`redres plan`: a table, JSON in the contract's shape, files by extension, exit 2 on bad input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redres.cli import app

runner = CliRunner()
BASE = ["plan", "--theme", "great-revolution", "--theme", "martyrs=0.5", "--time-limit", "0.2"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the demo catalogue, loaded through the command line."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cliplan') / 'demo.db'}"
    assert runner.invoke(app, ["demo", "--db", url]).exit_code == 0
    return url


def test_table_lists_stops_then_omissions(demo_db: str) -> None:
    args = [*BASE, "--date", "2025-06-09", "--start", "114.2944,30.58899", "--db", demo_db]
    result = runner.invoke(app, [*args, "--lunch", "12:00-13:00", "--mode", "bus"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Day 1  2025-06-09")
    assert "lunch 12:00-13:00" in out
    assert "omitted" in out
    assert "august-7-conference-site" in out.split("omitted")[1]
    assert "closed on 2025-06-09 (Mon)" in out


def test_json_is_the_itinerary_contract(demo_db: str, tmp_path: Path) -> None:
    gpx = tmp_path / "plan.gpx"
    result = runner.invoke(
        app,
        [
            *BASE,
            "--date",
            "2025-06-10",
            "--start",
            "august-7-conference-site",
            "--days",
            "2",
            "--must",
            "red-fighters-cemetery",
            "--exclude",
            "wuhan-national-government-site",
            "--max-stops",
            "4",
            "--json",
            "--out",
            str(gpx),
            "--db",
            demo_db,
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"score", "days", "omitted"}
    assert [d["date"] for d in data["days"]] == ["2025-06-10", "2025-06-11"]
    stop = data["days"][0]["stops"][0]
    assert set(stop) >= {"site_id", "slug", "name", "arrive", "start", "leave"}
    leg = data["days"][0]["legs"][0]
    assert set(leg) >= {"minutes", "metres", "geometry"}
    visited = [s["slug"] for d in data["days"] for s in d["stops"]]
    assert "red-fighters-cemetery" in visited
    assert all(len(d["stops"]) <= 4 for d in data["days"])
    omitted = {o["slug"]: o for o in data["omitted"]}
    assert omitted["wuhan-national-government-site"]["reason"] == "excluded"
    assert all({"site_id", "slug", "reason", "detail"} <= set(o) for o in data["omitted"])
    assert ET.parse(gpx).getroot().tag.endswith("gpx")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2025-06-09", "--theme", "nope"], "unknown theme 'nope'"),
        (["--date", "June 9"], "YYYY-MM-DD"),
        (["--date", "2025-06-09", "--window", "17:00-09:00"], "does not end after"),
        (["--date", "2025-06-09", "--must", "august-7-conference-site"], "must-visit site"),
        (["--date", "2025-06-09", "--out", "x.shp"], ".gpx"),
        (["--date", "2025-06-09", "--mode", "rocket"], "mode 'rocket'"),
        (["--date", "9999-12-31", "--days", "2"], "9999-12-31 with 2 days does not"),
        (["--date", "9999-12-31"], "must fall between 1950-01-01 and 2100-12-31"),
        (["--date", "2025-06-09", "--seed", str(2**63)], "seed 9223372036854775808"),
        (["--date", "2025-06-09", "--days", "323"], "days 323"),
        (["--date", "2025-06-09", "--group", str(10**30)], "group_size"),
        (["--date", "2025-06-09", "--max-stops", str(10**20)], "max_stops"),
        (["--date", "2025-06-09", "--time-limit", "inf"], "time_limit inf"),
        (["--date", "2025-06-09", "--start", "999,30"], "start.lon 999.0"),
        (["--date", "2025-06-09", "--window", "08:00-99:00"], "is not a time range"),
        (["--date", "2025-06-09", "--ticket-budget", "-1"], "ticket_budget -1.0"),
        (["--date", "2025-06-09", "--cap", "castle:1"], "'castle' is not a site category"),
        (["--date", "2025-06-09", "--cap", "museum:"], "a cap on museum needs a number"),
    ],
)
def test_bad_input_exits_2_with_a_message(demo_db: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, [*BASE, *args, "--db", demo_db])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_save_stores_a_draft_and_network_is_used(demo_db: str, tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import LineString
    from sqlmodel import Session

    from redres.catalog.enums import STAFF, RouteKind, Status
    from redres.catalog.route_store import get_route, route_stops
    from redres.db import make_engine

    roads = tmp_path / "roads.geojson"
    line = LineString([(114.2944, 30.58899), (114.30, 30.58), (114.2813, 30.5783)])
    gpd.GeoDataFrame(geometry=[line], crs=4326).to_file(roads, engine="pyogrio")
    args = [*BASE, "--date", "2025-06-10", "--start", "august-7-conference-site"]
    result = runner.invoke(
        app, [*args, "--network", str(roads), "--save", "cli-plan", "--json", "--db", demo_db]
    )
    assert result.exit_code == 0, result.output
    assert "saved draft route 'cli-plan'" in result.stderr
    planned = [s["slug"] for d in json.loads(result.stdout)["days"] for s in d["stops"]]
    with Session(make_engine(demo_db)) as session:
        route = get_route(session, "cli-plan", visible=STAFF)
        assert (route.status, route.kind) == (Status.draft, RouteKind.planned)
        assert [r.site.slug for r in route_stops(session, route, visible=STAFF)] == planned
    again = runner.invoke(app, [*args, "--save", "cli-plan", "--db", demo_db])
    assert again.exit_code == 2
    assert "already used" in again.stderr
    missing = runner.invoke(app, [*args, "--network", str(tmp_path / "nope.gpkg"), "--db", demo_db])
    assert missing.exit_code == 2


def test_plans_on_the_demo_travel_the_bundled_roads_unless_none(demo_db: str) -> None:
    args = [*BASE, "--date", "2025-06-10", "--start", "114.2944,30.58899", "--mode", "bus"]
    args += ["--must", "cpc-5th-congress-site", "--json", "--db", demo_db]
    roads = runner.invoke(app, args)
    plain = runner.invoke(app, [*args, "--network", "none"])
    assert roads.exit_code == plain.exit_code == 0, roads.output + plain.output
    road_legs = [leg for d in json.loads(roads.stdout)["days"] for leg in d["legs"]]
    plain_legs = [leg for d in json.loads(plain.stdout)["days"] for leg in d["legs"]]
    assert all(len(leg["geometry"]) == 2 for leg in plain_legs)
    assert any(len(leg["geometry"]) > 10 for leg in road_legs)  # along the roads, over a river
