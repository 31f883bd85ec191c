"""The teachers' planner pages on the demo data: plan, why-not list, hand checks, downloads, saving."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.demo import load_demo
from redres.catalog.enums import Role
from redres.config import Settings
from tests.conftest import DEMO_DIR

MONDAY = "2025-06-09"
PLAN = f"/plan?theme=great-revolution&date={MONDAY}&lunch=12:00-13:00&start=114.2944,30.58899"


@pytest.fixture(scope="module")
def demo(demo_engine: Engine) -> Iterator[TestClient]:
    """Pages on the demo catalogue (read only)."""
    with TestClient(create_app(Settings(database_url="sqlite://"), engine=demo_engine)) as c:
        yield c


def test_form_and_plan_with_reasons(demo: TestClient) -> None:
    assert 'name="theme"' in demo.get("/plan").text
    html = demo.get(PLAN).text
    assert "第1天" in html
    assert "/sites/" in html
    row = next(r for r in html.split("<tr>") if "八七会议会址" in r)
    assert "当日闭馆" in row  # closed on Mondays, and the page says why it was left out
    assert "2025-06-09（周一） 闭馆" in row  # the detail in Chinese too, not "closed on"
    assert "closed on" not in html
    assert 'src="/maps/plan.html?' in html


def test_plan_details_and_warnings_follow_the_page_language(demo: TestClient) -> None:
    english = demo.get(PLAN + "&lang=en").text
    omitted = english.split('id="omitted"')[1]
    row = next(r for r in omitted.split("<tr>") if "august-7-conference-site" in r)
    assert "closed on 2025-06-09 (Mon)" in row
    assert "闭馆" not in row
    chinese = demo.get(PLAN + "&lang=zh").text
    for english_only in ("tight connection", "reservation required", "not recorded", "assumed"):
        assert english_only not in chinese


def test_removing_a_stop_replans_without_it(demo: TestClient) -> None:
    html = demo.get(PLAN).text
    first = re.search(r'<ol class="schedule">\s*<li>.*?href="/sites/([a-z0-9-]+)', html, re.S)
    assert first
    slug = first.group(1)
    again = demo.get(f"{PLAN}&exclude={slug}").text
    schedule = again.split("why_not")[0].split('id="omitted"')[0]
    assert f'href="/sites/{slug}"' not in schedule.split("<textarea")[0]
    row = next(r for r in again.split("<tr>") if f"/sites/{slug}" in r)
    assert "已排除" in row


def test_bad_requests_say_why(demo: TestClient) -> None:
    r = demo.get(f"/plan?theme=no-such-theme&date={MONDAY}")
    assert r.status_code == 422
    assert "no-such-theme" in r.text


def test_hand_check_reports_closed_stop(demo: TestClient) -> None:
    r = demo.get(
        "/plan/check",
        params={"date": MONDAY, "stops": "august-7-conference-site\ncpc-5th-congress-site"},
    )
    assert r.status_code == 200
    assert 'role="alert"' in r.text
    assert "在 2025-06-09（周一） 闭馆" in r.text
    fine = demo.get(
        "/plan/check", params={"date": "2025-06-10", "stops": "august-7-conference-site"}
    )
    assert "行程可行" in fine.text
    unknown = demo.get("/plan/check", params={"date": MONDAY, "stops": "no-such-site"})
    assert unknown.status_code == 422


def test_downloads(demo: TestClient) -> None:
    query = PLAN.split("?", 1)[1]
    ics = demo.get(f"/plan/export.ics?{query}")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text
    gpx = demo.get(f"/plan/export.gpx?{query}")
    assert "<gpx" in gpx.text
    assert demo.get(f"/plan/export.exe?{query}").status_code == 404


@pytest.fixture
def teacher(engine: Engine, session: Session) -> Iterator[TestClient]:
    """A writable demo catalogue with a signed-in teacher."""
    load_demo(session, DEMO_DIR)
    create_user(session, "teacher", "correct horse battery", Role.teacher)
    session.commit()
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as c:
        form = c.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', form)
        assert token
        c.post(
            "/login",
            data={
                "username": "teacher",
                "password": "correct horse battery",
                "csrf": token.group(1),
            },
        )
        yield c


def test_teacher_saves_a_checked_plan_as_a_draft(teacher: TestClient) -> None:
    check = teacher.get(
        "/plan/check",
        params={"date": "2025-06-10", "stops": "august-7-conference-site\n\ncpc-5th-congress-site"},
    )
    token = re.search(r'name="csrf" value="([^"]+)"', check.text)
    assert token
    stops = "august-7-conference-site\n\ncpc-5th-congress-site"
    forged = teacher.post("/plan/save", data={"name": "两天", "stops": stops, "csrf": "x"})
    assert forged.status_code == 403
    saved = teacher.post(
        "/plan/save", data={"name": "两天", "stops": stops, "csrf": token.group(1)}
    )
    assert saved.status_code == 303
    slug = saved.headers["location"].rsplit("/", 1)[1]
    assert teacher.get(f"/api/routes/{slug}").status_code == 200  # the owner sees their draft
    teacher.cookies.clear()
    assert teacher.get(f"/api/routes/{slug}").status_code == 404  # nobody else does


def test_plan_map_draws_the_same_plan(demo: TestClient) -> None:
    page = demo.get(PLAN).text
    first = re.search(r'<ol class="schedule">\s*<li>.*?href="/sites/([a-z0-9-]+)"', page, re.S)
    assert first
    html = demo.get("/maps/plan.html?" + PLAN.split("?", 1)[1])
    assert html.status_code == 200
    assert f'href=\\"/sites/{first.group(1)}\\"' in html.text  # the first stop's popup
    assert "https://unpkg" not in html.text
    assert demo.get("/maps/plan.html?theme=nope&date=2025-06-09").status_code == 422
