"""The story history page: editors only, escaped values, and a restore button behind CSRF."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.events import EventIn, create_event
from redres.catalog.people import PersonIn, create_person
from redres.catalog.stories import get_story, save_story
from redres.catalog.story_schemas import StoryWrite
from redres.config import Settings
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

AUG7 = "site-of-the-august-7-conference"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def catalogue(session: Session) -> None:
    """A story edited twice (the second time with markup in its fields)."""
    add_toy_sites(session)
    story = save_story(
        session,
        StoryWrite(
            slug="aug7", title="八七会议", body="原文。", sites=[AUG7], status=Status.published
        ),
        actor="system",
    )
    save_story(
        session,
        StoryWrite(title=XSS, summary=XSS, body=XSS, sites=[], status=Status.published),
        actor="mallory",
        story=story,
    )
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _restore_forms(html: str) -> list[str]:
    return re.findall(r'action="(/editor/stories/aug7/restore/\d+)"', html)


def test_anonymous_is_sent_to_sign_in(client: TestClient) -> None:
    r = client.get("/editor/stories/aug7/history")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login")
    assert client.post("/editor/stories/aug7/restore/1", data={"csrf": "x"}).status_code == 303


def test_teacher_may_not_see_or_restore(client: TestClient) -> None:
    sign_in(client, "teacher")
    assert client.get("/editor/stories/aug7/history").status_code == 403
    assert client.post("/editor/stories/aug7/restore/1", data={"csrf": "x"}).status_code == 403


def test_history_page_escapes_what_editors_typed(client: TestClient) -> None:
    sign_in(client, "editor")
    r = client.get("/editor/stories/aug7/history")
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    assert "<img src=x" not in r.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in r.text
    assert "mallory" in r.text
    assert "八七会议" in r.text
    assert len(_restore_forms(r.text)) == 1  # every entry but the newest


def test_history_page_in_both_languages(client: TestClient) -> None:
    sign_in(client, "editor")
    zh = client.get("/editor/stories/aug7/history").text
    assert "修改记录" in zh
    assert "发布状态保持不变" in zh
    assert "恢复到此版本" in zh
    en = client.get("/editor/stories/aug7/history", params={"lang": "en"}).text
    assert "History" in en
    assert "Restore this version" in en
    assert "created" in en


def test_story_editor_links_to_its_history(client: TestClient) -> None:
    sign_in(client, "editor")
    assert 'href="/editor/stories/aug7/history"' in client.get("/editor/stories/aug7").text


def test_restore_needs_the_csrf_token(client: TestClient, session: Session) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/stories/aug7/history").text
    action = _restore_forms(page)[0]
    assert client.post(action, data={"csrf": "forged"}).status_code == 403
    session.expire_all()
    assert get_story(session, "aug7").title == XSS


def test_restore_button_brings_back_the_first_version(client: TestClient, session: Session) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/stories/aug7/history").text
    r = client.post(_restore_forms(page)[0], data={"csrf": csrf(page)})
    assert r.status_code == 303
    assert r.headers["location"] == "/editor/stories/aug7/history"
    story = client.get("/api/stories/aug7").json()
    assert story["title"] == "八七会议"
    assert story["body"] == "原文。"
    assert [s["slug"] for s in story["sites"]] == [AUG7]
    after = client.get("/editor/stories/aug7/history").text
    assert "恢复版本" in after  # the revert is listed
    assert len(_restore_forms(after)) == 2


def test_unknown_story_or_entry_is_404(client: TestClient) -> None:
    sign_in(client, "editor")
    assert client.get("/editor/stories/nope/history").status_code == 404
    page = client.get("/editor/stories/aug7/history").text
    r = client.post("/editor/stories/aug7/restore/999999", data={"csrf": csrf(page)})
    assert r.status_code == 404


def test_story_editor_sets_people_events_audience_language(
    client: TestClient, session: Session
) -> None:
    create_person(session, PersonIn(slug="mao", name="毛泽东"), actor="system")
    create_event(
        session, EventIn(slug="aug7-meeting", name="八七会议", date="1927-08-07"), actor="system"
    )
    session.commit()
    sign_in(client, "editor")
    page = client.get("/editor/stories/new").text
    assert 'value="general"' in page
    assert 'value="zh"' in page
    form = {
        "csrf": csrf(page),
        "action": "save",
        "title": "会议的故事",
        "body": "正文。",
        "status": "draft",
        "sites": AUG7,
        "people": "mao\n",
        "events": " aug7-meeting ",
        "audience": "students",
        "language": "en",
    }
    r = client.post("/editor/stories/new", data=form)
    assert r.status_code == 303
    slug = r.headers["location"].rsplit("/", 1)[1]
    story = client.get(f"/api/stories/{slug}").json()
    assert [p["slug"] for p in story["people"]] == ["mao"]
    assert [e["slug"] for e in story["events"]] == ["aug7-meeting"]
    assert (story["audience"], story["language"]) == ("students", "en")
    shown = client.get(f"/editor/stories/{slug}").text
    assert ">mao</textarea>" in shown
    assert ">aug7-meeting</textarea>" in shown
    assert 'value="students"' in shown
    # emptying the people box removes the link; an unknown slug is an error on the form
    r = client.post(f"/editor/stories/{slug}", data={**form, "csrf": csrf(shown), "people": ""})
    assert r.status_code == 303
    assert client.get(f"/api/stories/{slug}").json()["people"] == []
    bad = client.post(
        f"/editor/stories/{slug}",
        data={**form, "csrf": csrf(shown), "events": "<b>nope</b>", "audience": "Bad Audience"},
    )
    assert bad.status_code == 422
    assert "<b>nope</b>" not in bad.text
    assert "&lt;b&gt;nope&lt;/b&gt;" in bad.text
    assert [e["slug"] for e in client.get(f"/api/stories/{slug}").json()["events"]] == [
        "aug7-meeting"
    ]
