"""Hypothesis throws plan requests near and past every edge at the API and the plan page: never a 500."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from redres.api.app import create_app
from redres.config import Settings

THEMES = ["great-revolution", "martyrs", "agrarian-revolution", "no-such-theme"]
SITES = ["august-7-conference-site", "qiyi-gate", "red-fighters-cemetery", "no-such-site"]
MODES = ["walk", "bike", "bus", "coach", "drive", "rocket"]

big_ints = st.one_of(
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=-3, max_value=60),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, 2**64]),
)
any_floats = st.floats(allow_nan=True, allow_infinity=True)
lons = st.one_of(st.floats(113.5, 115.0), st.floats(-180, 180), any_floats)
lats = st.one_of(st.floats(30.0, 31.0), st.floats(-90, 90), any_floats)
dates = st.one_of(
    st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)).map(lambda d: d.isoformat()),
    st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "9999-12-25", "0001-01-01", "2100-12-31", "2025-02-29"]),
    st.text(max_size=12),
)
time_ranges = st.one_of(
    st.from_regex(r"\A[0-9]{1,2}:[0-9]{2}-[0-9]{1,2}:[0-9]{2}\Z"),
    st.sampled_from(["08:30-17:30", "00:00-24:00", "12:00-13:00", "23:59-24:00"]),
    st.text(max_size=25),
)
slugs = st.one_of(st.sampled_from(SITES), st.text(max_size=130))
places = st.one_of(
    st.none(),
    st.fixed_dictionaries({"lon": lons, "lat": lats}, optional={"name": st.text(max_size=30)}),
    st.fixed_dictionaries({"site": slugs}),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
plan_bodies = st.fixed_dictionaries(
    {
        "themes": st.one_of(
            st.dictionaries(st.sampled_from(THEMES[:3]), st.floats(0.1, 10), min_size=1),
            st.dictionaries(
                st.one_of(st.sampled_from(THEMES), st.text(max_size=20)),
                st.one_of(any_floats, st.integers(min_value=-5, max_value=2000)),
                max_size=4,
            ),
        ),
        "date": dates,
    },
    optional={
        "days": big_ints,
        "start": places,
        "end": places,
        "mode": st.sampled_from(MODES),
        "group_size": big_ints,
        "window": time_ranges,
        "lunch": st.one_of(st.none(), time_ranges),
        "must": st.lists(slugs, max_size=3),
        "exclude": st.lists(slugs, max_size=3),
        "max_stops": st.one_of(st.none(), big_ints),
        "unknown_hours": st.sampled_from(["assume", "omit", "guess"]),
        "time_limit": st.one_of(st.floats(0.001, 1e6), any_floats),
        "seed": big_ints,
    },
)


@pytest.fixture(scope="module")
def client(demo_engine: Engine) -> Iterator[TestClient]:
    """An app on the demo catalogue with short solves and no rate limit in the way."""
    fast = Settings(
        database_url="sqlite://",
        plan_requests_per_minute=10**6,
        plan_time_limit_anonymous=0.05,
    )
    with TestClient(create_app(fast, engine=demo_engine), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.slow  # sixty solves of random bodies on each engine; test_plan_api tests each edge itself
@given(body=plan_bodies, fmt=st.sampled_from(["json", "json", "gpx", "ics", "html"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plan_api_never_fails(client: TestClient, body: dict[str, Any], fmt: str) -> None:
    raw = json.dumps(body)  # NaN and Infinity as a lax client would send them
    r = client.post(
        f"/api/plan?format={fmt}", content=raw, headers={"Content-Type": "application/json"}
    )
    assert r.status_code in (200, 422), (r.status_code, r.text[:500])
    if r.status_code == 422:
        assert r.json()["detail"]


@given(
    query=st.fixed_dictionaries(
        {"theme": st.lists(st.one_of(st.sampled_from(THEMES), st.text(max_size=20)), min_size=1,
                           max_size=3),
         "date": dates},
        optional={
            "days": st.one_of(big_ints.map(str), st.text(max_size=5)),
            "group": st.one_of(big_ints.map(str), st.text(max_size=5)),
            "start": st.one_of(st.sampled_from(["114.2944,30.58899", "999,999"]), slugs),
            "mode": st.sampled_from(MODES),
            "window": time_ranges,
            "lunch": time_ranges,
            "max_stops": st.one_of(big_ints.map(str), st.text(max_size=5)),
        },
    )
)  # fmt: skip
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plan_page_never_fails(client: TestClient, query: dict[str, Any]) -> None:
    r = client.get("/plan", params=query)
    if r.status_code == 400:  # a NUL in the address, refused before any page sees it
        assert "NUL" in r.json()["detail"]
        return
    assert r.status_code in (200, 422), (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    assert "internal error" not in r.text


@given(
    date=dates,
    days=st.lists(st.lists(slugs, max_size=4), max_size=9),
    window=time_ranges,
    lunch=time_ranges,
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_hand_checks_never_fail(
    client: TestClient, date: str, days: list[list[str]], window: str, lunch: str
) -> None:
    check = {"date": date, "stops": days, "window": window, "lunch": lunch}
    assert client.post("/api/plan/check", json=check).status_code in (200, 422)
    text = "\n\n".join("\n".join(day) for day in days)
    page = client.get("/plan/check", params={"date": date, "stops": text, "window": window})
    assert page.status_code in (200, 400, 422), page.text[:500]  # 400: a NUL in the address
