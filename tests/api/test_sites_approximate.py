"""A search larger than `COUNT_CAP` says its total is approximate, in the API and on the page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog import listing
from redres.catalog.enums import Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site

# On both engines in every run: the capped count is different SQL on each engine.
pytestmark = pytest.mark.both_engines


@pytest.fixture
def catalogue(session: Session) -> None:
    for place in ("东山", "西山", "南山", "北山"):
        create_site(
            session,
            SiteCreate(name=f"{place}长征旧址", category="former_site", status=Status.published),
        )
    session.commit()


def test_exact_totals_are_not_flagged(client: TestClient) -> None:
    body = client.get("/api/sites", params={"q": "长征"}).json()
    assert body["total"] == 4
    assert body["total_approximate"] is False


def test_totals_beyond_the_cap_are_flagged(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "RANK_CAP", 1)
    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    body = client.get("/api/sites", params={"q": "长征", "limit": 10}).json()
    assert body["total"] == 2
    assert body["total_approximate"] is True
    assert len(body["features"]) == 4  # the page is not cut to the counted total
    page = client.get("/", params={"q": "长征"})
    assert "超过 2 处" in page.text
