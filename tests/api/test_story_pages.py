"""The story history page: editors only, escaped values, and a restore button behind CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.stories import StoryWrite, get_story, save_story
from redres.config import Settings
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

AUG7 = "site-of-the-august-7-conference"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def client(engine: Engine, session: Session) -> Iterator[TestClient]:
    """A story edited twice (the second time with markup in its fields); redirects not followed."""
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
    settings = Settings(database_url="sqlite://", secret_key="x" * 40)
    with TestClient(create_app(settings, engine=engine), follow_redirects=False) as c:
        yield c


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
