"""Anonymous pages and reads kept per catalogue version (`api/page_cache.py`): revalidated by
ETag, rebuilt right after any write (in every app sharing the database), never shared with a
signed-in reader, and never handing one visitor's CSRF token to another."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.api.page_cache import ENTRY_OVERHEAD, Entry, PageCache
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from redres.db import make_engine
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD, bearer, csrf, sign_in
from tests.factories import add_toy_sites

# On both engines in every run: the catalogue's version moves by each engine's commits.
pytestmark = pytest.mark.both_engines

SITE = "site-of-the-august-7-conference"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue, a draft site, and two editors."""
    add_toy_sites(session)
    create_site(
        session,
        SiteCreate(
            slug="draft-hall", name="草稿纪念馆", category="memorial_hall", status=Status.draft
        ),
    )
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "other", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="k" * 40)


@pytest.fixture
def follow_redirects() -> bool:
    return False  # to sign in through the form


def _kept(client: TestClient) -> tuple[int, int]:
    cache = client.app.state.page_cache  # type: ignore[attr-defined]
    return cache.hits, len(cache)


def test_an_unchanged_page_and_read_are_served_kept_and_revalidate_to_304(
    client: TestClient,
) -> None:
    for path in ("/themes", "/api/sites?limit=3", f"/api/sites/{SITE}"):
        for _ in range(2):  # a copy serves its minute: the minute may turn between two gets
            minute = _minute()
            first = client.get(path)
            assert first.status_code == 200
            tag = first.headers["etag"]
            hits = _kept(client)[0]
            again = client.get(path)
            if _minute() == minute:
                break
        assert again.status_code == 200
        assert again.content == first.content
        assert again.headers["etag"] == tag
        assert _kept(client)[0] == hits + 1, f"{path} was built again"
        not_modified = client.get(path, headers={"If-None-Match": tag})
        assert not_modified.status_code == 304, path
        assert not_modified.content == b""
        assert not_modified.headers["etag"] == tag
        assert "Cookie" in not_modified.headers["vary"]


def test_languages_and_queries_are_kept_apart(client: TestClient) -> None:
    zh = client.get("/themes")
    en = client.get("/themes", headers={"Accept-Language": "en-GB"})
    en_query = client.get("/themes?lang=en")
    assert zh.text != en.text
    assert 'lang="en"' in en.text
    assert 'lang="zh' in zh.text
    assert 'lang="en"' in en_query.text
    assert "lang=en" in en_query.headers["set-cookie"]  # the language cookie is kept with it
    assert "lang=en" in client.get("/themes?lang=en").headers["set-cookie"]
    assert client.get("/api/sites?limit=1").json() != client.get("/api/sites?limit=2").json()


