"""Courses and instructors over the API and on the public pages: who writes, who sees drafts and
contacts, If-Match on changes, validation messages, and courses on site and route pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.models import Route, RouteStop, Site, pk
from tests.factories import add_toy_sites

PASSWORD = "correct horse battery"
AUGUST_7 = "site-of-the-august-7-conference"
INSTITUTE = "site-of-the-central-peasant-movement-institute"
PHONE, EMAIL = "027-8888 6666", "wang@dangxiao.example.cn"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue, a published route over two of its sites, an editor and a teacher."""
    sites = add_toy_sites(session)
    route = Route(slug="wuchang-walk", name="武昌步行", status=Status.published)
    session.add(route)
    session.flush()
    for i, site in enumerate(sites[1:3], start=1):
        session.add(RouteStop(route_id=pk(route), day=1, position=i, site_id=pk(site)))
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


def _auth(client: TestClient, name: str) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _instructor(client: TestClient, editor: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {"name": "王红", "unit": "武汉市委党校", "title": "教授", "topics": "党史"} | extra
    body |= {"phone": PHONE, "email": EMAIL}
    r = client.post("/api/instructors", json=body, headers=editor)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _course(client: TestClient, editor: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"title": "八七会议的历史转折", "site": AUGUST_7, "duration_minutes": 40} | fields
    r = client.post("/api/courses", json=body, headers=editor)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_only_editors_write(client: TestClient) -> None:
    teacher, editor = _auth(client, "teacher"), _auth(client, "editor")
    course = {"title": "课", "site": AUGUST_7}
    for headers, code in (({}, 401), (teacher, 403)):
        assert (
            client.post("/api/instructors", json={"name": "x"}, headers=headers).status_code == code
        )
        assert client.post("/api/courses", json=course, headers=headers).status_code == code
    made = _course(client, editor)
    person = _instructor(client, editor)
    for headers, code in (({}, 401), (teacher, 403)):
        r = client.patch(f"/api/courses/{made['id']}", json={"title": "改"}, headers=headers)
        assert r.status_code == code
        r = client.patch(f"/api/instructors/{person['id']}", json={"name": "改"}, headers=headers)
        assert r.status_code == code
    assert client.get(f"/api/courses/{made['id']}").json()["title"] == "八七会议的历史转折"


def test_drafts_and_hidden_places_never_reach_visitors(
    client: TestClient, session: Session
) -> None:
    editor = _auth(client, "editor")
    hidden_teacher = _instructor(client, editor, name="只教草稿")
    shown_teacher = _instructor(client, editor, name="公开教师")
    draft = _course(
        client, editor, title="草稿课", status="draft", instructors=[hidden_teacher["id"]]
    )
    shown = _course(client, editor, title="公开课", instructors=[shown_teacher["id"]])
    site = session.get(Site, 5)  # the museum: published now, a draft below
    assert site is not None
    on_draft_site = _course(client, editor, title="草稿场馆上的课", site=site.slug)
    site.status = Status.draft
    session.add(site)
    session.commit()
    listed = client.get("/api/courses").json()
    assert [c["title"] for c in listed["data"]] == ["公开课"]
    for hidden in (draft, on_draft_site):
        assert client.get(f"/api/courses/{hidden['id']}").status_code == 404
        assert client.get(f"/api/courses/{hidden['id']}", headers=editor).status_code == 200
    assert client.get(f"/api/courses/{shown['id']}").status_code == 200
    names = [i["name"] for i in client.get("/api/instructors").json()["data"]]
    assert names == ["公开教师"]
    assert client.get(f"/api/instructors/{hidden_teacher['id']}").status_code == 404
    assert client.get("/api/courses", headers=editor).json()["total"] == 3
    page = client.get(f"/sites/{AUGUST_7}").text
    assert "公开课" in page
    assert "草稿课" not in page
    assert "只教草稿" not in page


def test_contacts_only_for_signed_in_staff(client: TestClient) -> None:
    editor, teacher = _auth(client, "editor"), _auth(client, "teacher")
    person = _instructor(client, editor)
    _course(client, editor, instructors=[person["id"]])
    one, listed = f"/api/instructors/{person['id']}", "/api/instructors"
    for path in (one, listed):
        anonymous = client.get(path)
        assert PHONE not in anonymous.text
        assert EMAIL not in anonymous.text
        for headers in (teacher, editor):
            staff = client.get(path, headers=headers)
            assert PHONE in staff.text
            assert EMAIL in staff.text
            assert "private" in staff.headers["cache-control"]
    public = client.get(one).json()
    assert set(public) == {"id", "name", "unit", "title", "topics"}
    for headers in ({}, teacher, editor):  # a course never carries contacts, whoever asks
        courses = client.get("/api/courses", headers=headers).text
        assert PHONE not in courses
        assert EMAIL not in courses
    page = client.get(f"/sites/{AUGUST_7}").text
    assert "王红" in page
    assert "武汉市委党校" in page
    assert PHONE not in page
    assert EMAIL not in page


def test_patch_with_a_stale_etag_is_refused(client: TestClient) -> None:
    editor = _auth(client, "editor")
    made = _course(client, editor)
    path = f"/api/courses/{made['id']}"
    tag = client.get(path, headers=editor).headers["etag"]
    first = client.patch(path, json={"audience": "党员干部"}, headers=editor | {"If-Match": tag})
    assert first.status_code == 200, first.text
    assert first.json()["audience"] == "党员干部"
    assert first.headers["etag"] != tag
    stale = client.patch(path, json={"audience": "青年学生"}, headers=editor | {"If-Match": tag})
    assert stale.status_code == 412
    assert "changed by someone else" in stale.json()["detail"]
    assert client.get(path).json()["audience"] == "党员干部"
    fresh = client.patch(
        path, json={"audience": "青年学生"}, headers=editor | {"If-Match": first.headers["etag"]}
    )
    assert fresh.status_code == 200
    person = _instructor(client, editor)
    ipath = f"/api/instructors/{person['id']}"
    itag = client.get(ipath, headers=editor).headers["etag"]
    assert client.patch(ipath, json={"title": "副教授"}, headers=editor).status_code == 200
    r = client.patch(ipath, json={"title": "讲师"}, headers=editor | {"If-Match": itag})
    assert r.status_code == 412


def test_replacing_instructors_is_a_change(client: TestClient) -> None:
    editor = _auth(client, "editor")
    a = _instructor(client, editor, name="甲")
    b = _instructor(client, editor, name="乙")
    made = _course(client, editor, instructors=[a["id"], b["id"]])
    assert [i["name"] for i in made["instructors"]] == ["甲", "乙"]
    path = f"/api/courses/{made['id']}"
    tag = client.get(path, headers=editor).headers["etag"]
    r = client.patch(path, json={"instructors": [b["id"], a["id"]]}, headers=editor)
    assert [i["name"] for i in r.json()["instructors"]] == ["乙", "甲"]
    assert (
        client.patch(path, json={"title": "x"}, headers=editor | {"If-Match": tag}).status_code
        == 412
    )
    by_teacher = client.get("/api/courses", params={"instructor": a["id"]}).json()
    assert by_teacher["total"] == 1


def test_moving_a_course_to_a_route_stop(client: TestClient) -> None:
    editor = _auth(client, "editor")
    made = _course(client, editor, site=INSTITUTE)
    path = f"/api/courses/{made['id']}"
    r = client.patch(path, json={"route": "wuchang-walk"}, headers=editor)
    assert r.status_code == 200, r.text
    assert (r.json()["site"], r.json()["route"]) == (INSTITUTE, "wuchang-walk")
    r = client.patch(path, json={"site": AUGUST_7}, headers=editor)
    assert r.status_code == 409
    assert f"'{AUGUST_7}' is not a stop of route 'wuchang-walk'" in r.json()["detail_en"]
    assert r.json()["detail"] == f"场馆“{AUGUST_7}”不是线路“wuchang-walk”的一站"
    r = client.patch(path, json={"site": None, "route": None}, headers=editor)
    assert r.status_code == 422
    assert "give site, route or both" in r.json()["detail"]
    assert client.get(path).json()["site"] == INSTITUTE


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"title": "x"}, None, "give site, route or both"),
        ({"title": "", "site": AUGUST_7}, "title", "at least 1 character"),
        ({"title": "x", "site": AUGUST_7, "duration_minutes": 2}, "duration_minutes", "5"),
        ({"title": "x", "site": AUGUST_7, "instructors": [1, 1]}, "instructors", "listed twice"),
        ({"title": "x", "site": AUGUST_7, "format": "lecture"}, "format", "on_site_lecture"),
        ({"title": "x", "site": AUGUST_7, "colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_invalid_courses_say_what_is_wrong(
    client: TestClient, body: dict[str, Any], field: str | None, words: str
) -> None:
    r = client.post("/api/courses", json=body, headers=_auth(client, "editor"))
    assert r.status_code == 422
    assert field is None or field in r.json()["detail"]  # named in the sentence too
    errors = r.json()["errors"]
    assert any(words in e["msg"] and (field is None or field in e["loc"]) for e in errors), errors


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"name": "x", "phone": "call me"}, "'call me' is not a phone number"),
        ({"name": "x", "email": "wang at example"}, "'wang at example' is not an email address"),
        ({"name": " "}, "at least 1 character"),
        ({"name": "x", "unit": "长" * 201}, "at most 200 characters"),
    ],
)
def test_invalid_instructors_say_what_is_wrong(
    client: TestClient, body: dict[str, Any], words: str
) -> None:
    r = client.post("/api/instructors", json=body, headers=_auth(client, "editor"))
    assert r.status_code == 422
    assert any(words in e["msg"] for e in r.json()["errors"]), r.json()


