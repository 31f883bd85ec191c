"""Absolute links (QR codes, share links, embed snippets) come from REDRES_PUBLIC_URL, never
from the Host header a client sends."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api.conftest import MakeClient
from tests.api.forms import PASSWORD
from tests.factories import add_toy_sites

PUBLIC = "https://red.example.cn"
EVIL = {"Host": "evil.example"}


@pytest.fixture
def catalogue(session: Session) -> None:
    add_toy_sites(session)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(public_url=PUBLIC + "/", secret_key="s" * 40)


def test_share_links_and_embeds_use_the_public_address(client: TestClient) -> None:
    r = client.post("/api/auth/token", data={"username": "teacher", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"} | EVIL
    site = client.get("/api/sites", params={"q": "八七会议"}).json()["features"][0]
    body = {"name": "半日行", "days": [[{"site": site["properties"]["slug"]}]]}
    slug = client.post("/api/routes", json=body, headers=auth).json()["properties"]["slug"]
    shared = client.post(f"/api/routes/{slug}/share", headers=auth).json()
    assert shared["url"] == f"{PUBLIC}/routes/shared/{shared['token']}"
    snippet = client.get("/maps/embed", params={"src": "/maps/sites.html"}, headers=EVIL).text
    assert f'src="{PUBLIC}/maps/sites.html"' in snippet
    assert "evil.example" not in snippet


def test_qr_codes_do_not_follow_the_host_header(
    client: TestClient, engine: Engine, make_client: MakeClient
) -> None:
    slug = client.get("/api/sites").json()["features"][0]["properties"]["slug"]
    honest = client.get(f"/sites/{slug}/qr.svg").content
    forged = client.get(f"/sites/{slug}/qr.svg", headers=EVIL).content
    assert honest == forged
    other = Settings(public_url="https://elsewhere.example.cn", secret_key="s" * 40)
    c = make_client(engine, other)
    assert c.get(f"/sites/{slug}/qr.svg").content != honest


@pytest.mark.parametrize(
    "bad", ["red.example.cn", "ftp://red.example.cn", "https://", "https://x.cn/?a=1"]
)
def test_a_public_url_that_is_not_an_address_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError, match="REDRES_PUBLIC_URL"):
        Settings(public_url=bad)
