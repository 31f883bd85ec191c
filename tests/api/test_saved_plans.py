"""Plans that survive saving: a saved plan keeps its request and is timed exactly as planned;
starts and ends by site name; sites without a location are omitted as `no_location`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.models import Site
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD, bearer

BAQI = "august-7-conference-site"
NATIONAL_DAY = "2027-10-01"  # 国庆: a public holiday, holiday hours
TUESDAY = "2025-06-10"
MONDAY = "2025-06-09"  # the halls are closed


@dataclass
class Demo:
    client: TestClient
    teacher: dict[str, str]
    unlocated: list[str]


@pytest.fixture
def demo(engine: Engine, session: Session, demo_copy: None, make_client: MakeClient) -> Demo:
    """The demo catalogue, writable, and a teacher's bearer token."""
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()
    unlocated = sorted(s.slug for s in session.exec(select(Site)) if s.lon is None)
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    c = make_client(engine, settings, follow_redirects=False)
    return Demo(c, bearer(c, "teacher"), unlocated)


def timetable(itinerary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per day: the date, the stops with their clock, departure, return and lunch."""
    return [
        {
            "date": day["date"],
            "stops": [(s["slug"], s["arrive"], s["start"], s["leave"]) for s in day["stops"]],
            "depart": day["depart"],
            "back": day["back"],
            "lunch": day["lunch"],
        }
        for day in itinerary["days"]
        if day["stops"]
    ]


def plan_and_save(d: Demo, plan: dict[str, Any], *, with_itinerary: bool) -> tuple[Any, Any]:
    """The plan's itinerary, and the saved route's schedule without a date."""
    planned = d.client.post("/api/plan", json=plan, headers=d.teacher)
    assert planned.status_code == 200, planned.text
    itinerary = planned.json()
    body: dict[str, Any] = {"name": "国庆现场教学", "plan": plan}
    if with_itinerary:
        body["itinerary"] = itinerary
    saved = d.client.post("/api/routes", json=body, headers=d.teacher)
    assert saved.status_code == 201, saved.text
    slug = saved.json()["properties"]["slug"]
    assert saved.json()["properties"]["status"] == "draft"
    route = d.client.get(f"/api/routes/{slug}", headers=d.teacher).json()
    kept = route["plan"]
    assert kept == route["properties"]["plan"]
    for key in ("themes", "date", "days", "window", "lunch", "group_size", "mode"):
        assert kept[key] == plan[key], key
    schedule = d.client.get(f"/api/routes/{slug}/schedule", headers=d.teacher)
    assert schedule.status_code == 200, schedule.text
    return itinerary, schedule.json() | {"slug": slug}


@pytest.mark.parametrize("with_itinerary", [True, False])
def test_a_saved_holiday_plan_keeps_its_date_lunch_window_and_clock(
    demo: Demo, with_itinerary: bool
) -> None:
    plan = {
        "themes": {"great-revolution": 1.0},
        "date": NATIONAL_DAY,
        "days": 1,
        "window": "09:00-17:00",
        "lunch": "12:00-13:00",
        "group_size": 30,
        "mode": "walk",
        "start": {"name": "八七会议会址"},
        "max_stops": 4,
        "time_limit": 0.3,
    }
    itinerary, schedule = plan_and_save(demo, plan, with_itinerary=with_itinerary)
    assert schedule["feasible"], schedule["violations"]
    mine = timetable(schedule)
    assert [day["date"] for day in mine] == [NATIONAL_DAY]
    lunch = mine[0]["lunch"]
    assert {k: lunch[k] for k in ("start", "end")} == {"start": "12:00", "end": "13:00"}
    for stop in mine[0]["stops"]:  # no visit runs through the lunch break
        assert stop[3] <= "12:00" or stop[2] >= "13:00", stop
    before = [stop for stop in mine[0]["stops"] if stop[3] <= "12:00"]
    assert lunch["after_stops"] == len(before)  # where a schedule lists the break
    notes = [w for w in itinerary["warnings"] if "public holiday" in w]
    assert notes
    assert set(notes) <= set(schedule["warnings"])  # the holiday note stays
    assert schedule["start"] == itinerary["start"]
    if with_itinerary:
        assert mine == timetable(itinerary)  # the same stops at the same times, lunch included
    else:  # solved when saving: its own stops, timed as a hand check of the same plan times them
        days = [[s[0] for s in day["stops"]] for day in mine]
        check = demo.client.post(
            "/api/plan/check",
            json={
                "date": NATIONAL_DAY,
                "stops": days,
                "window": "09:00-17:00",
                "lunch": "12:00-13:00",
                "start": {k: schedule["start"][k] for k in ("lon", "lat")},
            },
        ).json()
        assert [d["stops"] for d in timetable(check)] == [d["stops"] for d in mine]
    page = demo.client.get(f"/routes/{schedule['slug']}", headers=demo.teacher)
    assert page.status_code == 200
    assert NATIONAL_DAY in page.text
    assert "国庆节" in page.text  # its holiday note too


def test_a_saved_two_day_plan_is_timed_as_planned_on_both_days(demo: Demo) -> None:
    plan = {
        "themes": {"great-revolution": 1.0, "workers-movement": 1.0},
        "date": TUESDAY,
        "days": 2,
        "window": "08:30-17:30",
        "lunch": "12:00-13:00",
        "group_size": 20,
        "mode": "walk",
        "start": {"site": BAQI},
        "max_stops": 3,
        "time_limit": 0.3,
    }
    itinerary, schedule = plan_and_save(demo, plan, with_itinerary=True)
    assert len(timetable(itinerary)) == 2
    assert timetable(schedule) == timetable(itinerary)
    ics = demo.client.get(f"/api/routes/{schedule['slug']}.ics", headers=demo.teacher)
    assert "DTSTART;TZID=Asia/Shanghai:20250610T" in ics.text
    assert "DTSTART;TZID=Asia/Shanghai:20250611T" in ics.text
    # editing keeps the plan: a new name, the same clock
    r = demo.client.patch(
        f"/api/routes/{schedule['slug']}", json={"name": "两日行"}, headers=demo.teacher
    )
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["lunch"] == "12:00-13:00"
    again = demo.client.get(f"/api/routes/{schedule['slug']}/schedule", headers=demo.teacher)
    assert timetable(again.json()) == timetable(itinerary)


def test_an_itinerary_that_does_not_hold_for_its_plan_is_refused(demo: Demo) -> None:
    plan = {"themes": {"great-revolution": 1.0}, "date": TUESDAY, "max_stops": 3, "time_limit": 0.3}
    itinerary = demo.client.post("/api/plan", json=plan).json()
    assert itinerary["days"][0]["stops"]
    monday = plan | {"date": MONDAY}
    r = demo.client.post(
        "/api/routes",
        json={"name": "周一", "plan": monday, "itinerary": itinerary},
        headers=demo.teacher,
    )
    assert r.status_code == 422, r.text
    assert "closed" in r.json()["detail_en"]
    assert "闭馆" in r.json()["detail"]  # said in the reader's language first
    mine = demo.client.get("/api/routes", params={"mine": True}, headers=demo.teacher)
    assert mine.json()["total"] == 0  # nothing half-written
    bad = demo.client.post(
        "/api/routes",
        json={"name": "x", "plan": plan | {"window": "nine"}},
        headers=demo.teacher,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"][:3] == ["body", "plan", "window"]
    assert bad.json()["detail"].startswith("plan.window：")
    for broken, says in [
        ({"days": [{"stops": []}]}, "no stops"),
        ({"days": [{"stops": [{"slug": "no-such-site"}]}]}, "no-such-site"),
        ({"days": [{"stops": [{"slug": BAQI}]}] * 2}, "has 2 days but the plan only 1"),
    ]:
        r = demo.client.post(
            "/api/routes",
            json={"name": "x", "plan": plan, "itinerary": broken},
            headers=demo.teacher,
        )
        assert r.status_code == 422, r.text
        assert says in r.json()["detail_en"]
    anonymous = demo.client.post("/api/routes", json={"name": "x", "plan": plan})
    assert anonymous.status_code == 401


@pytest.mark.parametrize("name", ["八七会议会址", "baqihuiyihuizhi", "八七会议会址纪念馆"])
def test_start_and_end_by_site_name_alias_or_pinyin(demo: Demo, name: str) -> None:
    plan = {
        "themes": {"great-revolution": 1.0},
        "date": TUESDAY,
        "start": {"name": name},
        "end": {"name": name},
        "time_limit": 0.2,
    }
    r = demo.client.post("/api/plan", json=plan)
    assert r.status_code == 200, r.text
    with Session(demo.client.app.state.engine) as s:  # type: ignore[attr-defined]
        site = s.exec(select(Site).where(Site.slug == BAQI)).one()
    for role in ("start", "end"):
        place = r.json()[role]
        assert (place["lon"], place["lat"], place["name"]) == (site.lon, site.lat, site.name)


@pytest.mark.parametrize(
    ("name", "listed"),
    [("纪念馆", "several"), ("没有这个地方", None)],
)
def test_an_ambiguous_or_unknown_start_name_is_422_with_candidates(
    demo: Demo, name: str, listed: str | None
) -> None:
    plan = {"themes": {"great-revolution": 1.0}, "date": TUESDAY, "start": {"name": name}}
    for path, body in [("/api/plan", plan), ("/api/routes", {"name": "x", "plan": plan})]:
        r = demo.client.post(path, json=body, headers=demo.teacher)
        assert r.status_code == 422, (path, r.text)
        detail = r.json().get("detail_en", r.json()["detail"])  # /api/routes: the reader's too
        assert name in detail
        if listed:
            assert "sites match" in detail
            # each with its slug, named in the reader's language
            assert "Site of the August 7 Conference (august-7-conference-site)" in detail
        else:
            assert "no site is called" in detail


def test_sites_without_a_location_are_omitted_as_no_location(demo: Demo) -> None:
    assert len(demo.unlocated) == 13
    themes = {t["slug"]: 1.0 for t in demo.client.get("/api/themes").json()["data"]}
    r = demo.client.post("/api/plan", json={"themes": themes, "date": TUESDAY, "time_limit": 0.3})
    assert r.status_code == 200, r.text
    reasons = {o["slug"]: o["reason"] for o in r.json()["omitted"]}
    assert {slug: reasons.get(slug) for slug in demo.unlocated} == dict.fromkeys(
        demo.unlocated, "no_location"
    )
    assert "no_location" not in {
        reason for slug, reason in reasons.items() if slug not in demo.unlocated
    }


def test_the_plan_page_takes_a_start_by_name(demo: Demo) -> None:
    asked = {"theme": "great-revolution", "date": TUESDAY, "max_stops": "2"}
    page = demo.client.get("/plan", params=asked | {"start": "八七会议会址"})
    assert page.status_code == 200, page.text
    assert 'class="error"' not in page.text
    vague = demo.client.get("/plan", params=asked | {"start": "纪念馆"})
    assert vague.status_code == 422
    assert "请从中选定一处" in vague.text  # in the reader's language, with the candidates
    assert "八七会议会址（august-7-conference-site）" in vague.text  # Chinese brackets


def test_a_saved_plans_history_records_its_creation(demo: Demo) -> None:
    plan = {"themes": {"great-revolution": 1.0}, "date": TUESDAY, "max_stops": 2}
    saved = demo.client.post(
        "/api/routes", json={"name": "史", "plan": plan | {"time_limit": 0.2}}, headers=demo.teacher
    )
    assert saved.status_code == 201, saved.text
    slug = saved.json()["properties"]["slug"]
    history = demo.client.get(f"/api/routes/{slug}/history", headers=demo.teacher).json()
    assert [e["action"] for e in history["entries"]] == ["create"]
    assert history["entries"][0]["after"]["plan"]["date"] == TUESDAY