def test_unknown_records_are_404(client: TestClient) -> None:
    editor = _auth(client, "editor")
    assert client.get("/api/courses/999", headers=editor).status_code == 404
    assert client.get("/api/instructors/999", headers=editor).status_code == 404
    assert client.patch("/api/courses/999", json={"title": "x"}, headers=editor).status_code == 404
    r = client.post("/api/courses", json={"title": "x", "site": "nowhere"}, headers=editor)
    assert r.status_code == 404
    r = client.post(
        "/api/courses", json={"title": "x", "site": AUGUST_7, "instructors": [42]}, headers=editor
    )
    assert r.status_code == 404


def test_site_page_shows_its_published_courses(client: TestClient) -> None:
    editor = _auth(client, "editor")
    person = _instructor(client, editor)
    _course(
        client,
        editor,
        title="<b>八七会议</b>的转折",
        audience="党员干部",
        instructors=[person["id"]],
        outline="## 教学目标\n\n- 理解**八七会议**",
    )
    page = client.get(f"/sites/{AUGUST_7}").text
    section = page.split('id="courses"')[1].split("</section>")[0]
    assert "现场教学课程" in section
    assert "&lt;b&gt;八七会议&lt;/b&gt;的转折" in section  # escaped, not markup
    assert "40分钟" in section
    assert "党员干部" in section
    assert "王红" in section
    assert "武汉市委党校" in section
    assert "<strong>八七会议</strong>" in section  # the outline, rendered Markdown
    english = client.get(f"/sites/{AUGUST_7}", params={"lang": "en"}).text
    assert "On-site courses" in english
    assert "40 min" in english
    assert 'id="courses"' not in client.get(f"/sites/{INSTITUTE}").text  # none there


