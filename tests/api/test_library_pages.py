"""The editor's library pages: sign-in, CSRF, creating and editing courses and instructors,
errors in Chinese on the form, and a conflict instead of overwriting a newer save."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.models import Route, RouteStop, pk
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

AUGUST_7 = "site-of-the-august-7-conference"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue with a route, an editor and a teacher; nobody signed in yet."""
    sites = add_toy_sites(session)
    route = Route(slug="wuchang-walk", name="武昌步行", status=Status.published)
    session.add(route)
    session.flush()
    session.add(RouteStop(route_id=pk(route), day=1, position=1, site_id=pk(sites[2])))
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _new_instructor(client: TestClient, **fields: str) -> str:
    form = client.get("/editor/instructors/new")
    data = {"csrf": csrf(form.text), "name": "王红", "unit": "武汉市委党校"} | fields
    r = client.post("/editor/instructors/new", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"]).split("?")[0]


def test_pages_need_an_editor(client: TestClient) -> None:
    for path in ("/editor/courses", "/editor/instructors/new"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login")
    sign_in(client, "teacher")
    assert client.get("/editor/courses").status_code == 403


def test_editor_creates_and_edits_a_course(client: TestClient) -> None:
    sign_in(client, "editor")
    teacher_page = _new_instructor(client, phone="027-8888 6666")
    assert "027-8888 6666" in client.get("/editor/instructors").text  # editors see contacts
    form = client.get("/editor/courses/new")
    assert "王红" in form.text
    teacher_id = teacher_page.rsplit("/", 1)[1]
    data = {
        "csrf": csrf(form.text),
        "title": "八七会议的历史转折",
        "site": AUGUST_7,
        "route": "",
        "duration_minutes": "45",
        "audience": "党员干部",
        "format": "situational",
        "instructors": teacher_id,
        "outline": "## 目标\n\n- 转折",
        "status": "published",
    }
    r = client.post("/editor/courses/new", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    assert "已保存" in page.text
    assert 'value="45"' in page.text
    course = client.get("/api/courses").json()["data"][0]
    assert course["title"] == "八七会议的历史转折"
    assert [i["name"] for i in course["instructors"]] == ["王红"]
    assert "八七会议的历史转折" in client.get("/editor/courses").text
    edit = r.headers["location"].split("?")[0]
    changed = data | {"csrf": csrf(page.text), "version": "1", "title": "改后的课", "audience": ""}
    assert client.post(edit, data=changed, follow_redirects=False).status_code == 303
    course = client.get("/api/courses").json()["data"][0]
    assert (course["title"], course["audience"]) == ("改后的课", None)


def test_errors_come_back_on_the_form_in_chinese(client: TestClient) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/courses/new")
    data = {
        "csrf": csrf(form.text),
        "title": "课",
        "site": "",
        "route": "",
        "duration_minutes": "半小时",
        "format": "on_site_lecture",
        "status": "draft",
    }
    r = client.post("/editor/courses/new", data=data)
    assert r.status_code == 422
    assert "时长（分钟）" in r.text  # the box, named as the form names it
    assert 'value="课"' in r.text  # the input is kept
    data["duration_minutes"] = "30"
    r = client.post("/editor/courses/new", data=data)
    assert r.status_code == 422
    assert "课程须有授课地点" in r.text
    bad = {"csrf": csrf(form.text), "name": "李", "phone": "找办公室"}
    r = client.post("/editor/instructors/new", data=bad)
    assert r.status_code == 422
    assert "“找办公室”不是电话号码" in r.text
    assert client.get("/api/courses", params={"site": AUGUST_7}).json()["total"] == 0


def test_forms_need_their_csrf_token(client: TestClient) -> None:
    sign_in(client, "editor")
    r = client.post("/editor/instructors/new", data={"csrf": "forged", "name": "x"})
    assert r.status_code == 403
    assert client.get("/api/instructors", headers={}).json()["total"] == 0


def test_a_stale_form_shows_a_conflict(client: TestClient) -> None:
    sign_in(client, "editor")
    path = _new_instructor(client)
    opened = client.get(path)
    token = csrf(opened.text)
    first = {"csrf": token, "version": "1", "name": "王红", "title": "教授"}
    assert client.post(path, data=first, follow_redirects=False).status_code == 303
    second = {"csrf": token, "version": "1", "name": "王红", "title": "讲师"}
    r = client.post(path, data=second)
    assert r.status_code == 409
    assert 'value="讲师"' in r.text  # the editor's input is kept
    assert "教授" not in r.text.split("<form")[1].split('name="title"')[0]
    assert client.get(path).text.count('value="教授"') == 1  # the first save stands
