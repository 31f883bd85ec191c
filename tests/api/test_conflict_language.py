"""A 409 (a taken slug or code, an archived record, a second answer) is said in the reader's
language, Chinese first, with the English beside it (`detail`, `detail_en`)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_themes

SITE = {"name": "施洋烈士墓", "category": "martyrs_cemetery", "code": "WH14"}
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def catalogue(session: Session) -> None:
    add_themes(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


def test_a_taken_theme_slug_is_said_in_chinese_then_english(client: TestClient) -> None:
    editor = bearer(client, "editor")
    body = {"slug": "flood-fighting", "name": "抗洪精神"}
    assert client.post("/api/themes", json=body, headers=editor).status_code == 201
    r = client.post("/api/themes", json=body, headers=editor)
    assert r.status_code == 409
    assert r.json() == {
        "detail": "主题网址标识“flood-fighting”已被使用",
        "detail_en": "theme slug 'flood-fighting' is already used",
    }
    en = client.post("/api/themes", json=body, headers=editor | ENGLISH)
    assert en.json()["detail"] == en.json()["detail_en"] == r.json()["detail_en"]


def test_a_taken_code_and_an_archived_site_are_said_in_chinese(client: TestClient) -> None:
    editor = bearer(client, "editor")
    slug = client.post("/api/sites", json=SITE, headers=editor).json()["properties"]["slug"]
    r = client.post("/api/sites", json={**SITE, "name": "另一处"}, headers=editor)
    assert r.status_code == 409
    assert "WH14" in r.json()["detail"]
    assert "已被" in r.json()["detail"]
    assert r.json()["detail_en"].startswith("the registry code 'WH14' is already used")
    assert client.delete(f"/api/sites/{slug}", headers=editor).status_code == 200
    archived = client.patch(f"/api/sites/{slug}", json={"district": "洪山区"}, headers=editor)
    assert archived.status_code == 409
    assert archived.json()["detail"].startswith(f"地点“{slug}”已归档")
    assert "is archived; restore it first" in archived.json()["detail_en"]


def test_a_route_through_an_unknown_site_is_said_in_the_readers_language(
    client: TestClient,
) -> None:
    editor = bearer(client, "editor")
    body = {"name": "线路", "days": [[{"site": "no-such-hall"}]]}
    r = client.post("/api/routes", json=body, headers=editor)
    assert r.status_code == 409
    assert r.json() == {
        "detail": "站点“no-such-hall”不存在",
        "detail_en": "unknown site 'no-such-hall'",
    }
