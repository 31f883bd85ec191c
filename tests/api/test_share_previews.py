"""Share previews (Open Graph): a site with a photo previews with it, from the public address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api import media_samples as samples

PUBLIC = "https://red.example.cn"
PASSWORD = "correct horse battery"
SITE = {
    "name": "施洋烈士墓",
    "name_en": "Tomb of Martyr Shi Yang",
    "summary": "二七大罢工领导人之一施洋的墓。",
    "category": "martyrs_cemetery",
    "lon": 114.33583,
    "lat": 30.53972,
    "status": "published",
}


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", media_dir=tmp_path, public_url=PUBLIC)


@pytest.fixture
def catalogue(session: Session) -> None:
    """An editor."""
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


def _og(page: str) -> dict[str, str]:
    return dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)">', page))


def test_a_site_with_a_photo_previews_with_it(client: TestClient) -> None:
    token = client.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
    editor = {"Authorization": f"Bearer {token.json()['access_token']}"}
    slug = client.post("/api/sites", json=SITE, headers=editor).json()["properties"]["slug"]
    before = _og(client.get(f"/sites/{slug}").text)
    assert "og:image" not in before
    assert before["og:title"] == "施洋烈士墓"
    assert before["og:description"] == SITE["summary"]
    assert before["og:url"] == f"{PUBLIC}/sites/{slug}"
    r = client.post(
        f"/api/sites/{slug}/media",
        files={"file": ("photo.jpg", samples.jpeg_with_gps(), "image/jpeg")},
        data={"caption": "墓门", "credit": "文旅局", "licence": "CC-BY-4.0"},
        headers=editor,
    )
    assert r.status_code == 201, r.text
    after = _og(client.get(f"/sites/{slug}", params={"lang": "en"}).text)
    assert after["og:title"] == "Tomb of Martyr Shi Yang"
    assert "og:description" not in after  # no English summary: none, not the Chinese one
    assert after["og:image"].startswith(f"{PUBLIC}/media/")
    assert after["og:image"].endswith("/display.webp")
    assert client.get(after["og:image"].removeprefix(PUBLIC)).status_code == 200
