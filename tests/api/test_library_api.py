"""Resource library, feedback moderation and the dashboard over HTTP, with their permissions."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.models import Route, RouteStop, pk
from redres.config import Settings
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_toy_sites


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue, a published two-stop route, an editor and a teacher."""
    sites = add_toy_sites(session)
    route = Route(slug="wuchang-walk", name="武昌步行", status=Status.published)
    session.add(route)
    session.flush()
    for i, site in enumerate(sites[1:3], start=1):
        session.add(RouteStop(route_id=pk(route), day=1, position=i, site_id=pk(site)))
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", feedback_per_hour=5)


def test_instructor_contact_is_for_staff_only(client: TestClient) -> None:
    editor = bearer(client, "editor")
    body = {
        "name": "王老师",
        "organisation": "市委党校",
        "expertise": "党史",
        "contact": "138-0000",
    }
    r = client.post("/api/instructors", json=body, headers=editor)
    assert r.status_code == 201
    assert r.json()["phone"] == "138-0000"  # the old free-text contact, read as a phone
    assert r.json()["unit"] == "市委党校"
    assert client.get("/api/instructors").json()["total"] == 0  # teaches nothing public yet
    assert client.get("/api/instructors", headers=editor).json()["total"] == 1
    lesson = {"title": "八七会议", "site": "site-of-the-august-7-conference"}
    lesson["instructor"] = r.json()["id"]
    assert client.post("/api/courses", json=lesson, headers=editor).status_code == 201
    public = client.get("/api/instructors").json()["data"][0]
    assert public["name"] == "王老师"
    assert "contact" not in public
    assert "phone" not in public
    teacher = client.get("/api/instructors", headers=bearer(client, "teacher")).json()["data"][0]
    assert teacher["phone"] == "138-0000"  # teachers book instructors for their classes
    assert client.get("/api/instructors", headers=editor).json()["data"][0]["phone"] == "138-0000"


def test_courses_on_a_site_and_on_a_route_stop(client: TestClient) -> None:
    editor = bearer(client, "editor")
    teacher_id = client.post("/api/instructors", json={"name": "李老师"}, headers=editor).json()[
        "id"
    ]
    on_site = {
        "title": "八七会议的历史转折",
        "site": "site-of-the-august-7-conference",
        "format": "situational",
        "duration_minutes": 45,
        "instructor": teacher_id,
    }
    r = client.post("/api/courses", json=on_site, headers=editor)
    assert r.status_code == 201, r.text
    assert r.json()["site"] == "site-of-the-august-7-conference"
    on_stop = {
        "title": "农讲所现场教学",
        "route": "wuchang-walk",
        "stop": 2,
        "format": "on_site_lecture",
    }
    assert client.post("/api/courses", json=on_stop, headers=editor).status_code == 201
    assert (
        client.post("/api/courses", json={**on_stop, "stop": 3}, headers=editor).status_code == 409
    )
    listed = client.get("/api/courses", params={"route": "wuchang-walk"}).json()
    assert [c["site"] for c in listed["data"]] == ["site-of-the-central-peasant-movement-institute"]
    assert client.get("/api/courses").json()["total"] == 2


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"title": "x"}, 422),
        ({"title": "x", "site": "a", "route": "b"}, 404),
        ({"title": "x", "site": "site-of-the-august-7-conference", "route": "wuchang-walk"}, 409),
        ({"title": "x", "route": "wuchang-walk", "stop": 1, "site": "a"}, 422),
        ({"title": "x", "site": "no-such-site"}, 404),
        ({"title": "x", "site": "site-of-the-august-7-conference", "format": "lecture"}, 422),
        ({"title": "x", "site": "site-of-the-august-7-conference", "instructor": 999}, 404),
    ],
)
def test_bad_courses_are_refused(client: TestClient, body: dict[str, object], code: int) -> None:
    assert (
        client.post("/api/courses", json=body, headers=bearer(client, "editor")).status_code == code
    )


def test_only_editors_add_to_the_library(client: TestClient) -> None:
    for headers, code in (({}, 401), (bearer(client, "teacher"), 403)):
        assert (
            client.post("/api/instructors", json={"name": "x"}, headers=headers).status_code == code
        )
        assert client.get("/api/dashboard", headers=headers).status_code == code


