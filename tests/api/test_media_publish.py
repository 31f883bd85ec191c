"""A public record's media say who made them: publishing waits for every credit and licence."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api import media_samples as samples
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_themes

SITE = {"name": "施洋烈士墓", "category": "martyrs_cemetery", "lon": 114.33583, "lat": 30.53972}


@pytest.fixture
def catalogue(session: Session) -> None:
    add_themes(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", media_dir=tmp_path / "media")


@pytest.fixture
def editor(client: TestClient) -> dict[str, str]:
    return bearer(client, "editor")


def _upload(client: TestClient, path: str, headers: dict[str, str], **fields: str) -> dict:
    r = client.post(
        path,
        files={"file": ("p.jpg", samples.jpeg_with_gps(), "image/jpeg")},
        data=fields,
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_a_draft_takes_photos_without_credit_but_will_not_publish_until_filled(
    client: TestClient, editor: dict[str, str]
) -> None:
    slug = client.post("/api/sites", json=SITE, headers=editor).json()["properties"]["slug"]
    done = _upload(
        client,
        f"/api/sites/{slug}/media",
        editor,
        caption="正门",
        credit="市文旅局",
        licence="CC-BY-4.0",
    )
    bare = _upload(client, f"/api/sites/{slug}/media", editor, caption="石阶")
    half = _upload(client, f"/api/sites/{slug}/media", editor, caption="碑文", credit="王某")
    assert (bare["credit"], bare["licence"]) == (None, None)
    assert [done["position"], bare["position"], half["position"]] == [0, 1, 2]
    # the photo's GPS is offered to the editor as a hint (30°32'41"N 114°17'5"E), then dropped
    assert bare["location_hint"] == pytest.approx({"lat": 30.544722, "lon": 114.284722})

    r = client.patch(f"/api/sites/{slug}", json={"status": "published"}, headers=editor)
    assert r.status_code == 422
    said = r.json()["detail"]
    assert said.startswith("无法发布")
    assert f"#{bare['id']}“石阶”（缺署名、许可协议）" in said
    assert f"#{half['id']}“碑文”（缺许可协议）" in said
    assert f"#{done['id']}" not in said
    assert "石阶" in r.json()["detail_en"]
    r = client.patch(
        f"/api/sites/{slug}",
        json={"status": "published"},
        headers={**editor, "Accept-Language": "en"},
    )
    assert r.json()["detail"].startswith("cannot publish")
    assert (
        client.get(f"/api/sites/{slug}", headers=editor).json()["properties"]["status"] == "draft"
    )

    # archived media do not hold the record back; filled-in ones let it through
    assert client.delete(f"/api/media/{bare['id']}", headers=editor).status_code == 200
    r = client.patch(f"/api/media/{half['id']}", json={"licence": "CC0-1.0"}, headers=editor)
    assert r.status_code == 200, r.text
    r = client.patch(f"/api/sites/{slug}", json={"status": "published"}, headers=editor)
    assert r.status_code == 200, r.text

    # once public, its media cannot lose their credit, and new ones need both
    r = client.patch(f"/api/media/{half['id']}", json={"credit": None}, headers=editor)
    assert r.status_code == 422
    assert "署名" in r.json()["detail"]
    r = client.post(
        f"/api/sites/{slug}/media",
        files={"file": ("p.jpg", samples.jpeg_with_gps(), "image/jpeg")},
        data={"caption": "夜景", "credit": "王某"},
        headers=editor,
    )
    assert r.status_code == 422
    assert "许可协议" in r.json()["detail"]


def test_order_and_a_single_cover(client: TestClient, editor: dict[str, str]) -> None:
    slug = client.post("/api/sites", json=SITE, headers=editor).json()["properties"]["slug"]
    url = f"/api/sites/{slug}/media"
    fields = {"credit": "市文旅局", "licence": "CC-BY-4.0"}
    a = _upload(client, url, editor, caption="甲", is_cover="on", **fields)
    b = _upload(client, url, editor, caption="乙", **fields)
    assert a["is_cover"]
    assert not b["is_cover"]
    r = client.patch(
        f"/api/media/{b['id']}", json={"is_cover": True, "position": 0}, headers=editor
    )
    assert r.status_code == 200, r.text
    client.patch(f"/api/media/{a['id']}", json={"position": 5}, headers=editor)
    listed = client.get(f"/api/sites/{slug}/media", headers=editor).json()["media"]
    assert [(m["caption"], m["is_cover"]) for m in listed] == [("乙", True), ("甲", False)]
    assert (
        client.patch(f"/api/media/{a['id']}", json={"position": -1}, headers=editor).status_code
        == 422
    )
    assert (
        client.patch(f"/api/media/{a['id']}", json={"caption": None}, headers=editor).status_code
        == 422
    )


def test_stories_and_routes_wait_for_credits_too(
    client: TestClient, editor: dict[str, str]
) -> None:
    site = client.post("/api/sites", json={**SITE, "status": "published"}, headers=editor).json()
    site_slug = site["properties"]["slug"]
    story = client.post(
        "/api/stories", json={"title": "施洋的故事", "sites": [site_slug]}, headers=editor
    )
    assert story.status_code == 201, story.text
    sslug = story.json()["slug"]
    _upload(client, f"/api/stories/{sslug}/media", editor, caption="旧照")
    r = client.patch(f"/api/stories/{sslug}", json={"status": "published"}, headers=editor)
    assert r.status_code == 422
    assert "旧照" in r.json()["detail"]

    route = client.post(
        "/api/routes", json={"name": "施洋线", "days": [[{"site": site_slug}]]}, headers=editor
    )
    assert route.status_code == 201, route.text
    rslug = route.json()["properties"]["slug"]
    stop = _upload(client, f"/api/routes/{rslug}/media", editor, caption="讲解", stop=site_slug)
    assert stop["stop_site_id"] == site["id"]
    r = client.post(
        f"/api/routes/{rslug}/media",
        files={"file": ("p.jpg", samples.jpeg_with_gps(), "image/jpeg")},
        data={"caption": "x", "stop": "no-such-site"},
        headers=editor,
    )
    assert r.status_code == 422
    r = client.post(f"/api/routes/{rslug}/publish", headers=editor)
    assert r.status_code == 422
    assert "讲解" in r.json()["detail"]
    client.patch(
        f"/api/media/{stop['id']}",
        json={"credit": "馆方", "licence": "public-domain"},
        headers=editor,
    )
    assert client.post(f"/api/routes/{rslug}/publish", headers=editor).status_code == 200


def test_people_and_events_are_public_so_take_credited_media_only(
    client: TestClient, editor: dict[str, str]
) -> None:
    person = client.post("/api/people", json={"name": "施洋"}, headers=editor).json()["slug"]
    r = client.post(
        f"/api/people/{person}/media",
        files={"file": ("p.jpg", samples.jpeg_with_gps(), "image/jpeg")},
        data={"caption": "肖像"},
        headers=editor,
    )
    assert r.status_code == 422
    assert "署名" in r.json()["detail"]
