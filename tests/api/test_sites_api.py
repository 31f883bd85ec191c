"""The first API: health, site lists as GeoJSON with totals, site detail, JSON errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.models import Citation, Source, Story, StorySite
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site, reindex_site
from tests.factories import add_toy_sites

# On both engines in every run: search, boxes and paging are different SQL on each engine.
pytestmark = pytest.mark.both_engines


@pytest.fixture
def catalogue(session: Session) -> None:
    """The toy catalogue and one draft."""
    sites = add_toy_sites(session)
    create_site(session, SiteCreate(name="草稿站点", category="other", slug="draft-site"))
    source = Source(key="s1", title="湖北党史网", url="http://www.hbdsw.org.cn/")
    story = Story(slug="aug7", title="八七会议", body="一段故事。", status=Status.published)
    hidden = Story(slug="hidden", title="未发布", body="草稿。", status=Status.draft)
    session.add_all([source, story, hidden])
    session.flush()
    session.add_all(
        [
            StorySite(story_id=story.id or 0, site_id=sites[0].id or 0),
            StorySite(story_id=hidden.id or 0, site_id=sites[0].id or 0),
            Citation(source_id=source.id or 0, entity="story", entity_id=story.id or 0),
        ]
    )
    reindex_site(session, sites[0])
    session.commit()


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_list_is_geojson_with_total_and_summary_properties(client: TestClient) -> None:
    r = client.get("/api/sites", params={"limit": 2})
    body = r.json()
    assert r.status_code == 200
    assert body["type"] == "FeatureCollection"
    assert body["total"] == 5  # the draft is not counted for anonymous readers
    assert len(body["features"]) == 2
    props = body["features"][0]["properties"]
    for key in (
        "id",
        "slug",
        "name",
        "name_en",
        "category",
        "period",
        "district",
        "protection",
        "status",
    ):
        assert key in props
    assert all(f["properties"]["status"] == "published" for f in body["features"])


def test_filters_and_search(client: TestClient) -> None:
    def codes(**params: object) -> list[str]:
        feats = client.get("/api/sites", params=params).json()["features"]
        return [f["properties"]["code"] for f in feats]

    assert codes(q="bqhy") == ["WH19"]
    assert sorted(codes(district="武昌区")) == ["WH01", "WH03", "WH04"]
    assert sorted(codes(bbox="114.28,30.54,114.31,30.56")) == ["WH01", "WH03"]
    near = client.get("/api/sites", params={"near": "114.29302,30.55339", "radius_m": 300})
    feats = near.json()["features"]
    assert [f["properties"]["code"] for f in feats] == ["WH01", "WH03"]
    assert feats[0]["geometry"] == {"type": "Point", "coordinates": [114.29302, 30.55339]}
    assert feats[1]["properties"]["distance_m"] > 0


def test_detail_has_published_stories_with_sources(client: TestClient) -> None:
    r = client.get("/api/sites/site-of-the-august-7-conference")
    assert r.status_code == 200
    props = r.json()["properties"]
    assert [s["title"] for s in props["stories"]] == ["八七会议"]
    assert props["stories"][0]["sources"][0]["url"] == "http://www.hbdsw.org.cn/"
    assert props["themes"][0]["slug"] == "great-revolution"
    assert props["opening_hours"] == "Tu-Su 09:00-17:00"
    assert "surveyor" not in props  # survey fields are for staff
    by_id = client.get(f"/api/sites/{props['id']}")
    assert by_id.json()["properties"]["slug"] == "site-of-the-august-7-conference"


@pytest.mark.parametrize("path", ["/api/sites/nope", "/api/sites/draft-site", "/api/sites/99999"])
def test_unknown_or_unpublished_is_404_json(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "not found" in r.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"near": "114.3,30.5", "radius_m": -1},
        {"radius_m": 100},
        {"limit": 0},
        {"limit": 100000},
        {"category": "temple"},
        {"near": "nan,30"},
    ],
)
def test_bad_parameters_are_422_json(client: TestClient, params: dict[str, object]) -> None:
    r = client.get("/api/sites", params=params)
    assert r.status_code == 422
    assert "detail" in r.json()


def test_published_reads_carry_an_etag_and_revalidate(client: TestClient) -> None:
    first = client.get("/api/sites/site-of-the-august-7-conference")
    tag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/api/sites/site-of-the-august-7-conference", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    listing = client.get("/api/sites", params={"limit": 2})
    assert (
        client.get(
            "/api/sites", params={"limit": 2}, headers={"If-None-Match": listing.headers["etag"]}
        ).status_code
        == 304
    )
    assert (
        client.get(
            "/api/sites", params={"limit": 3}, headers={"If-None-Match": listing.headers["etag"]}
        ).status_code
        == 200
    )