def test_route_page_shows_courses_at_their_stops(client: TestClient) -> None:
    editor = _auth(client, "editor")
    person = _instructor(client, editor, name="李讲习")
    _course(
        client,
        editor,
        title="讲习所里的农民运动",
        site=INSTITUTE,
        route="wuchang-walk",
        instructors=[person["id"]],
    )
    _course(client, editor, title="整条线路的导学", site=None, route="wuchang-walk")
    _course(
        client, editor, title="草稿站点课", site=INSTITUTE, route="wuchang-walk", status="draft"
    )
    page = client.get("/routes/wuchang-walk", params={"date": "2025-06-10"}).text
    schedule = page.split('<ol class="schedule">')[1].split("</ol>")[0]
    stops = re.split(r'<li id="stop-', schedule)  # a stop's own lists (directions) stay inside
    institute = next(s for s in stops if "中央农民运动讲习所旧址" in s)
    assert "讲习所里的农民运动" in institute
    assert "李讲习" in institute
    assert PHONE not in page
    assert "草稿站点课" not in page
    congress = next(s for s in stops if "中共五大会址纪念馆" in s)
    assert "讲习所里的农民运动" not in congress
    assert "整条线路的导学" in page.split('<section class="map-and-list">')[0]
    site_page = client.get(f"/sites/{INSTITUTE}").text  # a stop's course shows on its site too
    assert "讲习所里的农民运动" in site_page
