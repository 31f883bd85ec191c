"""Editors write the registry through the API; everyone else is refused, and every change is audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_themes


@pytest.fixture
def catalogue(session: Session) -> None:
    """An editor, a teacher and two themes."""
    add_themes(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


NEW_SITE = {
    "name": "施洋烈士墓",
    "category": "martyrs_cemetery",
    "lon": 114.33583,
    "lat": 30.53972,
    "themes": {"martyrs": 1.0},
}


def test_login_refuses_a_wrong_password(client: TestClient) -> None:
    r = client.post("/api/auth/token", data={"username": "editor", "password": "nope-nope-nope"})
    assert r.status_code == 401
    assert r.json()["detail"] == "incorrect username or password"


def test_editor_creates_a_draft_that_only_staff_can_see(client: TestClient) -> None:
    editor = bearer(client, "editor")
    r = client.post("/api/sites", json=NEW_SITE, headers=editor)
    assert r.status_code == 201, r.text
    slug = r.json()["properties"]["slug"]
    assert r.json()["properties"]["status"] == "draft"
    assert client.get(f"/api/sites/{slug}").status_code == 404
    assert client.get(f"/api/sites/{slug}", headers=editor).status_code == 200
    assert client.get("/api/sites").json()["total"] == 0
    assert client.get("/api/sites", headers=editor).json()["total"] == 1


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("teacher", 403)])
def test_others_cannot_write(client: TestClient, who: str | None, code: int) -> None:
    headers = bearer(client, who) if who else {}
    assert client.post("/api/sites", json=NEW_SITE, headers=headers).status_code == code
    editor = bearer(client, "editor")
    slug = client.post("/api/sites", json=NEW_SITE, headers=editor).json()["properties"]["slug"]
    assert (
        client.patch(f"/api/sites/{slug}", json={"district": "x"}, headers=headers).status_code
        == code
    )
    assert client.delete(f"/api/sites/{slug}", headers=headers).status_code == code
    assert client.get(f"/api/sites/{slug}/history", headers=headers).status_code == code


def test_bad_token_is_401_not_anonymous(client: TestClient) -> None:
    r = client.get("/api/sites", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_publish_edit_archive_restore_with_history(client: TestClient) -> None:
    editor = bearer(client, "editor")
    slug = client.post("/api/sites", json=NEW_SITE, headers=editor).json()["properties"]["slug"]
    r = client.patch(
        f"/api/sites/{slug}", json={"status": "published", "district": "洪山区"}, headers=editor
    )
    assert r.status_code == 200
    assert r.json()["properties"]["district"] == "洪山区"
    assert client.get(f"/api/sites/{slug}").status_code == 200  # public now
    assert (
        client.delete(f"/api/sites/{slug}", headers=editor).json()["properties"]["status"]
        == "archived"
    )
    assert client.get(f"/api/sites/{slug}").status_code == 404
    conflict = client.patch(f"/api/sites/{slug}", json={"district": "y"}, headers=editor)
    assert conflict.status_code == 409
    restored = client.patch(f"/api/sites/{slug}", json={"status": "draft"}, headers=editor)
    assert restored.json()["properties"]["status"] == "draft"
    entries = client.get(f"/api/sites/{slug}/history", headers=editor).json()["entries"]
    assert [e["action"] for e in entries] == ["create", "update", "publish", "archive", "restore"]
    assert {e["actor"] for e in entries} == {"editor"}
    assert entries[1]["before"] == {"district": None}
    assert entries[1]["after"] == {"district": "洪山区"}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "category": "museum", "lon": 200, "lat": 30},
        {"name": "", "category": "museum"},
        {"name": "x", "category": "temple"},
        {"name": "x", "category": "museum", "opening_hours": "Mo-Xx 09:00-17:00"},
        {"name": "x", "category": "museum", "unknown_field": 1},
        {"name": "x", "category": "museum", "themes": {"nosuch": 1.0}},
    ],
)
def test_invalid_sites_are_refused(client: TestClient, body: dict[str, object]) -> None:
    r = client.post("/api/sites", json=body, headers=bearer(client, "editor"))
    assert r.status_code in (409, 422)
    assert "detail" in r.json()
    assert client.get("/api/sites", headers=bearer(client, "editor")).json()["total"] == 0


def test_duplicate_code_is_409(client: TestClient) -> None:
    editor = bearer(client, "editor")
    body = {**NEW_SITE, "code": "WH14"}
    assert client.post("/api/sites", json=body, headers=editor).status_code == 201
    r = client.post("/api/sites", json={**body, "name": "另一处"}, headers=editor)
    assert r.status_code == 409
    assert "WH14" in r.json()["detail"]


def test_logout_revokes_the_token(client: TestClient) -> None:
    editor = bearer(client, "editor")
    assert client.post("/api/auth/logout", headers=editor).status_code == 204
    assert client.get("/api/sites", headers=editor).status_code == 401


def test_restore_a_version_through_the_api(client: TestClient) -> None:
    editor = bearer(client, "editor")
    slug = client.post("/api/sites", json=NEW_SITE, headers=editor).json()["properties"]["slug"]
    client.patch(f"/api/sites/{slug}", json={"district": "洪山区"}, headers=editor)
    entries = client.get(f"/api/sites/{slug}/history", headers=editor).json()["entries"]
    created = entries[0]["id"]
    assert client.post(f"/api/sites/{slug}/history/{created}/restore").status_code == 401
    r = client.post(f"/api/sites/{slug}/history/{created}/restore", headers=editor)
    assert r.status_code == 200
    assert r.json()["properties"]["district"] is None
    assert (
        client.post(f"/api/sites/{slug}/history/999999/restore", headers=editor).status_code == 404
    )


def test_summary_is_written_and_read_back_in_both_languages(client: TestClient) -> None:
    editor = bearer(client, "editor")
    body = NEW_SITE | {"summary": "施洋烈士长眠于此。", "summary_en": "Resting place of Shi Yang."}
    slug = client.post("/api/sites", json=body, headers=editor).json()["properties"]["slug"]
    props = client.get(f"/api/sites/{slug}", headers=editor).json()["properties"]
    assert (props["summary"], props["summary_en"]) == (body["summary"], body["summary_en"])
    too_long = client.patch(f"/api/sites/{slug}", json={"summary": "长" * 2001}, headers=editor)
    assert too_long.status_code == 422


@pytest.mark.parametrize("text", ["a\u0000b", "bell\u0007", "esc\u001b[31m"])
def test_control_characters_are_422_on_every_engine(client: TestClient, text: str) -> None:
    editor = bearer(client, "editor")
    for body in (NEW_SITE | {"name": text}, NEW_SITE | {"aliases": ["ok", text]}):
        r = client.post("/api/sites", json=body, headers=editor)
        assert r.status_code == 422, r.text
    route = {"name": text, "days": [[{"site": "any-site"}]]}
    assert client.post("/api/routes", json=route, headers=editor).status_code == 422
    note = {"name": "ok", "days": [[{"site": "any-site", "note": text}]]}
    assert client.post("/api/routes", json=note, headers=editor).status_code == 422
    fine = client.post("/api/sites", json=NEW_SITE | {"address": "一行\n二行\t!"}, headers=editor)
    assert fine.status_code == 201
