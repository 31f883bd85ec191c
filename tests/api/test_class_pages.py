"""Class pages: the teacher's page and QR sheet, and the learners' phone page (plain forms)."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import qrcode
import qrcode.image.svg
from sqlalchemy import Engine
from sqlmodel import Session, select

from redres.catalog.class_tables import ClassCheckin, ClassEvaluation
from redres.catalog.models import Instructor
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import sign_in
from tests.api.test_classes_api import World, make_world

PUBLIC = "https://red.example.cn"
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def world(engine: Engine, session: Session, make_client: MakeClient) -> World:
    settings = Settings(database_url="sqlite://", secret_key="s" * 40, public_url=PUBLIC)
    return make_world(engine, session, settings, make_client)


def _learner_path(w: World, fc: dict[str, str]) -> str:
    return f"/classes/{fc['slug']}/learn?token={fc['checkin_token']}"


def test_the_class_page_is_for_its_teacher_with_a_qr_code_to_the_public_address(
    world: World,
) -> None:
    w = world
    fc = w.new_class(name=HOSTILE)
    page = f"/classes/{fc['slug']}"
    assert w.client.get(page).status_code == 303  # sign in first
    sign_in(w.client, "t2", to="/")
    assert w.client.get(page).status_code == 404
    assert w.client.get(f"{page}/qr.svg").status_code == 404
    w.client.cookies.clear()
    sign_in(w.client, "t1", to="/")
    r = w.client.get(page)
    assert r.status_code == 200
    assert HOSTILE not in r.text
    assert "&lt;script&gt;" in r.text
    assert "张老师" in r.text
    learner = f"{PUBLIC}/classes/{fc['slug']}/learn?token={fc['checkin_token']}"
    assert learner in r.text
    assert "testserver" not in r.text
    svg = w.client.get(f"{page}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    expected = io.BytesIO()
    qrcode.make(learner, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(expected)
    assert svg.content == expected.getvalue()  # the code encodes exactly the learner address


def test_a_learner_checks_in_and_rates_with_plain_forms(world: World, session: Session) -> None:
    w = world
    fc = w.new_class()
    page = w.client.get(_learner_path(w, fc))
    assert page.status_code == 200
    assert "主题鲜明" in page.text
    assert "30 天" in page.text  # what is kept, and how long
    assert page.headers["referrer-policy"] == "no-referrer"
    action = f"/classes/{fc['slug']}/learn"
    r = w.client.post(
        action,
        data={
            "token": fc["checkin_token"],
            "action": "checkin",
            "site": w.sites[1],
            "name": "王小明",
        },
    )
    assert r.status_code == 303
    follow = w.client.get(r.headers["location"])
    assert "已签到" in follow.text
    assert parse_qs(urlsplit(r.headers["location"]).query)["site"] == [w.sites[1]]
    scores = {f"score_{k}": "5" for k in ("theme", "accuracy", "gains")}
    data = {"token": fc["checkin_token"], "action": "evaluate", "site": w.sites[1]}
    r = w.client.post(action, data={**data, **scores, "learner": "王小明", "comment": "很受教育"})
    assert r.status_code == 303
    assert "评价已提交" in w.client.get(r.headers["location"]).text
    row = session.exec(select(ClassEvaluation)).one()
    assert (row.rater_role, row.learner, row.comment) == ("learner", "王小明", "很受教育")
    assert row.scores == {"theme": 5, "accuracy": 5, "gains": 5}
    assert session.exec(select(ClassCheckin)).one().name == "王小明"
    again = w.client.post(action, data={**data, **scores, "learner": "王小明"})
    assert again.status_code == 409
    assert "已评价过" in again.text
    assert "很受教育" not in again.text  # nobody's comments on the learners' page


def test_refusals_come_back_in_the_readers_language(world: World) -> None:
    w = world
    fc = w.new_class()
    action = f"/classes/{fc['slug']}/learn"
    data = {"token": fc["checkin_token"], "action": "evaluate", "site": w.sites[0]}
    r = w.client.post(action, data=data)  # no score at all
    assert r.status_code == 422
    assert 'role="alert"' in r.text
    r = w.client.post(action + "?lang=en", data={**data, "score_theme": "5", "learner": "x" * 101})
    assert r.status_code == 422
    assert "at most 100 characters" in r.text
    wrong = w.client.get(f"/classes/{fc['slug']}/learn?token=wrong-token-wrong-token&lang=zh")
    assert wrong.status_code == 404
    assert "链接无效" in wrong.text
    english = w.client.get(f"/classes/{fc['slug']}/learn?lang=en")
    assert english.status_code == 404
    assert "invalid or revoked" in english.text
    assert (
        w.client.post(action, data={**data, "token": "nope", "score_theme": "5"}).status_code == 404
    )


def test_the_learner_page_switches_language_keeping_the_token(world: World) -> None:
    w = world
    fc = w.new_class()
    page = w.client.get(_learner_path(w, fc))
    link = re.search(r'class="lang-switch"><a href="([^"]+)"', page.text)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    english = w.client.get(f"/classes/{fc['slug']}/learn{href}")
    assert english.status_code == 200
    assert "Clear theme" in english.text


def test_the_staff_rate_through_the_api_with_the_page_session_and_its_csrf_header(
    world: World,
) -> None:
    w = world
    fc = w.new_class()
    sign_in(w.client, "t1", to="/")
    page = w.client.get(f"/classes/{fc['slug']}")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None
    url = f"/api/classes/{fc['slug']}/evaluations"
    body = {"site": w.sites[0], "scores": {"theme": 3}, "rater_role": "class_manager"}
    assert w.client.post(url, json=body).status_code == 401  # the cookie alone does not rate
    r = w.client.post(url, json=body, headers={"X-CSRF-Token": token.group(1)})
    assert r.status_code == 201


def test_staff_rate_a_stop_from_the_class_page_form(world: World, session: Session) -> None:
    w = world
    fc = w.new_class()
    page = f"/classes/{fc['slug']}"
    sign_in(w.client, "t1", to="/")
    html = w.client.get(page).text
    token = re.search(r'name="csrf" value="([^"]+)"', html)
    assert token is not None
    data = {"rater_role": "class_manager", "site": w.sites[1], "score_organisation": "4"}
    assert w.client.post(f"{page}/rate", data=data).status_code == 403  # no CSRF token
    r = w.client.post(f"{page}/rate", data={**data, "csrf": token.group(1)})
    assert r.status_code == 303
    assert session.exec(select(ClassEvaluation)).one().rater_role == "class_manager"
    again = w.client.post(f"{page}/rate", data={**data, "csrf": token.group(1)})
    assert again.status_code == 409
    learner = w.client.post(
        f"{page}/rate", data={**data, "rater_role": "learner", "csrf": token.group(1)}
    )
    assert learner.status_code == 422
    summary = w.client.get(page).text
    assert "4.0（1 份）" in summary


def test_a_teacher_finds_their_classes_on_one_page(world: World) -> None:
    w = world
    mine = w.new_class(name="我的班")
    body = {
        "name": "别人的班",
        "route": "red-walk",
        "start_date": mine["start_date"],
        "group_size": 9,
    }
    assert w.client.post("/api/classes", json=body, headers=w.other).status_code == 201
    assert w.client.get("/classes").status_code == 303
    sign_in(w.client, "t1", to="/")
    page = w.client.get("/classes")
    assert f'href="/classes/{mine["slug"]}"' in page.text
    assert "别人的班" not in page.text


@pytest.mark.slow
def test_the_class_handout_prints_its_dates_instructors_and_contacts(
    world: World, session: Session
) -> None:
    """The route's handout timed for the class's dates, the instructor booked at each stop
    with their contacts (so for the owner and staff only), and contact fields to fill in."""
    w = world
    person = session.get(Instructor, w.instructors[0])
    assert person is not None
    person.unit, person.phone = "武汉革命博物馆", "027-8888 0000"
    session.add(person)
    session.commit()
    lesson = {
        "title": "讲习所里的农民运动",
        "route": "red-walk",
        "stop": 1,
        "format": "situational",
        "duration_minutes": 30,
        "instructor": w.instructors[0],
    }
    assert w.client.post("/api/courses", json=lesson, headers=w.editor).status_code == 201
    fc = w.new_class(name=HOSTILE)
    handout = f"/classes/{fc['slug']}/handout"
    assert w.client.get(handout).status_code == 303  # anonymous: sign in first
    sign_in(w.client, "t2", to="/")
    other = w.client.get(handout)
    assert other.status_code == 404  # another teacher is not told the class exists
    assert "027-8888" not in other.text
    w.client.cookies.clear()
    sign_in(w.client, "t1", to="/")
    assert handout in w.client.get(f"/classes/{fc['slug']}").text  # linked from the class page
    r = w.client.get(handout)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "private, no-store"
    assert HOSTILE not in r.text
    assert "&lt;script&gt;" in r.text
    for stop in fc["stops"]:
        assert f"· {stop['date']}</h2>" in r.text  # each day on the class's own dates
    assert "主讲教员：张老师 · 武汉革命博物馆 · 联系电话 027-8888 0000" in r.text
    assert "紧急联系人" in r.text
    assert "@page { size: A4 portrait" in r.text
    english = w.client.get(f"{handout}?lang=en")
    assert "Instructor: 张老师" in english.text  # the person's own name, the words in English
    assert "Emergency contact" in english.text
    assert "主讲教员" not in english.text
    # the course's own title as written (it has no English one), every word around it English
    said = (
        "<strong>On-site teaching: </strong>"
        "讲习所里的农民运动 (Situational teaching, 30 min, taught by 张老师)"
    )
    assert said in english.text
    assert "情景教学" not in english.text
    assert "分钟" not in english.text
    chinese = "<strong>现场教学：</strong>讲习所里的农民运动（情景教学，30分钟，主讲 张老师）"
    assert chinese in r.text
    w.client.cookies.clear()
    sign_in(w.client, "ed", to="/")
    assert w.client.get(handout).status_code == 200  # editors too
