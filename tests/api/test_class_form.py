"""The page that makes a class: a teacher picks a route, a date, a group size and an instructor
per stop, without script; refusals (a booked instructor, bad input) come back on the form in the
reader's language with the input kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from redres.catalog.enums import Reservation
from redres.catalog.models import Site
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import csrf, sign_in
from tests.api.test_classes_api import World, day, make_world


@pytest.fixture
def world(engine: Engine, session: Session, make_client: MakeClient) -> World:
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    return make_world(engine, session, settings, make_client)


def test_a_teacher_makes_a_class_on_the_form_with_an_instructor_per_stop(world: World) -> None:
    w = world
    signed_out = w.client.get("/classes/new?route=red-walk")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/login?next=/classes/new%3Froute%3Dred-walk"
    sign_in(w.client, "t1", to="/")
    assert 'href="/classes/new"' in w.client.get("/classes").text
    page = w.client.get("/classes/new?route=red-walk")
    assert page.status_code == 200
    assert "t2-draft" not in page.text  # another teacher's draft is not offered
    boxes = re.findall(r'name="instructor\.([^"]+)"', page.text)
    assert boxes == w.sites  # one box per stop, in the route's order
    assert "张老师" in page.text
    form = {
        "csrf": csrf(page.text),
        "action": "save",
        "route": "red-walk",
        "name": "2026年秋季班",
        "start_date": day(1),
        "group_size": "40",
        f"instructor.{w.sites[0]}": str(w.instructors[0]),
        f"instructor.{w.sites[2]}": str(w.instructors[1]),
    }
    made = w.client.post("/classes/new", data=form)
    assert made.status_code == 303, made.text
    slug = made.headers["location"].removeprefix("/classes/")
    fc = w.client.get(f"/api/classes/{slug}", headers=w.teacher).json()
    assert (fc["start_date"], fc["end_date"], fc["group_size"]) == (day(1), day(2), 40)
    teachers = [s["instructor"]["name"] if s["instructor"] else None for s in fc["stops"]]
    assert teachers == ["张老师", None, "李老师"]

    again = w.client.post("/classes/new", data=form | {"name": "第二个班"})
    assert again.status_code == 409
    assert "张老师在 " in again.text
    assert "已为教学班“2026年秋季班”（" in again.text
    assert "）授课，日期重叠" in again.text
    assert 'value="第二个班"' in again.text  # the input is kept
    english = w.client.post("/classes/new?lang=en", data=form | {"name": "第二个班"})
    assert "already teaches class &#39;2026年秋季班&#39;" in english.text

    bad = w.client.post("/classes/new?lang=zh", data=form | {"group_size": "0", "name": "另一个班"})
    assert bad.status_code == 422
    assert "学员人数（1-500）" in bad.text
    forged = w.client.post("/classes/new", data=form | {"csrf": "forged"})
    assert forged.status_code == 403


def test_the_form_offers_only_routes_the_teacher_may_use(world: World) -> None:
    w = world
    sign_in(w.client, "t1", to="/")
    token = csrf(w.client.get("/classes/new").text)
    other = {"csrf": token, "action": "save", "route": "t2-draft", "name": "班"}
    r = w.client.post("/classes/new", data=other | {"start_date": day(1), "group_size": "9"})
    assert r.status_code == 422
    assert "找不到这条线路" in r.text
    w.client.cookies.clear()
    sign_in(w.client, "t2", to="/")
    mine = w.client.get("/classes/new?route=t2-draft")
    assert mine.status_code == 200
    assert re.findall(r'name="instructor\.([^"]+)"', mine.text) == w.sites[:1]


def test_the_class_page_times_the_route_for_its_dates_and_says_what_to_book(
    world: World, session: Session
) -> None:
    w = world
    site = session.exec(select(Site).where(Site.slug == w.sites[1])).one()
    site.reservation = Reservation.required
    site.reservation_days = 3
    site.capacity = 10
    site.opening_hours = None
    name = site.name
    session.add(site)
    session.commit()
    fc = w.new_class(group_size=40)
    sign_in(w.client, "t1", to="/")
    page = w.client.get(f"/classes/{fc['slug']}?lang=zh")
    assert page.status_code == 200
    rows = re.findall(r'<tr><td class="nowrap">(.*?)</td>', page.text)
    assert len(rows) == 3
    assert all(re.fullmatch(r"<time>\d\d:\d\d</time>–<time>\d\d:\d\d</time>", r) for r in rows)
    by = (dt.date.fromisoformat(day(1)) - dt.timedelta(days=3)).isoformat()
    assert f"须提前 3 天预约，最迟 {by}" in page.text
    assert "每批最多接待 10 人，本班 40 人" in page.text
    unknown = re.search(r"请开班前向场馆确认：([^<]*)</p>", page.text)
    assert unknown
    assert name in unknown.group(1)
    assert "按 09:00-17:00 暂排" in page.text
    english = w.client.get(f"/classes/{fc['slug']}?lang=en").text
    assert "must be booked 3 days ahead, by" in english


def test_a_class_beyond_the_holiday_calendar_still_has_its_page(world: World) -> None:
    w = world
    fc = w.new_class(start_date="2150-05-04")
    sign_in(w.client, "t1", to="/")
    page = w.client.get(f"/classes/{fc['slug']}?lang=zh")
    assert page.status_code == 200
    assert "开班前须办理" in page.text
