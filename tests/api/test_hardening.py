"""Hardening at the HTTP edge: body limits, security headers, login rate limits, offline docs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.ratelimit import RateLimiter
from redres.catalog.enums import Status
from redres.catalog.models import Route, RouteStop, pk
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from tests.factories import add_toy_sites

# On both engines in every run: login limits count in the database, in SQL of each engine.
pytestmark = pytest.mark.both_engines


@pytest.fixture
def app_settings() -> Settings:
    """Small limits, so the tests can cross them cheaply."""
    return Settings(database_url="sqlite://", max_body_bytes=2048, login_attempts_per_minute=3)


def test_declared_oversize_body_is_413(client: TestClient) -> None:
    r = client.post("/api/sites", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert "larger than 2048" in r.json()["detail"]


def test_streamed_oversize_body_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 1000

    r = client.post("/api/sites", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_malformed_json_is_422_without_a_trace(client: TestClient) -> None:
    r = client.post(
        "/api/auth/token", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    assert "Traceback" not in r.text


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/healthz", "/api/sites", "/api/sites/nope"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'self'" in csp
        assert "object-src 'none'" in csp


def test_login_is_rate_limited(client: TestClient) -> None:
    codes = [
        client.post("/api/auth/token", data={"username": "x", "password": "y" * 12}).status_code
        for _ in range(5)
    ]
    assert codes[:3] == [401, 401, 401]
    assert codes[3:] == [429, 429]


def test_rate_limiter_window_slides(engine: Engine) -> None:
    now = [1000.0]
    limiter = RateLimiter(engine, 2, 10.0, clock=lambda: now[0])
    assert limiter.check("a") is None
    assert limiter.check("a") is None
    assert limiter.check("a") == pytest.approx(10.0)
    assert limiter.check("b") is None  # other clients are not affected
    now[0] = 1010.5
    assert limiter.check("a") is None


def test_docs_load_no_external_assets(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/static/api/swagger-ui/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=[\"']https?://", html)
    assert client.get("/static/api/swagger-ui/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/sites?q=%00",
        "/api/sites?district=a%00",
        "/api/sites/a%00b",
        "/sites/a%00",
        "/?q=%00",
        "/api/routes/a%00",
        "/api/stories?q=a%00",
        "/api/feedback?slug=a%00",
    ],
)
def test_nul_in_the_address_is_400_not_a_database_error(client: TestClient, path: str) -> None:
    """PostgreSQL cannot compare text holding NUL; the address is refused before any query."""
    r = client.get(path)
    assert r.status_code == 400
    assert r.json() == {"detail": "the address must not contain NUL characters"}
    assert r.headers["x-content-type-options"] == "nosniff"


def test_nul_in_a_login_form_is_refused_cleanly(client: TestClient) -> None:
    r = client.post("/api/auth/token", data={"username": "a\x00b", "password": "whatever"})
    assert r.status_code in (401, 422)
    assert "detail" in r.json()


@pytest.mark.parametrize("q", ["纪%01念", "旧%7F址", "%1F", "a%01b"])
def test_control_characters_in_a_search_are_ignored(client: TestClient, q: str) -> None:
    """They are never part of a term (on SQLite they would split an FTS5 token)."""
    r = client.get(f"/api/sites?q={q}")
    assert r.status_code == 200
    assert r.json()["total"] == 0
    assert client.get(f"/?q={q}").status_code == 200


INJECTED = "<script>alert(1)</script>"


class _Scripts(HTMLParser):
    """The attributes of every ``<script>`` element the browser would see in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.tags.append(dict(attrs))


def scripts(page: str) -> list[dict[str, str | None]]:
    parser = _Scripts()
    parser.feed(page)
    return parser.tags


def script_src(response: Any) -> list[str]:
    """The sources of the script-src directive of a response's CSP."""
    directives = [d.split() for d in response.headers["content-security-policy"].split(";")]
    [sources] = [rest for name, *rest in directives if name == "script-src"]
    return sources


def nonce_of(response: Any) -> str:
    nonces = [s for s in script_src(response) if s.startswith("'nonce-")]
    assert len(nonces) == 1, script_src(response)
    return nonces[0].removeprefix("'nonce-").removesuffix("'")


@pytest.fixture
def hostile_route(session: Session) -> str:
    """A published route whose stops are a site named as a script and a toy site; its slug."""
    toy = add_toy_sites(session)
    site = create_site(
        session,
        SiteCreate(
            name=INJECTED, category="memorial_hall", lon=114.3, lat=30.6, status=Status.published
        ),
    )
    route = Route(slug="injected-walk", name=INJECTED, status=Status.published)
    session.add(route)
    session.flush()
    for i, stop in enumerate([site, toy[0]], start=1):
        session.add(RouteStop(route_id=pk(route), position=i, site_id=pk(stop), note=INJECTED))
    session.commit()
    return f"{site.slug}"


@pytest.mark.parametrize(
    "path", ["/", "/themes", "/routes", "/calendar", "/plan", "/login", "/docs", "/api/sites"]
)
def test_ordinary_pages_allow_scripts_from_this_host_only(client: TestClient, path: str) -> None:
    """No 'unsafe-inline' and no nonce: an injected inline script cannot run there."""
    r = client.get(path)
    assert r.status_code == 200
    assert script_src(r) == ["'self'"]
    assert all(s.get("src") for s in scripts(r.text)), "every script of the page is a file"


def test_map_pages_run_their_inline_scripts_under_a_fresh_nonce(
    client: TestClient, hostile_route: str
) -> None:
    seen = set()
    for path in ["/maps/sites.html", "/maps/sites.html", "/maps/routes/injected-walk.html"]:
        r = client.get(path)
        assert r.status_code == 200
        assert "'unsafe-inline'" not in script_src(r)
        nonce = nonce_of(r)
        seen.add(nonce)
        inline = [s for s in scripts(r.text) if not s.get("src")]
        assert inline, "folium's map script is inline"
        assert all(s.get("nonce") == nonce for s in inline)
        assert f'nonce="{nonce}"' in r.text
    assert len(seen) == 3, "a nonce is never reused"
    assert "nonce" not in client.get("/").headers["content-security-policy"]


def test_a_script_in_user_content_gets_no_nonce(client: TestClient, hostile_route: str) -> None:
    """The name and notes are data: escaped, never a script element, never given the nonce."""
    page = client.get("/maps/routes/injected-walk.html")
    nonce = nonce_of(page)
    assert INJECTED not in page.text
    tags = scripts(page.text)
    assert [s for s in tags if s.get("nonce")] == [{"nonce": nonce}] * 2  # folium's two
    for path in (f"/sites/{hostile_route}", "/routes/injected-walk", "/?q=alert"):
        r = client.get(path)
        assert r.status_code == 200
        assert INJECTED not in r.text
        assert "nonce" not in r.text
        assert script_src(r) == ["'self'"]