def test_feedback_shows_only_after_approval(client: TestClient) -> None:
    body = {
        "target": "site",
        "slug": "site-of-the-august-7-conference",
        "rating": 5,
        "comment": "讲解很好 <script>alert(1)</script>",
    }
    r = client.post("/api/feedback", json=body)
    assert r.status_code == 202
    fid = r.json()["id"]
    params = {"target": "site", "slug": "site-of-the-august-7-conference"}
    assert client.get("/api/feedback", params=params).json()["total"] == 0
    assert client.get("/api/feedback", params={"status": "pending"}).status_code == 403
    editor = bearer(client, "editor")
    pending = client.get("/api/feedback", params={"status": "pending"}, headers=editor).json()
    assert [f["id"] for f in pending["data"]] == [fid]
    assert client.post(f"/api/feedback/{fid}/approve").status_code == 401
    assert client.post(f"/api/feedback/{fid}/approve", headers=editor).status_code == 200
    shown = client.get("/api/feedback", params=params).json()["data"]
    assert shown[0]["comment"] == body["comment"]  # stored as text; pages escape it
    assert client.post(f"/api/feedback/{fid}/approve", headers=editor).status_code == 409


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"target": "site", "slug": "site-of-the-august-7-conference", "rating": 6}, 422),
        (
            {
                "target": "site",
                "slug": "site-of-the-august-7-conference",
                "rating": 3,
                "comment": "看这里 http://spam.example",
            },
            422,
        ),
        (
            {
                "target": "site",
                "slug": "site-of-the-august-7-conference",
                "rating": 3,
                "comment": "长" * 2001,
            },
            422,
        ),
        ({"target": "site", "slug": "no-such-site", "rating": 3}, 404),
        ({"target": "museum", "slug": "x", "rating": 3}, 422),
    ],
)
def test_bad_feedback_is_refused(client: TestClient, body: dict[str, object], code: int) -> None:
    assert client.post("/api/feedback", json=body).status_code == code


def test_feedback_is_rate_limited(client: TestClient) -> None:
    body = {"target": "route", "slug": "wuchang-walk", "rating": 4}
    codes = [client.post("/api/feedback", json=body).status_code for _ in range(7)]
    assert codes == [202] * 5 + [429] * 2


def test_dashboard_counts_and_gaps(client: TestClient) -> None:
    d = client.get("/api/dashboard", headers=bearer(client, "editor")).json()
    assert d["sites"]["total"] == 5
    assert d["by"]["district"]["武昌区"] == 3
    assert d["by"]["category"]["former_site"] == 3
    assert d["gaps"]["no_coordinates"]["count"] == 1
    assert d["gaps"]["no_coordinates"]["sites"][0]["slug"] == "wuhan-revolutionary-museum"
    assert d["gaps"]["no_story"]["count"] == 5
    assert d["survey"] == {"surveyed": 0, "not_surveyed": 5}
    assert d["routes"]["published"] == 1
    assert d["routes"]["districts_covered"] == ["武昌区"]
    assert d["feedback"]["pending"] == 0


def test_course_plan_appears_in_the_printed_handout(client: TestClient) -> None:
    editor = bearer(client, "editor")
    lecturer = client.post("/api/instructors", json={"name": "李老师"}, headers=editor).json()["id"]
    lesson = {
        "title": "讲习所里的农民运动",
        "route": "wuchang-walk",
        "stop": 2,
        "format": "situational",
        "duration_minutes": 30,
        "instructor": lecturer,
    }
    assert client.post("/api/courses", json=lesson, headers=editor).status_code == 201
    html = client.get("/api/routes/wuchang-walk.html", params={"date": "2025-06-10"}).text
    assert "现场教学：</strong>讲习所里的农民运动（情景教学，30分钟，主讲 李老师）" in html
    section = html.split("现场教学：")[0].rsplit("<h3>", 1)[1]
    assert "中央农民运动讲习所旧址" in section  # the second stop of the route
    assert "/maps/routes/wuchang-walk.png?date=2025-06-10" in html


def test_a_course_on_a_teachers_own_route_shows_to_that_teacher_only(
    client: TestClient, session: Session
) -> None:
    create_user(session, "colleague", PASSWORD, Role.teacher)
    session.commit()
    editor, teacher = bearer(client, "editor"), bearer(client, "teacher")
    body = {"name": "我的线路", "days": [[{"site": "tomb-of-martyr-shi-yang"}]]}
    slug = client.post("/api/routes", json=body, headers=teacher).json()["properties"]["slug"]
    lecturer = client.post("/api/instructors", json={"name": "赵老师"}, headers=editor).json()
    lesson = {"title": "烈士墓前的课", "route": slug, "instructor": lecturer["id"]}
    assert client.post("/api/courses", json=lesson, headers=editor).status_code == 201
    colleague = bearer(client, "colleague")
    for headers, shown in (({}, 0), (colleague, 0), (teacher, 1), (editor, 1)):
        assert client.get("/api/courses", headers=headers).json()["total"] == shown
        # signed-in staff (teachers too) see every instructor; visitors only those teaching
        # a published course
        everyone = 0 if headers == {} else 1
        assert client.get("/api/instructors", headers=headers).json()["total"] == everyone
        by_route = client.get("/api/courses", params={"route": slug}, headers=headers).json()
        assert by_route["total"] == shown
