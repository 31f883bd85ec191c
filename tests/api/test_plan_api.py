"""`POST /api/plan` on the demo catalogue: the itinerary contract, and 422s that say why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redres.config import Settings
from redres.routes.answer import REASONS


@pytest.fixture(scope="module")
def demo_settings() -> Settings:
    """A rate limit no test reaches: the module plans many times."""
    return Settings(database_url="sqlite://", plan_requests_per_minute=10**6)


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "themes": {"great-revolution": 1.0, "martyrs": 0.5},
        "date": "2025-06-09",
        "days": 1,
        "start": {"lon": 114.2944, "lat": 30.58899},
        "mode": "bus",
        "group_size": 40,
        "window": "08:30-17:30",
        "lunch": "12:00-13:00",
        "must": [],
        "exclude": ["wuhan-national-government-site"],
        "time_limit": 0.2,
    }
    return base | changes


def test_plan_answers_the_itinerary_json(demo: TestClient) -> None:
    r = demo.post("/api/plan", json=body())
    assert r.status_code == 200, r.text
    data = r.json()
    assert isinstance(data["score"], float | int)
    assert data["score"] > 0
    (day,) = data["days"]
    assert day["date"] == "2025-06-09"
    for stop in day["stops"]:
        assert set(stop) >= {"site_id", "slug", "name", "arrive", "start", "leave"}
        assert stop["arrive"] <= stop["start"] < stop["leave"]
    for leg in day["legs"]:
        assert set(leg) >= {"minutes", "metres", "geometry"}
        assert all(len(p) == 2 for p in leg["geometry"])
    assert day["lunch"]["start"] == "12:00"
    reasons = {o["slug"]: o for o in data["omitted"]}
    assert reasons["wuhan-national-government-site"]["reason"] == "excluded"
    assert reasons["august-7-conference-site"]["reason"] == "closed"
    assert all(o["reason"] in REASONS and o["detail"] for o in data["omitted"])
    assert len(day["stops"]) + len(data["omitted"]) == 45


def test_start_as_site_and_end_elsewhere(demo: TestClient) -> None:
    r = demo.post(
        "/api/plan",
        json=body(
            date="2025-10-06",
            start={"site": "august-7-conference-site"},
            end={"lon": 114.30, "lat": 30.55},
            must=["mao-zedong-former-residence-wuchang"],
            lunch=None,
        ),
    )
    assert r.status_code == 200, r.text
    day = r.json()["days"][0]
    assert day["legs"][0]["from"] == "august-7-conference-site"
    assert day["legs"][-1]["to"] == "end"
    assert "mao-zedong-former-residence-wuchang" in {s["slug"] for s in day["stops"]}


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"themes": {"nope": 1}}, "unknown theme 'nope'"),
        ({"themes": {}}, "themes"),
        ({"date": "2025-13-01"}, "date"),
        ({"window": "17:00-09:00"}, "does not end after"),
        ({"lunch": "07:00-08:00"}, "inside the window"),
        ({"mode": "rocket"}, "mode"),
        ({"group_size": 0}, "group_size"),
        ({"must": ["august-7-conference-site"]}, "must-visit site 'august-7-conference-site'"),
        ({"must": ["no-such-site"]}, "unknown site 'no-such-site'"),
        ({"start": {"site": "no-such-site"}}, "unknown start site"),
        ({"start": {"lon": 500, "lat": 30}}, "lon"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_requests_are_422_with_a_reason(
    demo: TestClient, changes: dict[str, Any], needle: str
) -> None:
    r = demo.post("/api/plan", json=body(**changes))
    assert r.status_code == 422, r.text
    assert needle in r.text
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"date": "9999-12-31", "days": 2}, "9999-12-31 with 2 days does not"),
        ({"date": "9999-12-31"}, "must fall between 1950-01-01 and 2100-12-31"),
        ({"date": "0001-01-01"}, "must fall between"),
        ({"date": "2100-12-30", "days": 3}, "2100-12-30 with 3 days"),
        ({"seed": 2**63}, "seed"),
        ({"seed": 2**64 + 1}, "seed"),
        ({"seed": -1}, "seed"),
        ({"days": 323}, "days"),
        ({"days": 10**30}, "days"),
        ({"group_size": 10**20}, "group_size"),
        ({"max_stops": 10**20}, "max_stops"),
        ({"window": "00:00-99:00"}, "is not a time range"),
        ({"window": "x" * 10_000}, "window"),
        ({"time_limit": float("inf")}, "time_limit"),
        ({"themes": {f"t{i}": 1 for i in range(101)}}, "themes"),
        ({"themes": {"great-revolution": 1e308 * 10}}, "themes"),
        ({"start": {"lon": 114.3, "lat": 30.5, "name": "a\x00b"}}, "control characters"),
        ({"start": {"site": "x", "lon": 1}}, "lon"),
    ],
)
def test_edge_inputs_are_422_not_500(
    demo: TestClient, changes: dict[str, Any], needle: str
) -> None:
    raw = json.dumps(body(**changes))  # as a client would send it, Infinity included
    r = demo.post("/api/plan", content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert needle in r.text
    assert "Traceback" not in r.text


def test_the_last_plannable_days_still_plan(demo: TestClient) -> None:
    r = demo.post("/api/plan", json=body(date="2100-12-29", days=3, lunch=None))
    assert r.status_code == 200, r.text
    assert [d["date"] for d in r.json()["days"]] == ["2100-12-29", "2100-12-30", "2100-12-31"]


@pytest.mark.parametrize(
    ("check", "needle"),
    [
        ({"date": "9999-12-31", "stops": [["qiyi-gate"], ["qiyi-gate"]]}, "must fall between"),
        ({"date": "2025-06-10", "stops": [["qiyi-gate"]] * 8}, "stops"),
        ({"date": "2025-06-10", "stops": [["qiyi-gate"] * 31]}, "stops"),
        (
            {"date": "2025-06-10", "stops": [["qiyi-gate"]], "window": "09:00-12:00",
             "lunch": "12:00-13:00"},
            "must lie inside the window",
        ),
    ],
)  # fmt: skip
def test_check_edge_inputs_are_422(demo: TestClient, check: dict[str, Any], needle: str) -> None:
    r = demo.post("/api/plan/check", json=check)
    assert r.status_code == 422, r.text
    assert needle in r.text


@pytest.mark.parametrize(
    ("fmt", "media"),
    [("gpx", "application/gpx+xml"), ("ics", "text/calendar"), ("html", "text/html")],
)
def test_plan_as_a_file(demo: TestClient, fmt: str, media: str) -> None:
    r = demo.post("/api/plan", params={"format": fmt}, json=body(date="2025-06-10"))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(media)
    assert demo.post("/api/plan", params={"format": "shp"}, json=body()).status_code == 422


def test_check_hand_arranged_stops(demo: TestClient) -> None:
    stops = [["august-7-conference-site", "wuhan-national-government-site"]]
    r = demo.post("/api/plan/check", json={"date": "2025-06-09", "stops": stops})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["feasible"] is False
    assert data["violations"][0] == {
        "slug": "august-7-conference-site",
        "day": 1,
        "kind": "closed",
        "detail": "Site of the August 7 Conference is closed on 2025-06-09 (Mon)",
    }
    ok = demo.post("/api/plan/check", json={"date": "2025-06-10", "stops": stops})
    assert ok.json()["feasible"] is True
    assert [s["slug"] for s in ok.json()["days"][0]["stops"]] == stops[0]
    bad = demo.post("/api/plan/check", json={"date": "2025-06-10", "stops": [["nope"]]})
    assert bad.status_code == 422
    assert "unknown site 'nope'" in bad.text
