"""Hardening at the HTTP edge: body limits, security headers, login rate limits, offline docs."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.api.ratelimit import RateLimiter
from redres.config import Settings


@pytest.fixture
def client(engine: Engine, session: Session) -> Iterator[TestClient]:
    """An app with small limits so the tests can cross them cheaply."""
    settings = Settings(database_url="sqlite://", max_body_bytes=2048, login_attempts_per_minute=3)
    with TestClient(create_app(settings, engine=engine)) as c:
        yield c


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


def test_rate_limiter_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert limiter.check("a") is None
    assert limiter.check("a") is None
    assert limiter.check("a") == pytest.approx(10.0)
    assert limiter.check("b") is None  # other clients are not affected
    now[0] = 10.5
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
