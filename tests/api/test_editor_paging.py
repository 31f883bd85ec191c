"""Editor lists are bounded: one page of N with a next link, the rest on the next page, filters
kept in the links, text and status filters, out-of-range pages refused (both engines)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlmodel import Session

from redres.api import list_pages
from redres.catalog.account_tables import AuditLog
from redres.catalog.accounts import create_user
from redres.catalog.attachment_tables import Feedback
from redres.catalog.enums import Role, Status
from redres.catalog.models import Course, Instructor, Route, Site, Story
from redres.catalog.staff_lists import MAX_PAGE, PAGE_SIZE
from redres.config import Settings
from tests.api.forms import PASSWORD, bearer, sign_in

N = 3
"""The page size these tests set, so N + 1 records make two pages."""
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _site(i: int, status: Status) -> dict[str, object]:
    return {
        "slug": f"s-{i:03d}",
        "name": f"测试旧址{i:03d}",
        "category": "former_site",
        "status": status.value,
        "aliases": [],
        "designations": [],
        "created_at": T0,
        "updated_at": T0,
    }


@pytest.fixture
def catalogue(session: Session) -> None:
    """N + 1 draft sites, stories, routes, courses, instructors and pending feedback items, plus
    one published site, story and route each named apart."""
    conn = session.connection()
    sites = [_site(i, Status.draft) for i in range(N + 1)]
    sites.append(_site(900, Status.published) | {"name": "另一处纪念馆"})
    conn.execute(insert(Site.__table__), sites)  # type: ignore[attr-defined]
    for i in range(N + 1):
        session.add(Story(slug=f"st-{i}", title=f"故事{i}", updated_at=T0 + timedelta(days=i)))
        session.add(Route(slug=f"r-{i}", name=f"线路{i}"))
        session.add(Course(title=f"课程{i}"))
        session.add(Instructor(name=f"讲师{i}"))
    session.add(Story(slug="st-pub", title="另一篇", status=Status.published))
    session.add(Route(slug="r-pub", name="另一条", status=Status.published))
    session.flush()
    first = session.exec(Site.__table__.select().where(Site.slug == "s-000")).first()  # type: ignore[attr-defined]
    assert first is not None
    for i in range(N + 1):
        session.add(
            Feedback(
                target="site",
                target_id=first.id,
                rating=5,
                comment=f"留言{i}",
                created_at=T0 + timedelta(hours=i),
            )
        )
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def editor(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(list_pages, "PAGE_SIZE", N)
    sign_in(client, "editor")
    return client


LISTS = [
    ("/editor", r'href="/editor/sites/(s-\d+)"'),
    ("/editor/stories", r'href="/editor/stories/(st-\d+)"'),
    ("/editor/routes", r'href="/editor/routes/(r-\d+)"'),
    ("/editor/courses", r'href="/editor/courses/(\d+)"'),
    ("/editor/instructors", r'href="/editor/instructors/(\d+)"'),
    ("/editor/feedback", r'action="/editor/feedback/(\d+)"'),
]


def _links(html: str) -> dict[str, str]:
    return {rel: unescape(href) for rel, href in re.findall(r'rel="(\w+)" href="([^"]+)"', html)}


@pytest.mark.parametrize(("path", "item"), LISTS)
def test_n_plus_one_items_make_two_pages(editor: TestClient, path: str, item: str) -> None:
    first = editor.get(path, params={"status": "draft"} if path != "/editor/feedback" else None)
    assert first.status_code == 200
    shown = re.findall(item, first.text)
    assert len(shown) == N
    links = _links(first.text)
    assert "prev" not in links
    nxt = urlsplit(links["next"])
    assert nxt.path == path
    assert parse_qs(nxt.query)["page"] == ["2"]
    if path != "/editor/feedback":
        assert parse_qs(nxt.query)["status"] == ["draft"]  # the filter goes with the link
    second = editor.get(links["next"])
    rest = re.findall(item, second.text)
    assert len(rest) == 1
    assert not set(rest) & set(shown)
    assert "next" not in _links(second.text)
    assert "prev" in _links(second.text)


@pytest.mark.parametrize(
    ("path", "q", "expected"),
    [
        ("/editor", "另一处", ["s-900"]),
        ("/editor/stories", "另一", ["st-pub"]),
        ("/editor/routes", "另一", ["r-pub"]),
    ],
)
def test_text_filter(editor: TestClient, path: str, q: str, expected: list[str]) -> None:
    r = editor.get(path, params={"q": q})
    slugs = re.findall(r'href="/editor/(?:sites|stories|routes)/([\w-]+)"', r.text)
    assert [s for s in slugs if s != "new"] == expected
    assert "next" not in _links(r.text)


def test_status_filter_shows_only_that_status(editor: TestClient) -> None:
    r = editor.get("/editor", params={"status": "published"})
    assert re.findall(r'href="/editor/sites/(s-\d+)"', r.text) == ["s-900"]
    assert editor.get("/editor", params={"status": ""}).status_code == 200  # "all"


def test_feedback_filter_by_comment(editor: TestClient) -> None:
    r = editor.get("/editor/feedback", params={"q": "留言2"})
    assert r.text.count('action="/editor/feedback/') == 1


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": str(MAX_PAGE + 1)},
        {"page": "x"},
        {"status": "lost"},
        {"q": "长" * 101},
    ],
)
def test_out_of_range_is_refused(editor: TestClient, params: dict[str, str]) -> None:
    assert editor.get("/editor", params=params).status_code == 422


def test_the_real_page_size_bounds_the_site_list(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    more = [_site(i, Status.draft) for i in range(100, 100 + PAGE_SIZE)]
    session.connection().execute(insert(Site.__table__), more)  # type: ignore[attr-defined]
    session.commit()
    sign_in(client, "editor")
    r = client.get("/editor")
    assert len(re.findall(r'href="/editor/sites/(s-\d+)"', r.text)) == PAGE_SIZE
    assert "next" in _links(r.text)


def test_feedback_api_pages_with_a_true_total(client: TestClient) -> None:
    auth = bearer(client, "editor")
    r = client.get(
        "/api/feedback", params={"status": "pending", "limit": 2, "offset": 3}, headers=auth
    )
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == N + 1
    assert [f["comment"] for f in body["data"]] == ["留言0"]  # newest first: 3, 2 | 1 | 0
    assert client.get("/api/feedback", params={"limit": 501}).status_code == 422


def test_routes_api_pages_with_a_true_total(client: TestClient) -> None:
    auth = bearer(client, "editor")
    everything = client.get("/api/routes", headers=auth).json()["data"]
    r = client.get("/api/routes", params={"limit": 2, "offset": 2}, headers=auth)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == N + 2  # N + 1 drafts and one published, all seen by staff
    assert len(everything) == N + 2
    assert body["data"] == everything[2:4]
    anonymous = client.get("/api/routes").json()
    assert anonymous["total"] == 1
    assert client.get("/api/routes", params={"limit": 501}).status_code == 422


def test_the_course_form_asks_for_a_slug_when_sites_are_many(
    editor: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redres.api.routers import library_pages

    listed = editor.get("/editor/courses/new")
    assert '<select id="site"' in listed.text
    assert "s-900" in listed.text
    monkeypatch.setattr(library_pages, "SITE_CHOICES_MAX", N)  # N + 2 live sites are more
    typed = editor.get("/editor/courses/new")
    assert '<select id="site"' not in typed.text
    assert '<input id="site" name="site"' in typed.text
    assert "s-900" not in typed.text


def test_a_history_page_holds_n_entries_and_links_the_older_ones(
    editor: TestClient, session: Session
) -> None:
    site = session.exec(Site.__table__.select().where(Site.slug == "s-001")).first()  # type: ignore[attr-defined]
    assert site is not None
    for i in range(N + 1):
        session.add(
            AuditLog(
                at=T0 + timedelta(minutes=i),
                actor="editor",
                entity="site",
                entity_id=site.id,
                action="update",
                before={"name": f"旧名{i}"},
                after={"name": f"新名{i}"},
            )
        )
    session.commit()
    first = editor.get("/editor/sites/s-001/history")
    assert first.status_code == 200
    assert [f"新名{i}" in first.text for i in range(N + 1)] == [False] + [True] * N  # newest
    assert first.text.count('action="/editor/sites/s-001/restore/') == N - 1  # not the current
    second = editor.get(_links(first.text)["next"])
    assert "新名0" in second.text
    assert second.text.count('action="/editor/sites/s-001/restore/') == 1  # an older version
    assert editor.get("/editor/sites/s-001/history", params={"page": 0}).status_code == 422
