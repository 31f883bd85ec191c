"""A 2xx (or a form's redirect) means committed: the change is visible to another connection
at the moment the response starts, on every kind of write path."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel

from redres.api.app import create_app
from redres.api.middleware import ASGIApp, Message, Receive, Scope, Send
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api.forms import PASSWORD, bearer, csrf, sign_in
from tests.factories import add_themes

# On both engines in every run: what a 2xx commits, on each engine.
pytestmark = pytest.mark.both_engines

WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})


def fingerprint(engine: Engine) -> str:
    """A digest of every row of every table, read on a connection of its own."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "searchterm":  # on SQLite the terms live in FTS5
                continue
            rows = conn.execute(text(f'SELECT * FROM "{table.name}"')).all()
            digest.update(f"{table.name}:{sorted(map(repr, rows))}".encode())
    return digest.hexdigest()


class SeenAtResponseStart:
    """ASGI wrapper: the database's fingerprint at the moment each write's response starts."""

    def __init__(self, app: ASGIApp, engine: Engine) -> None:
        self.app = app
        self.engine = engine
        self.seen: list[tuple[int, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def probe(message: Message) -> None:
            if message["type"] == "http.response.start" and scope.get("method") in WRITES:
                self.seen.append((message["status"], fingerprint(self.engine)))
            await send(message)

        await self.app(scope, receive, probe)


@pytest.fixture
def probed(engine: Engine, session: Session) -> Iterator[tuple[TestClient, SeenAtResponseStart]]:
    add_themes(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()
    probe = SeenAtResponseStart(create_app(Settings(), engine=engine), engine)
    with TestClient(probe, follow_redirects=False) as client:  # type: ignore[arg-type]
        yield client, probe


SITE = {"name": "施洋烈士墓", "category": "martyrs_cemetery", "lon": 114.33583, "lat": 30.53972}
CSV = "名称,类别,经度,纬度\n毛泽东同志旧居,former_residence,114.29291,30.5534\n"


def test_every_write_is_committed_before_its_response_starts(
    probed: tuple[TestClient, SeenAtResponseStart], engine: Engine
) -> None:
    client, probe = probed
    steps: list[tuple[str, Callable[[], Any]]] = []
    editor: dict[str, str] = {}
    teacher: dict[str, str] = {}

    def token() -> None:
        editor.update(bearer(client, "editor"))
        teacher.update(bearer(client, "teacher"))

    route: dict[str, str] = {}

    def new_route() -> Any:
        body = {"name": "武昌一日", "days": [[{"site": "shi-yang"}]]}
        r = client.post("/api/routes", json=body, headers=teacher)
        route["slug"] = r.json()["properties"]["slug"]
        return r

    steps = [
        ("api token", token),
        (
            "create site",
            lambda: client.post("/api/sites", json=SITE | {"slug": "shi-yang"}, headers=editor),
        ),
        (
            "patch site",
            lambda: client.patch("/api/sites/shi-yang", json={"address": "洪山"}, headers=editor),
        ),
        (
            "publish site",
            lambda: client.patch(
                "/api/sites/shi-yang", json={"status": "published"}, headers=editor
            ),
        ),
        (
            "theme",
            lambda: client.post(
                "/api/themes", json={"slug": "flood", "name": "抗洪"}, headers=editor
            ),
        ),
        (
            "story",
            lambda: client.post(
                "/api/stories",
                json={"title": "施洋", "body": "律师", "sites": ["shi-yang"]},
                headers=editor,
            ),
        ),
        (
            "feedback",
            lambda: client.post(
                "/api/feedback", json={"target": "site", "slug": "shi-yang", "rating": 5}
            ),
        ),
        ("teacher route", new_route),
        ("share route", lambda: client.post(f"/api/routes/{route['slug']}/share", headers=teacher)),
        (
            "revoke share",
            lambda: client.delete(f"/api/routes/{route['slug']}/share", headers=teacher),
        ),
        (
            "import",
            lambda: client.post(
                "/api/import", files={"file": ("s.csv", CSV.encode(), "text/csv")}, headers=editor
            ),
        ),
        ("archive site", lambda: client.delete("/api/sites/shi-yang", headers=editor)),
        ("sign out token", lambda: client.post("/api/auth/logout", headers=editor)),
    ]
    for name, step in steps:
        before = fingerprint(engine)
        probe.seen.clear()
        r = step()
        assert r is None or r.status_code < 300, (name, r.status_code, r.text)
        assert probe.seen, name
        status, at_start = probe.seen[-1]
        assert status < 300
        assert at_start != before, f"{name}: answered {status} before the change was committed"


def test_page_forms_commit_before_they_redirect(
    probed: tuple[TestClient, SeenAtResponseStart], engine: Engine
) -> None:
    client, probe = probed
    before = fingerprint(engine)
    sign_in(client, "editor")  # the sign-in writes the page session
    assert probe.seen[-1][0] == 303
    assert probe.seen[-1][1] != before

    form = client.get("/editor/sites/new").text
    before = fingerprint(engine)
    data = {"csrf": csrf(form), "name": "施洋烈士墓", "category": "martyrs_cemetery"}
    r = client.post("/editor/sites/new", data=data | {"lon": "114.33583", "lat": "30.53972"})
    assert r.status_code == 303, r.text
    assert probe.seen[-1][1] != before

    before = fingerprint(engine)
    r = client.post("/logout", data={"csrf": csrf(client.get("/editor").text)})
    assert r.status_code == 303
    assert probe.seen[-1][1] != before, "sign-out answered before the session was revoked"
