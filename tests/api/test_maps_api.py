"""Map pages served by the app: sites, themes, districts, routes, the data feed and embeds."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from tests.api.conftest import MakeClient
from tests.factories import add_toy_sites

# On both engines in every run: map data and tiles are different SQL on each engine.
pytestmark = pytest.mark.both_engines

HOSTILE = "<img src=x onerror=alert(1)>"
ROUTE = "hankou-1927-great-revolution-walk"


@pytest.fixture
def toy(engine: Engine, session: Session, make_client: MakeClient) -> TestClient:
    """An app on the toy catalogue plus a published hostile name and a draft."""
    add_toy_sites(session)
    create_site(
        session,
        SiteCreate(name=HOSTILE, category="other", lon=114.3, lat=30.6, status=Status.published),
    )
    create_site(session, SiteCreate(name="草稿站点", category="other", lon=114.3, lat=30.6))
    session.commit()
    return make_client(engine)


def test_sites_page_is_small_local_and_fetches_its_data(demo: TestClient) -> None:
    r = demo.get("/maps/sites.html")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert not re.search(r'<(script|link)[^>]+(src|href)="https?://', r.text)
    assert 'url: "sites.json"' in r.text
    assert len(r.text) < 30_000
    for path in re.findall(r'(?:src|href)="(/static/vendor/[^"]+)"', r.text):
        assert demo.get(path).status_code == 200, path


def test_sites_data_has_every_published_located_site(demo: TestClient) -> None:
    r = demo.get("/maps/sites.json", params={"date": "2026-12-01"})
    data = r.json()
    assert r.status_code == 200
    assert len(data["sites"]) > 20
    assert {t[0] for t in data["themes"]} >= {"great-revolution"}
    assert any(row[9] for row in data["sites"]), "story excerpts reach the popups"
    assert "2026-12-01" in data["labels"]["hours"]


def test_sites_data_is_gzipped_and_revalidated(demo: TestClient) -> None:
    r = demo.get("/maps/sites.json", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    etag = r.headers["etag"]
    again = demo.get("/maps/sites.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    raw = demo.get("/maps/sites.json", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert len(gzip.compress(raw.content)) < len(raw.content) / 2


def test_theme_page_and_unknown_theme(demo: TestClient) -> None:
    page = demo.get("/maps/themes/great-revolution.html")
    assert page.status_code == 200
    assert "../sites.json?theme=great-revolution" in page.text
    themed = demo.get("/maps/sites.json", params={"theme": "great-revolution"}).json()
    everything = demo.get("/maps/sites.json").json()
    assert 0 < len(themed["sites"]) < len(everything["sites"])
    assert themed["themes"] == []
    missing = demo.get("/maps/themes/no-such-theme.html")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "theme 'no-such-theme' not found"}


def test_route_page_png_and_unknown_route(demo: TestClient) -> None:
    page = demo.get(f"/maps/routes/{ROUTE}.html")
    assert page.status_code == 200
    assert page.text.count("L.marker(") >= 4
    png = demo.get(f"/maps/routes/{ROUTE}.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert demo.get("/maps/routes/nope.html").status_code == 404


def test_districts_page(demo: TestClient) -> None:
    r = demo.get("/maps/districts.html")
    assert r.status_code == 200
    assert r.text.count("L.circleMarker(") >= 3


def test_basemap_choice_and_refusal(demo: TestClient) -> None:
    amap = demo.get("/maps/sites.html", params={"basemap": "amap"})
    assert 'primary: "gcj02"' in amap.text
    refused = demo.get("/maps/sites.html", params={"basemap": "tianditu"})
    assert refused.status_code == 422


def test_embed_snippet(demo: TestClient) -> None:
    r = demo.get("/maps/embed", params={"src": "/maps/themes/great-revolution.html", "height": 400})
    assert r.text.startswith(
        '<iframe src="http://127.0.0.1:8000/maps/themes/great-revolution.html"'
    )
    assert 'height="400"' in r.text
    for bad in ("//evil.example/x", "https://evil.example/", "/maps/../api/sites", "/api/sites"):
        assert demo.get("/maps/embed", params={"src": bad}).status_code == 422, bad


def test_anonymous_readers_get_published_sites_with_names_as_data(toy: TestClient) -> None:
    body = toy.get("/maps/sites.json").text
    assert "草稿站点" not in body
    names = [row[4] for row in toy.get("/maps/sites.json").json()["sites"]]
    assert HOSTILE in names  # as JSON text; the page writes it with textContent
    assert "<img" not in toy.get("/maps/sites.html").text


def test_a_renamed_theme_shows_at_once_in_the_map_data(toy: TestClient, session: Session) -> None:
    create_user(session, "ed", "correct horse battery", Role.editor)
    session.commit()
    token = toy.post(
        "/api/auth/token", data={"username": "ed", "password": "correct horse battery"}
    )
    editor = {"Authorization": f"Bearer {token.json()['access_token']}"}
    before = toy.get("/maps/sites.json")
    assert ["great-revolution", "大革命"] in before.json()["themes"]
    assert before.headers["cache-control"] == "public, no-cache"  # browsers revalidate each time
    staff = toy.get("/maps/sites.json", headers=editor)
    assert staff.headers["cache-control"] == "private, no-cache"  # drafts stay out of proxies
    assert "草稿站点" in staff.text
    assert "草稿站点" not in before.text
    r = toy.patch("/api/themes/great-revolution", json={"name": "大革命时期"}, headers=editor)
    assert r.status_code == 200
    after = toy.get("/maps/sites.json", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200  # not 304: the browser's copy is stale
    assert after.headers["etag"] != before.headers["etag"]
    assert ["great-revolution", "大革命时期"] in after.json()["themes"]


def test_caching_doc_says_the_header_sites_json_sends(demo: TestClient) -> None:
    """docs/dev/caching.md names the Cache-Control of `/maps/sites.json`: the one it is sent
    with (an editor's map edits show at once because it is revalidated, not kept 5 minutes)."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "dev" / "caching.md").read_text()
    said = re.findall(r"`/maps/sites\.json` `([^`]+)`", " ".join(doc.split()))
    sent = demo.get("/maps/sites.json").headers["cache-control"]
    assert said == [sent]
