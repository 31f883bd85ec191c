"""Published reads carry an ETag and revalidate with 304; staff reads are never shared-cached."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from tests.api.conftest import MakeClient
from tests.factories import add_toy_sites

# On both engines in every run: the catalogue's version moves by each engine's commits.
pytestmark = pytest.mark.both_engines

PASSWORD = "correct horse battery"
PUBLISHED_READS = [
    "/api/sites?limit=5",
    "/api/sites/cpc-5th-congress-site",
    "/api/themes",
    "/api/routes",
    "/api/routes/hankou-1927-great-revolution-walk",
    "/api/courses",
]


@pytest.mark.parametrize("path", PUBLISHED_READS)
def test_published_read_revalidates_with_its_etag(demo: TestClient, path: str) -> None:
    first = demo.get(path)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=60"
    again = demo.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    stale = demo.get(path, headers={"If-None-Match": '"not-the-tag"'})
    assert stale.status_code == 200
    assert stale.json() == first.json()


def test_staff_reads_are_private(engine: Engine, session: Session, make_client: MakeClient) -> None:
    add_toy_sites(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()
    client = make_client(engine)
    token = client.post("/api/auth/token", data={"username": "editor", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for path in ["/api/sites", "/api/themes", "/api/routes", "/api/courses"]:
        staff = client.get(path, headers=auth)
        assert staff.status_code == 200
        assert staff.headers["cache-control"] == "private, no-store", path
        assert "Authorization" in staff.headers["vary"]
        assert client.get(path).headers["cache-control"].startswith("public")