def test_a_write_is_seen_by_the_very_next_read(client: TestClient) -> None:
    editor = bearer(client, "editor")
    before = client.get(f"/sites/{SITE}")
    read = client.get(f"/api/sites/{SITE}")
    assert "新的名字" not in before.text
    r = client.patch(f"/api/sites/{SITE}", json={"name": "新的名字"}, headers=editor)
    assert r.status_code == 200, r.text
    anonymous = TestClient(client.app)  # no cookie: the kept-page path
    assert "新的名字" in anonymous.get(f"/sites/{SITE}").text
    after = anonymous.get(f"/api/sites/{SITE}", headers={"If-None-Match": read.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["properties"]["name"] == "新的名字"


def test_two_apps_on_one_database_see_each_others_writes(
    engine: Engine, db_url: str, client: TestClient, app_settings: Settings
) -> None:
    """Two app instances with their own engines stand for two worker processes."""
    second_engine = make_engine(db_url)
    try:
        with TestClient(create_app(app_settings, engine=second_engine)) as second:
            assert "新的名字" not in second.get(f"/sites/{SITE}").text
            for _ in range(2):  # a copy serves its minute: the minute may turn between two gets
                assert "新的名字" not in second.get(f"/sites/{SITE}").text  # kept in the second
                if _kept(second)[0] >= 1:
                    break
            assert _kept(second)[0] >= 1
            editor = bearer(client, "editor")
            r = client.patch(f"/api/sites/{SITE}", json={"name": "新的名字"}, headers=editor)
            assert r.status_code == 200
            assert "新的名字" in second.get(f"/sites/{SITE}").text
            themes = second.get("/api/themes").json()
            r = client.delete(f"/api/sites/{SITE}", headers=editor)
            assert r.status_code in (200, 204), r.text
            assert second.get(f"/sites/{SITE}").status_code == 404
            assert second.get("/api/themes").json() != themes or themes  # rebuilt, not an error
    finally:
        second_engine.dispose()


def test_signed_in_readers_never_get_a_kept_page_nor_leave_one(
    client: TestClient, make_client: MakeClient, engine: Engine, app_settings: Settings
) -> None:
    anonymous = TestClient(client.app)
    assert anonymous.get("/sites/draft-hall").status_code == 404
    sign_in(client, "editor")
    other = make_client(engine, app_settings, follow_redirects=False)
    sign_in(other, "other")
    for _ in range(2):
        mine = client.get("/sites/draft-hall")
        theirs = other.get("/sites/draft-hall")
        assert mine.status_code == theirs.status_code == 200
        assert _account(mine.text) == "editor"
        assert _account(theirs.text) == "other"
        assert mine.headers["cache-control"] == "private, no-store"
        assert "etag" not in mine.headers
        home = client.get(f"/sites/{SITE}")
        assert _account(home.text) == "editor"
    assert anonymous.get("/sites/draft-hall").status_code == 404  # the draft was never kept
    assert _account(anonymous.get(f"/sites/{SITE}").text) is None
    bearer_read = client.get(f"/api/sites/{SITE}", headers=bearer(client, "editor"))
    assert bearer_read.headers["cache-control"] == "private, no-store"


def _account(html: str) -> str | None:
    """The name the page header greets, None when it offers to sign in."""
    match = re.search(r'class="account-name".*?<strong>([^<]*)</strong>', html, re.S)
    return match.group(1) if match else None


def test_each_visitor_gets_their_own_csrf_token_from_a_kept_page(client: TestClient) -> None:
    tokens = set()
    first_minute = _minute()
    for _ in range(3):
        visitor = TestClient(client.app, follow_redirects=False)
        page = visitor.get(f"/sites/{SITE}")
        token = csrf(page.text)
        assert visitor.cookies["redres_csrf"] == token
        assert page.headers["cache-control"] == "private, no-store"
        assert "etag" not in page.headers
        tokens.add(token)
        again = visitor.get(f"/sites/{SITE}")  # the cookie's token, not a new one
        assert csrf(again.text) == token
        sent = visitor.post(
            f"/sites/{SITE}/feedback", data={"rating": "5", "comment": "好", "csrf": token}
        )
        assert sent.status_code == 303, sent.text
    assert len(tokens) == 3
    turns = _minute() - first_minute  # a copy serves its minute: a turn costs one build
    assert _kept(client)[0] >= 3 - turns  # served from the kept page, token filled in


def _minute() -> int:
    """The minute a kept page serves (as `redres.api.page_cache` counts them)."""
    return int(time.time() // 60)


def test_the_bound_counts_each_answer_beyond_its_body() -> None:
    """Many small answers must not hold several times `REDRES_PAGE_CACHE_MB` in keys and headers."""
    cache = PageCache(max_bytes=10 * (ENTRY_OVERHEAD + 100))
    for n in range(50):
        cache.put(("GET", f"/api/sites?q={n}"), Entry(200, (), b"x" * 100, None, False, 0))
    assert len(cache) == 10
    assert cache.get(("GET", "/api/sites?q=49")) is not None  # the latest kept
    assert cache.get(("GET", "/api/sites?q=39")) is None  # the oldest out
