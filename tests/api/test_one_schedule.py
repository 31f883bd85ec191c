"""One itinerary, one clock, across the pages: a plan, its hand check and the saved route agree,
and a stored route's lesson notes reach its page and map without reading its stops twice."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.route_store import get_route, route_stops
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD, sign_in

TUESDAY = "2025-06-10"
LUNCH = "12:00-13:00"
ROUTE = "hankou-1927-great-revolution-walk"
STOP = re.compile(
    r"<li[^>]*><time>(\d\d:\d\d)</time>–<time>(\d\d:\d\d)</time>\s*<a href=\"/sites/([a-z0-9-]+)"
    r"[^>]*>(?:[^<]|<span[^>]*>[^<]*</span>)*</a>\s*"
    r"(?:<span class=\"meta\">\([^)]*?(\d\d:\d\d)\)</span>)?"
)


def schedule(html: str) -> list[tuple[str, str, str, str]]:
    """(slug, arrive, start, leave) of every stop a page lists, in order."""
    return [
        (slug, arrive or start, start, leave) for start, leave, slug, arrive in STOP.findall(html)
    ]


def slugs(rows: list[tuple[str, str, str, str]]) -> str:
    return "\n".join(row[0] for row in rows)


@pytest.fixture
def teacher(
    engine: Engine, session: Session, demo_copy: None, make_client: MakeClient
) -> TestClient:
    """The demo catalogue, writable, with a signed-in teacher."""
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    c = make_client(engine, settings, follow_redirects=False)
    sign_in(c, "teacher", to="/")
    return c


def test_a_plan_its_hand_check_and_the_saved_route_show_one_schedule(teacher: TestClient) -> None:
    planned = teacher.get(
        "/plan", params={"theme": "great-revolution", "date": TUESDAY, "lunch": LUNCH}
    )
    plan = schedule(planned.text)
    assert len(plan) >= 3
    lunch = re.search(
        r'<li class="lunch-break"><time>[0-9:]+</time>–<time>[0-9:]+</time>', planned.text
    )
    assert lunch  # the break is listed in its place in the day
    asked = re.search(r'<input type="hidden" name="plan" value="([^"]*)"', planned.text)
    assert asked  # the plan page's check form carries the plan request on
    checked = teacher.get(
        "/plan/check",
        params={
            "date": TUESDAY,
            "stops": slugs(plan),
            "lunch": LUNCH,
            "plan": html.unescape(asked.group(1)),
        },
    )
    assert checked.status_code == 200
    assert schedule(checked.text) == plan  # the same stops, the same clock, lunch included
    assert 'class="open"' in checked.text  # and nothing breaks
    day = re.compile(r"<time>\d{4}-\d\d-\d\d</time> · (\d\d:\d\d–\d\d:\d\d)")
    assert day.findall(checked.text) == day.findall(planned.text)  # departure and return
    assert lunch.group(0) in checked.text

    # the check page reached from the plan carries the plan on to saving
    assert 'name="plan" value="theme=great-revolution&amp;date=' in checked.text
    save_form = checked.text[checked.text.index('action="/plan/save"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', save_form))
    fields = {k: html.unescape(v) for k, v in fields.items()}
    saved = teacher.post("/plan/save", data=fields | {"name": "一日"})
    assert saved.status_code == 303, saved.text
    slug = saved.headers["location"].rsplit("/", 1)[1]
    confirm = teacher.get(saved.headers["location"])
    assert f'<a href="/routes/{slug}">一日</a>' in confirm.text  # a link, not a code to copy
    # the saved route keeps the plan's date and lunch: the same clock, without giving a date
    route = teacher.get(f"/routes/{slug}")
    assert route.status_code == 200
    assert schedule(route.text) == plan
    assert lunch is None or lunch.group(0) in route.text
    kept = teacher.get(f"/api/routes/{slug}").json()["plan"]
    assert (kept["date"], kept["lunch"], kept["themes"]) == (
        TUESDAY,
        LUNCH,
        {"great-revolution": 1.0},
    )


def test_saving_hand_arranged_stops_that_break_the_plan_is_refused_on_the_page(
    teacher: TestClient,
) -> None:
    monday = "2025-06-09"  # the halls are closed
    checked = teacher.get(
        "/plan/check", params={"date": monday, "stops": "august-7-conference-site"}
    )
    fields = {
        "csrf": re.search(r'name="csrf" value="([^"]+)"', checked.text).group(1),  # type: ignore[union-attr]
        "date": monday,
        "stops": "august-7-conference-site",
        "name": "周一",
    }
    refused = teacher.post("/plan/save", data=fields)
    assert refused.status_code == 422
    assert "august-7-conference-site" in refused.text  # the stops are kept to fix
    assert teacher.get("/api/routes", params={"mine": True}).json()["total"] == 0


def test_the_api_plan_and_its_check_agree_to_the_minute(teacher: TestClient) -> None:
    body: dict[str, Any] = {"themes": {"great-revolution": 1}, "date": TUESDAY, "lunch": LUNCH}
    plan = teacher.post("/api/plan", json=body | {"days": 2, "max_stops": 3}).json()
    stops = [[s["slug"] for s in day["stops"]] for day in plan["days"] if day["stops"]]
    check = teacher.post("/api/plan/check", json={"date": TUESDAY, "stops": stops, "lunch": LUNCH})
    assert check.status_code == 200
    answer = check.json()
    assert answer["feasible"], answer["violations"]
    keys = ("slug", "arrive", "start", "leave", "visit_minutes")
    for mine, theirs in zip(answer["days"], plan["days"], strict=True):
        assert [[s[k] for k in keys] for s in mine["stops"]] == [
            [s[k] for k in keys] for s in theirs["stops"]
        ]
        assert (mine["depart"], mine["back"], mine["lunch"]) == (
            theirs["depart"],
            theirs["back"],
            theirs["lunch"],
        )


def count_stop_reads(engine: Engine) -> tuple[list[str], Any]:
    """A list that fills with every SELECT reading route stops, and the listener to remove."""
    seen: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "routestop" in statement.lower():
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    return seen, listen


@pytest.mark.parametrize("path", [f"/routes/{ROUTE}", f"/maps/routes/{ROUTE}.html"])
def test_lesson_notes_reach_the_route_page_and_map_with_one_read_of_the_stops(
    demo: TestClient, demo_engine: Engine, path: str
) -> None:
    with Session(demo_engine) as session:
        notes = [r.stop.note for r in route_stops(session, get_route(session, ROUTE))]
    assert all(notes)
    seen, listen = count_stop_reads(demo_engine)
    try:
        page = demo.get(path, params={"date": TUESDAY})
    finally:
        event.remove(demo_engine, "before_cursor_execute", listen)
    assert page.status_code == 200
    assert len(seen) == 1, seen  # the schedule's read carries the notes; no second query
    if path.startswith("/maps/"):
        html = "".join(
            json.loads(p) for p in re.findall(r'bindPopup\(("(?:[^"\\]|\\.)*")', page.text)
        )
    else:
        html = page.text
    for note in notes:
        cls = "rr-story" if path.startswith("/maps/") else "note"
        assert re.search(f'class="{cls}"[^>]*>{re.escape(note)}</p>', html), note
