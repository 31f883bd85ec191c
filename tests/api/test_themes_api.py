"""`GET /api/themes`: every theme with the number of published sites in it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.enums import Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from tests.factories import add_toy_sites


def test_themes_with_counts_of_published_sites(engine: Engine, session: Session) -> None:
    add_toy_sites(session)
    create_site(
        session,
        SiteCreate(name="草稿", category="other", themes={"martyrs": 1.0}, status=Status.draft),
    )
    session.commit()
    with TestClient(create_app(Settings(database_url="sqlite://"), engine=engine)) as client:
        r = client.get("/api/themes")
    assert r.status_code == 200
    data = r.json()
    counts = {t["slug"]: t["sites"] for t in data["data"]}
    assert counts == {"great-revolution": 3, "martyrs": 1}
    assert data["total"] == 2
    assert data["data"][0]["name"] == "大革命"
