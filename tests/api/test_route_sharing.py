"""Routes over the API: teachers own and share theirs, editors publish, every change is audited."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_toy_sites


@dataclass
class World:
    client: TestClient
    slugs: list[str]
    teacher: dict[str, str]
    other: dict[str, str]
    editor: dict[str, str]


@pytest.fixture
def world(engine: Engine, session: Session, make_client: MakeClient) -> World:
    """Toy sites, two teachers and an editor, each with a bearer token."""
    sites = add_toy_sites(session)
    for name, role in [("t1", Role.teacher), ("t2", Role.teacher), ("ed", Role.editor)]:
        create_user(session, name, PASSWORD, role)
    session.commit()
    settings = Settings(database_url="sqlite://", secret_key="s" * 40)
    c = make_client(engine, settings, follow_redirects=False)
    located = [s.slug for s in sites if s.lon is not None]
    return World(c, located, bearer(c, "t1"), bearer(c, "t2"), bearer(c, "ed"))


def _new_route(w: World, name: str = "我的半日行") -> dict[str, object]:
    body = {
        "name": name,
        "mode": "walk",
        "theme": "great-revolution",
        "days": [[{"site": w.slugs[0], "note": "讲会议经过"}, {"site": w.slugs[1]}]],
    }
    r = w.client.post("/api/routes", json=body, headers=w.teacher)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_teachers_draft_is_theirs_alone_until_published(world: World) -> None:
    w = world
    route = _new_route(w)
    slug = route["properties"]["slug"]  # type: ignore[index]
    assert route["properties"]["status"] == "draft"  # type: ignore[index]
    assert [f["properties"]["note"] for f in route["features"]] == ["讲会议经过", None]  # type: ignore[index]
    assert w.client.get(f"/api/routes/{slug}").status_code == 404
    assert w.client.get(f"/api/routes/{slug}", headers=w.other).status_code == 404
    assert w.client.get(f"/api/routes/{slug}", headers=w.teacher).status_code == 200
    assert w.client.get(f"/api/routes/{slug}", headers=w.editor).status_code == 200
    mine = w.client.get("/api/routes", params={"mine": True}, headers=w.teacher).json()
    assert [r["slug"] for r in mine["data"]] == [slug]
    assert mine["data"][0]["owned"] is True
    assert w.client.get("/api/routes", params={"mine": True}, headers=w.other).json()["total"] == 0
    assert w.client.get("/api/routes", params={"mine": True}).status_code == 401
    assert slug not in {r["slug"] for r in w.client.get("/api/routes").json()["data"]}


def test_owner_edits_until_an_editor_publishes(world: World) -> None:
    w = world
    slug = _new_route(w)["properties"]["slug"]  # type: ignore[index]
    patch = {"name": "改过的名字", "days": [[{"site": w.slugs[2]}], [{"site": w.slugs[0]}]]}
    r = w.client.patch(f"/api/routes/{slug}", json=patch, headers=w.teacher)
    assert r.status_code == 200, r.text
    assert r.json()["properties"]["name"] == "改过的名字"
    assert r.json()["properties"]["days"] == 2
    assert r.json()["properties"]["theme"]["slug"] == "great-revolution"  # untouched
    assert w.client.patch(f"/api/routes/{slug}", json=patch, headers=w.other).status_code == 404
    assert w.client.patch(f"/api/routes/{slug}", json=patch).status_code == 401
    assert w.client.post(f"/api/routes/{slug}/publish", headers=w.teacher).status_code == 403
    assert w.client.post(f"/api/routes/{slug}/publish", headers=w.editor).status_code == 200
    assert w.client.get(f"/api/routes/{slug}").json()["properties"]["status"] == "published"
    refused = w.client.patch(f"/api/routes/{slug}", json={"name": "x"}, headers=w.teacher)
    assert refused.status_code == 403
    assert (
        w.client.patch(f"/api/routes/{slug}", json={"name": "y"}, headers=w.editor).status_code
        == 200
    )
    assert w.client.post(f"/api/routes/{slug}/unpublish", headers=w.editor).status_code == 200
    assert w.client.get(f"/api/routes/{slug}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "days": [[{"site": "a"}]]},
        {"name": "x", "days": []},
        {"name": "x", "days": [[]]},
        {"name": "x", "days": [[{"site": "Not A Slug"}]]},
        {"name": "x", "days": [[{"site": "a"}]], "owner_id": 1},
        {"name": "x" * 201, "days": [[{"site": "a"}]]},
        {"name": "x", "mode": "rocket", "days": [[{"site": "a"}]]},
    ],
)
def test_bad_route_bodies_are_422(world: World, body: dict[str, object]) -> None:
    r = world.client.post("/api/routes", json=body, headers=world.teacher)
    assert r.status_code == 422
    assert "detail" in r.json()


def test_unknown_sites_or_themes_are_409_and_write_nothing(world: World) -> None:
    w = world
    for body in (
        {"name": "坏", "days": [[{"site": "no-such-site"}]]},
        {"name": "坏", "theme": "no-such-theme", "days": [[{"site": w.slugs[0]}]]},
    ):
        assert w.client.post("/api/routes", json=body, headers=w.teacher).status_code == 409
    assert (
        w.client.get("/api/routes", params={"mine": True}, headers=w.teacher).json()["total"] == 0
    )


def test_share_link_lets_anyone_read_that_route_until_revoked(world: World) -> None:
    w = world
    slug = _new_route(w)["properties"]["slug"]  # type: ignore[index]
    assert w.client.post(f"/api/routes/{slug}/share", headers=w.other).status_code == 404
    shared = w.client.post(f"/api/routes/{slug}/share", headers=w.teacher).json()
    token = shared["token"]
    assert len(token) >= 22
    again = w.client.post(f"/api/routes/{slug}/share", headers=w.teacher).json()
    assert again["token"] == token  # sharing twice keeps the link
    api = w.client.get(f"/api/routes/shared/{token}")
    assert api.status_code == 200
    assert api.json()["properties"]["slug"] == slug
    assert api.headers["x-robots-tag"] == "noindex"
    assert api.headers["cache-control"].startswith("private")
    page = w.client.get(shared["url"])
    assert page.status_code == 200
    assert "noindex" in page.headers["x-robots-tag"]
    assert f"share={token}" in page.text  # map and downloads carry the link
    gpx = w.client.get(f"/api/routes/{slug}.gpx", params={"date": "2025-06-10", "share": token})
    assert gpx.status_code == 200
    ET.fromstring(gpx.content)
    assert w.client.get(f"/maps/routes/{slug}.html", params={"share": token}).status_code == 200
    assert w.client.get(f"/api/routes/{slug}.gpx", params={"share": "x" * 24}).status_code == 404
    assert w.client.get(f"/api/routes/{slug}.gpx").status_code == 404
    assert w.client.delete(f"/api/routes/{slug}/share", headers=w.teacher).status_code == 204
    assert w.client.get(f"/api/routes/shared/{token}").status_code == 404
    assert w.client.get(shared["url"]).status_code == 404


def test_a_share_token_opens_only_its_own_route(world: World) -> None:
    w = world
    first = _new_route(w, "一")["properties"]["slug"]  # type: ignore[index]
    second = _new_route(w, "二")["properties"]["slug"]  # type: ignore[index]
    token = w.client.post(f"/api/routes/{first}/share", headers=w.teacher).json()["token"]
    assert w.client.get(f"/api/routes/{second}.gpx", params={"share": token}).status_code == 404


def test_history_and_restore_of_a_route(world: World) -> None:
    w = world
    slug = _new_route(w, "原来的名字")["properties"]["slug"]  # type: ignore[index]
    w.client.patch(
        f"/api/routes/{slug}",
        json={"name": "新名字", "days": [[{"site": w.slugs[3]}]]},
        headers=w.teacher,
    )
    w.client.post(f"/api/routes/{slug}/share", headers=w.teacher)
    assert w.client.get(f"/api/routes/{slug}/history", headers=w.other).status_code == 404
    entries = w.client.get(f"/api/routes/{slug}/history", headers=w.teacher).json()["entries"]
    assert [e["action"] for e in entries] == ["create", "update", "share"]
    assert entries[0]["actor"] == "t1"
    assert entries[1]["before"]["name"] == "原来的名字"
    assert entries[1]["after"]["name"] == "新名字"
    restored = w.client.post(
        f"/api/routes/{slug}/history/{entries[0]['id']}/restore", headers=w.teacher
    )
    assert restored.status_code == 200, restored.text
    props = restored.json()["properties"]
    assert props["name"] == "原来的名字"
    assert [f["properties"]["slug"] for f in restored.json()["features"]] == w.slugs[:2]
    assert props["status"] == "draft"
    actions = [
        e["action"]
        for e in w.client.get(f"/api/routes/{slug}/history", headers=w.editor).json()["entries"]
    ]
    assert actions[-1] == "revert"
    missing = w.client.post(f"/api/routes/{slug}/history/999999/restore", headers=w.teacher)
    assert missing.status_code == 404


def test_archive_by_owner_hides_the_route_and_its_link(world: World) -> None:
    w = world
    slug = _new_route(w)["properties"]["slug"]  # type: ignore[index]
    token = w.client.post(f"/api/routes/{slug}/share", headers=w.teacher).json()["token"]
    assert w.client.delete(f"/api/routes/{slug}", headers=w.other).status_code == 404
    archived = w.client.delete(f"/api/routes/{slug}", headers=w.teacher)
    assert archived.status_code == 200
    assert archived.json()["properties"]["status"] == "archived"
    assert w.client.get(f"/api/routes/shared/{token}").status_code == 404


def test_my_routes_page_shares_with_csrf(world: World) -> None:
    w = world
    c = w.client
    assert c.get("/plan/mine").headers["location"] == "/login?next=/plan/mine"
    slug = _new_route(w, "<script>alert(1)</script>")["properties"]["slug"]  # type: ignore[index]
    form = c.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    assert csrf
    c.post("/login", data={"username": "t1", "password": PASSWORD, "csrf": csrf.group(1)})
    page = c.get("/plan/mine")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    assert c.post(f"/plan/mine/{slug}/share", data={"csrf": "forged"}).status_code == 403
    done = c.post(f"/plan/mine/{slug}/share", data={"csrf": token.group(1)})
    assert done.status_code == 303
    listed = c.get("/plan/mine").text
    link = re.search(r"/routes/shared/([A-Za-z0-9_-]+)", listed)
    assert link
    assert c.get(f"/routes/shared/{link.group(1)}").status_code == 200
    assert c.get(f"/routes/{slug}").status_code == 200  # the owner's own draft page
    c.post(f"/plan/mine/{slug}/unshare", data={"csrf": token.group(1)})
    assert c.get(f"/routes/shared/{link.group(1)}").status_code == 404
    assert (
        c.post("/plan/mine/someone-elses/share", data={"csrf": token.group(1)}).status_code == 404
    )
