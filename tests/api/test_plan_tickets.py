"""Ticket prices, kind caps, group capacity and historical order over HTTP, on both engines.

The demo catalogue records no ticket prices or capacities (none were published with its
sources), so these tests set made-up ones on a copy: test data, never shown as facts.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.io.importer import import_file
from redres.catalog.models import Site
from redres.config import Settings
from tests.api.forms import PASSWORD, bearer, csrf, sign_in

PRICES = (0.0, 10.0, 20.0, 30.0, 40.0)
SMALL = "mao-zedong-former-residence-wuchang"
"""A site given room for 10 people only."""


@pytest.fixture
def catalogue(session: Session, demo_copy: None) -> None:
    """The demo catalogue, every site with a made-up price; one small site; an editor."""
    for i, site in enumerate(session.exec(select(Site).order_by(Site.id))):  # type: ignore[arg-type]
        site.ticket_price = PRICES[i % len(PRICES)]
        site.capacity = 10 if site.slug == SMALL else None
        session.add(site)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40, plan_requests_per_minute=10**6)


def body(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "themes": {"great-revolution": 1.0, "martyrs": 0.5, "1911-revolution": 1.0},
        "date": "2025-06-10",
        "days": 2,
        "start": {"lon": 114.2944, "lat": 30.58899},
        "mode": "bus",
        "group_size": 40,
        "time_limit": 0.5,
    }
    return base | changes


def _plan(client: TestClient, **changes: Any) -> dict[str, Any]:
    r = client.post("/api/plan", json=body(**changes))
    assert r.status_code == 200, r.text
    return dict(r.json())


def _prices(session: Session) -> dict[str, float]:
    return {s.slug: s.ticket_price or 0.0 for s in session.exec(select(Site))}


def test_ticket_budget_is_kept_and_totalled(client: TestClient, session: Session) -> None:
    prices = _prices(session)
    free = _plan(client)
    spent = sum(prices[s["slug"]] for d in free["days"] for s in d["stops"])
    assert spent > 50  # without a budget the plan spends more than the budget below
    plan = _plan(client, ticket_budget=50)
    stops = [s for d in plan["days"] for s in d["stops"]]
    per_person = sum(prices[s["slug"]] for s in stops)
    assert per_person <= 50
    assert all(s["ticket_price"] == prices[s["slug"]] for s in stops)
    assert plan["tickets"] == {
        "per_person": per_person,
        "group": per_person * 40,
        "group_size": 40,
        "budget": 50,
        "unpriced": [],
    }
    over = [o for o in plan["omitted"] if o["reason"] == "over_budget"]
    assert over, "some site should be left out for the budget"
    for o in over:
        assert per_person + prices[o["slug"]] > 50


def test_a_site_dearer_than_the_budget_is_left_out_alone(client: TestClient) -> None:
    plan = _plan(client, ticket_budget=15)
    reasons = {o["slug"]: o["reason"] for o in plan["omitted"]}
    stops = {s["slug"]: s["ticket_price"] for d in plan["days"] for s in d["stops"]}
    assert sum(stops.values()) <= 15
    dear = [slug for slug, why in reasons.items() if why == "over_budget"]
    assert dear


def test_kind_caps_hold_per_day_and_per_trip(client: TestClient, session: Session) -> None:
    category = {s.slug: str(s.category) for s in session.exec(select(Site))}
    free = _plan(client)
    per_day_free = [
        sum(category[s["slug"]] == "former_site" for s in d["stops"]) for d in free["days"]
    ]
    assert max(per_day_free) > 1  # the cap below changes the plan
    caps = [
        {"category": "former_site", "per_day": 1},
        {"category": "martyrs_cemetery", "per_trip": 1},
    ]
    plan = _plan(client, kind_caps=caps)
    for day in plan["days"]:
        assert sum(category[s["slug"]] == "former_site" for s in day["stops"]) <= 1
    stops = [s for d in plan["days"] for s in d["stops"]]
    assert sum(category[s["slug"]] == "martyrs_cemetery" for s in stops) <= 1
    capped = [o for o in plan["omitted"] if o["reason"] == "kind_cap"]
    assert capped
    assert {category[o["slug"]] for o in capped} <= {"former_site", "martyrs_cemetery"}


def test_a_zero_cap_leaves_the_kind_out(client: TestClient, session: Session) -> None:
    category = {s.slug: str(s.category) for s in session.exec(select(Site))}
    plan = _plan(client, kind_caps=[{"category": "former_site", "per_trip": 0}])
    assert not [s for d in plan["days"] for s in d["stops"] if category[s["slug"]] == "former_site"]


def test_capacity_smaller_than_the_group_says_what_it_takes(client: TestClient) -> None:
    plan = _plan(client, must=[], group_size=40)
    small = next(o for o in plan["omitted"] if o["slug"] == SMALL)
    assert small["reason"] == "capacity"
    assert small["capacity"] == 10
    fits = _plan(client, group_size=10)
    assert all(o["slug"] != SMALL or o["reason"] != "capacity" for o in fits["omitted"])


def _inversions(plan: dict[str, Any]) -> int:
    dates = [s["event"]["date"] for d in plan["days"] for s in d["stops"] if s["event"]]
    return sum(
        1
        for a, b in itertools.combinations(dates, 2)
        if b[: min(len(a), len(b))] < a[: min(len(a), len(b))]
    )


def test_chronological_order_is_asked_and_explained(client: TestClient) -> None:
    themes = {"great-revolution": 1.0, "1911-revolution": 1.0, "workers-movement": 1.0}
    plain = _plan(client, themes=themes, start=None, days=1)
    assert plain["chronology"] is None
    dated = [s for d in plain["days"] for s in d["stops"] if s["event"]]
    assert len(dated) >= 3
    assert _inversions(plain) > 0  # the shortest tour is not in historical order here
    ordered = _plan(client, themes=themes, start=None, days=1, chronological=True)
    assert ordered["chronology"] is not None
    assert _inversions(ordered) < _inversions(plain)
    assert len(ordered["chronology"]["broken"]) == _inversions(ordered)
    for broken in ordered["chronology"]["broken"]:
        assert broken["cause"] in ("days", "hours", "tradeoff")
        assert broken["earlier_event"]["date"] < broken["later_event"]["date"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ticket_budget": -1}, "ticket_budget"),
        ({"ticket_budget": "nan"}, "ticket_budget"),
        ({"kind_caps": [{"category": "castle", "per_day": 1}]}, "kind_caps"),
        ({"kind_caps": [{"category": "museum"}]}, "kind_caps"),
        ({"kind_caps": [{"category": "museum", "per_day": -1}]}, "kind_caps"),
        (
            {"kind_caps": [{"category": "museum", "per_day": 1}, {"category": "museum"}]},
            "kind_caps",
        ),
        ({"chronological": "maybe"}, "chronological"),
    ],
)
def test_bad_limits_are_422(client: TestClient, changes: dict[str, Any], field: str) -> None:
    r = client.post("/api/plan", json=body(**changes))
    assert r.status_code == 422, r.text
    assert any(field in e["loc"] for e in r.json()["errors"])
    assert field in r.json()["detail"]


def test_the_planner_page_takes_the_limits_and_shows_tickets(client: TestClient) -> None:
    query = (
        "theme=great-revolution&theme=1911-revolution&date=2025-06-10&days=1&group=40"
        "&budget=60&chrono=1&cap_day.former_site=1"
    )
    page = client.get(f"/plan?{query}")
    assert page.status_code == 200
    assert "门票合计：每人" in page.text
    assert "全团 40 人共" in page.text
    assert "预算每人 60 元" in page.text
    assert (
        'name="cap_day.former_site" type="number" min="0" max="50" inputmode="numeric" value="1"'
        in page.text
    )
    handout = client.get(f"/plan/export.html?{query}")
    assert handout.status_code == 200
    assert "门票合计：每人" in handout.text


def test_the_planner_page_says_what_is_wrong_in_chinese(client: TestClient) -> None:
    page = client.get("/plan?theme=great-revolution&date=2025-06-10&budget=-5&cap_day.museum=x")
    assert page.status_code == 422
    assert "门票预算（元/人，全程）：不能小于 0" in page.text
    assert "类别上限（如每天最多两个纪念馆）（第 1 项）：须为整数" in page.text


def test_ticket_price_round_trips_through_the_site_api(client: TestClient) -> None:
    editor = bearer(client, "editor")
    r = client.post(
        "/api/sites",
        json={"name": "新馆", "category": "museum", "status": "published", "ticket_price": 25.5},
        headers=editor,
    )
    assert r.status_code == 201, r.text
    slug = r.json()["properties"]["slug"]
    assert client.get(f"/api/sites/{slug}").json()["properties"]["ticket_price"] == 25.5
    bad = client.patch(f"/api/sites/{slug}", json={"ticket_price": -3}, headers=editor)
    assert bad.status_code == 422
    assert client.patch(f"/api/sites/{slug}", json={"ticket_price": 0}, headers=editor).is_success
    page = client.get(f"/sites/{slug}")
    assert "票价" in page.text
    assert "免费" in page.text


def test_import_reads_the_ticket_price_column(session: Session, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "名称,类别,票价,门票\n甲馆,纪念馆,免费,凭身份证预约\n乙馆,博物馆,20元/人,\n丙馆,博物馆,贵,\n",
        encoding="utf-8",
    )
    report = import_file(session, sheet)
    assert [e.row for e in report.errors] == [4]
    assert "ticket price" in report.errors[0].reason
    sheet.write_text(
        "名称,类别,票价,门票\n甲馆,纪念馆,免费,凭身份证预约\n乙馆,博物馆,20元/人,\n",
        encoding="utf-8",
    )
    report = import_file(session, sheet)
    assert report.ok, report.errors
    session.commit()
    sites = {s.name: s for s in session.exec(select(Site).where(Site.name.in_(["甲馆", "乙馆"])))}  # type: ignore[attr-defined]
    assert sites["甲馆"].ticket_price == 0
    assert sites["甲馆"].admission == "凭身份证预约"
    assert sites["乙馆"].ticket_price == 20


def test_ticket_rules_in_the_price_column_are_kept_as_written(
    session: Session, tmp_path: Path
) -> None:
    """Survey sheets write rules where the price goes: the leading price is read, the whole
    sentence kept as the admission text (after the sheet's own, if it has one); a price that
    is neither a number nor a sentence is still a row error."""
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "名称,类别,票价,门票\n"
        "甲馆,纪念馆,免费开放，周一闭馆,\n"
        "乙馆,博物馆,30元（学生半价）,凭身份证购票\n"
        "丙馆,博物馆,成人30元，学生15元,\n",
        encoding="utf-8",
    )
    report = import_file(session, sheet)
    assert report.ok, report.errors
    session.commit()
    got = {
        s.name: (s.ticket_price, s.admission)
        for s in session.exec(select(Site).where(col(Site.name).in_(["甲馆", "乙馆", "丙馆"])))
    }
    assert got == {
        "甲馆": (0, "免费开放，周一闭馆"),
        "乙馆": (30, "凭身份证购票；30元（学生半价）"),
        "丙馆": (None, "成人30元，学生15元"),
    }
    sheet.write_text("名称,类别,票价\n丁馆,博物馆,2O元\n", encoding="utf-8")
    assert [e.row for e in import_file(session, sheet).errors] == [2]


@pytest.mark.slow
@pytest.mark.parametrize("follow_redirects", [False])
def test_saving_a_plan_rechecks_its_budget_and_kind_caps(
    client: TestClient, session: Session
) -> None:
    """The planner keeps the limits; stops saved by hand (API or page) are held to them too."""
    prices = _prices(session)
    category = {s.slug: str(s.category) for s in session.exec(select(Site))}
    editor = bearer(client, "editor")
    free = _plan(client)
    days = [[s["slug"] for s in d["stops"]] for d in free["days"]]
    spent = sum(prices[s] for day in days for s in day)
    halls = [sum(category[s] == "former_site" for s in day) for day in days]
    busiest = halls.index(max(halls))
    most = halls[busiest]
    assert most > 1
    assert spent > 5
    tight = {
        "ticket_budget": spent - 5,
        "kind_caps": [{"category": "former_site", "per_day": most - 1}],
    }
    saved = {"name": "手排线路", "plan": body(**tight), "itinerary": free}
    r = client.post("/api/routes", json=saved, headers=editor)
    assert r.status_code == 422, r.text
    assert f"门票合计每人 {spent:g} 元" in r.json()["detail"]  # the reader's language first
    detail = r.json()["detail_en"]
    assert f"the tickets cost {spent:g} yuan per person, over the {spent - 5:g}-yuan" in detail
    assert f"day {busiest + 1} has {most} former site stops, over the cap of {most - 1}" in detail
    assert client.get("/api/routes?mine=true", headers=editor).json()["total"] == 0

    loose = {"ticket_budget": spent, "kind_caps": [{"category": "former_site", "per_day": most}]}
    r = client.post("/api/routes", json=saved | {"plan": body(**loose)}, headers=editor)
    assert r.status_code == 201, r.text
    slug = r.json()["properties"]["slug"]
    kept = client.get(f"/api/routes/{slug}", headers=editor).json()["plan"]
    assert (kept["ticket_budget"], kept["kind_caps"]) == (
        spent,
        [{"category": "former_site", "per_day": most, "per_trip": None}],
    )

    sign_in(client, "editor", to="/")
    token = csrf(client.get("/plan/check?date=2025-06-10").text)
    query = (
        "theme=great-revolution&theme=martyrs%3D0.5&theme=1911-revolution&date=2025-06-10"
        f"&days=2&group=40&mode=bus&start=114.2944,30.58899&budget={spent - 5:g}"
        f"&cap_day.former_site={most - 1}"
    )
    form = {
        "name": "手排线路",
        "stops": "\n\n".join("\n".join(day) for day in days),
        "mode": "bus",
        "date": "2025-06-10",
        "window": "08:30-17:30",
        "plan": query,
        "csrf": token,
    }
    page = client.post("/plan/save", data=form)
    assert page.status_code == 422
    assert f"门票合计每人 {spent:g} 元，超出每人 {spent - 5:g} 元的预算" in page.text
    assert f"第 {busiest + 1} 天革命旧址 {most} 个，超过每天上限 {most - 1} 个" in page.text
    english = client.post("/plan/save?lang=en", data=form)
    assert english.status_code == 422
    assert "over the cap of" in english.text
    assert "门票" not in english.text.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.slow
@pytest.mark.parametrize("follow_redirects", [False])
def test_editing_a_saved_routes_stops_rechecks_its_plan(
    client: TestClient, session: Session
) -> None:
    """Re-ordering or swapping a saved plan's stops (API or editor page) is held to the plan it
    keeps: over the budget or a kind cap is refused, naming each problem, and nothing changes;
    a re-order that holds is kept, and the schedule follows it with the plan unchanged."""
    prices = _prices(session)
    category = {s.slug: str(s.category) for s in session.exec(select(Site))}
    located = {s.slug for s in session.exec(select(Site)) if s.lon is not None}
    editor = bearer(client, "editor")
    free = _plan(client)
    days = [[s["slug"] for s in d["stops"]] for d in free["days"]]
    spent = sum(prices[s] for day in days for s in day)
    halls = [sum(category[s] == "former_site" for s in day) for day in days]
    busiest, other = (0, 1) if halls[0] >= halls[1] else (1, 0)
    assert halls[other] >= 1, halls
    limits = {
        "ticket_budget": spent,
        "kind_caps": [{"category": "former_site", "per_day": max(halls)}],
    }
    saved = {"name": "可改线路", "plan": body(**limits), "itinerary": free}
    r = client.post("/api/routes", json=saved, headers=editor)
    assert r.status_code == 201, r.text
    slug = r.json()["properties"]["slug"]
    before = client.get(f"/api/routes/{slug}", headers=editor).json()

    def patch(new_days: list[list[str]], **headers: str) -> Any:
        payload = {"days": [[{"site": s} for s in day] for day in new_days]}
        return client.patch(f"/api/routes/{slug}", json=payload, headers=editor | headers)

    # a former site moved into the busiest day: over that day's cap
    hall = next(s for s in days[other] if category[s] == "former_site")
    moved = [list(day) for day in days]
    moved[other].remove(hall)
    moved[busiest].append(hall)
    r = patch(moved)
    assert r.status_code == 422, r.text
    cap = f"第 {busiest + 1} 天革命旧址 {halls[busiest] + 1} 个，超过每天上限 {halls[busiest]} 个"
    assert cap in r.json()["detail"]
    assert "over the cap of" in r.json()["detail_en"]
    english = patch(moved, **{"Accept-Language": "en"})
    assert "over the cap of" in english.json()["detail"]

    # a priced site added: over the ticket budget
    extra = next(s for s in sorted(located) if prices[s] > 0 and all(s not in d for d in days))
    dearer = [list(day) for day in days]
    dearer[0].append(extra)
    r = patch(dearer)
    assert r.status_code == 422, r.text
    total = spent + prices[extra]
    assert f"门票合计每人 {total:g} 元，超出每人 {spent:g} 元的预算" in r.json()["detail"]
    assert client.get(f"/api/routes/{slug}", headers=editor).json() == before  # nothing changed

    # the editor's route page refuses the same way, in Chinese
    sign_in(client, "editor", to="/")
    page = client.get(f"/editor/routes/{slug}")
    form = {
        "csrf": csrf(page.text),
        "version": re.search(r'name="version" value="(\d+)"', page.text)[1],  # type: ignore[index]
        "name": "可改线路",
        "mode": "bus",
        "status": "draft",
        "stops": "\n\n".join("\n".join(day) for day in moved),
    }
    refused = client.post(f"/editor/routes/{slug}", data=form)
    assert refused.status_code == 422
    assert cap in refused.text
    assert client.get(f"/api/routes/{slug}", headers=editor).json() == before

    # a re-order that holds: the days swapped
    swapped = [days[1], days[0]]
    r = patch(swapped)
    assert r.status_code == 200, r.text
    after = client.get(f"/api/routes/{slug}", headers=editor).json()
    assert after["plan"] == before["plan"]
    schedule = client.get(f"/api/routes/{slug}/schedule", headers=editor).json()
    assert [[s["slug"] for s in d["stops"]] for d in schedule["days"]] == swapped
