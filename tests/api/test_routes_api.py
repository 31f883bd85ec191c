"""`/api/routes`: published curated routes with stops and sites, 404s, and scheduled exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.route_edits import StopInput, save_planned_route
from tests.api.conftest import MakeClient
from tests.factories import add_toy_sites

ROUTE = "hankou-1927-great-revolution-walk"


def test_list_published_routes(demo: TestClient) -> None:
    r = demo.get("/api/routes")
    assert r.status_code == 200
    data = r.json()
    assert data["total"] == 2
    by = {d["slug"]: d for d in data["data"]}
    assert by[ROUTE]["stops"] == 5
    assert by[ROUTE]["theme"] == "great-revolution"


def test_one_route_by_slug_or_id_with_its_sites(demo: TestClient) -> None:
    r = demo.get(f"/api/routes/{ROUTE}")
    assert r.status_code == 200
    data = r.json()
    assert data["type"] == "FeatureCollection"
    assert data["properties"]["theme"]["slug"] == "great-revolution"
    orders = [f["properties"]["order"] for f in data["features"]]
    assert orders == [1, 2, 3, 4, 5]
    first = data["features"][0]
    assert first["properties"]["slug"] == "wuhan-national-government-site"
    assert first["geometry"]["type"] == "Point"
    assert first["properties"]["note"]
    again = demo.get(f"/api/routes/{data['id']}")
    assert again.json()["properties"]["slug"] == ROUTE


def test_unknown_route_is_404(demo: TestClient) -> None:
    for path in ("/api/routes/nope", "/api/routes/nope.gpx", f"/api/routes/{ROUTE}.shp"):
        r = demo.get(path)
        assert r.status_code == 404, path
        assert "not found" in r.json()["detail"]


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("gpx", "application/gpx+xml"),
        ("kml", "application/vnd.google-earth.kml+xml"),
        ("geojson", "application/geo+json"),
        ("ics", "text/calendar"),
        ("html", "text/html"),
    ],
)
def test_exports_have_content_types_and_parse(demo: TestClient, fmt: str, media: str) -> None:
    r = demo.get(f"/api/routes/{ROUTE}.{fmt}", params={"date": "2025-06-10"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    if fmt in ("gpx", "kml"):
        assert len(list(ET.fromstring(r.content).iter())) > 5
    elif fmt == "geojson":
        points = [f for f in json.loads(r.text)["features"] if f["geometry"]["type"] == "Point"]
        assert len(points) == 5
    elif fmt == "ics":
        assert r.text.count("BEGIN:VEVENT") == 5
        assert "DTSTART;TZID=Asia/Shanghai:20250610T" in r.text


def test_schedule_reports_violations_on_a_monday(demo: TestClient) -> None:
    r = demo.get(f"/api/routes/{ROUTE}/schedule", params={"date": "2025-06-09"})
    data = r.json()
    assert data["feasible"] is False
    assert {"august-7-conference-site", "cpc-central-committee-organs-wuhan"} <= {
        v["slug"] for v in data["violations"] if v["kind"] == "closed"
    }
    r = demo.get(f"/api/routes/{ROUTE}/schedule", params={"date": "2025-06-09x"})
    assert r.status_code == 422


def test_draft_routes_are_hidden(engine: Engine, session: Session, make_client: MakeClient) -> None:
    sites = add_toy_sites(session)
    save_planned_route(
        session,
        slug="my-draft",
        name="草稿线路",
        stops=[StopInput(1, 1, sites[0].id or 0), StopInput(1, 2, sites[1].id or 0)],
        theme="great-revolution",
    )
    session.commit()
    c = make_client(engine)
    assert c.get("/api/routes").json()["total"] == 0
    assert c.get("/api/routes/my-draft").status_code == 404
    assert c.get("/api/routes/my-draft.gpx").status_code == 404
