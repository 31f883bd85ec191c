"""The Wuhan demo catalogue: complete, sourced, converted to WGS-84, searchable, idempotent."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.demo import load_demo
from redres.catalog.detail import site_detail
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.models import Site
from redres.catalog.sites import get_site
from redres.geo import distance_m, gcj02_to_wgs84
from tests.conftest import DEMO_DIR

SITES = json.loads((DEMO_DIR / "sites.json").read_text(encoding="utf-8"))


def test_every_site_is_published_and_unlocated_ones_stay_unlocated(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        stored = {site.code: site for site in s.exec(select(Site))}
    assert len(stored) == len(SITES) == 45
    assert {site.status for site in stored.values()} == {"published"}
    for row in SITES:
        site = stored[row["code"]]
        assert (site.lon is None) == (row["location"] is None), row["code"]


@pytest.mark.parametrize("row", [r for r in SITES if r["location"]], ids=lambda r: r["code"])
def test_locations_are_stored_in_wgs84(demo_engine: Engine, row: dict[str, object]) -> None:
    loc = row["location"]
    assert isinstance(loc, dict)
    with Session(demo_engine) as s:
        site = s.exec(select(Site).where(Site.code == row["code"])).one()
    assert site.lon is not None
    assert site.lat is not None
    if loc["crs"] == "wgs84":
        assert (site.lon, site.lat) == pytest.approx((loc["lon"], loc["lat"]), abs=1e-7)
    else:
        expected = gcj02_to_wgs84(loc["lon"], loc["lat"])
        assert distance_m(site.lon, site.lat, *expected) < 0.05
        # The GCJ-02 shift in Wuhan is roughly 550-650 m; a stored raw point would be 0 m off.
        assert 400 < distance_m(site.lon, site.lat, loc["lon"], loc["lat"]) < 800


def test_each_point_keeps_its_source_system_and_note(demo_engine: Engine) -> None:
    """The truth of the record: where a point came from travels with it (and a missing
    point's reason too)."""
    sources = {r["key"]: r["title"] for r in json.loads((DEMO_DIR / "sources.json").read_text())}
    with Session(demo_engine) as s:
        stored = {site.code: site for site in s.exec(select(Site))}
    for row in SITES:
        site, loc = stored[row["code"]], row["location"]
        if loc:
            assert site.point_crs == loc["crs"], row["code"]
            assert site.point_source == sources[loc["source"]][:300], row["code"]
            assert site.point_note == (loc.get("note") or row.get("location_note")), row["code"]
        else:
            assert site.point_crs is None
            assert site.point_note == row.get("location_note")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("八七", "WH19"),
        ("五大", "WH01"),
        ("农讲", "WH03"),
        ("baqi", "WH19"),
        ("bqhy", "WH19"),
        ("August 7", "WH19"),
        ("xhgmbwg", "WH07"),
    ],
)
def test_demo_search(demo_engine: Engine, query: str, code: str) -> None:
    with Session(demo_engine) as s:
        hits = list_sites(s, SiteQuery(q=query)).items
    assert hits, query
    assert hits[0].site.code == code


def test_detail_has_cited_stories_people_and_events(demo_engine: Engine) -> None:
    with Session(demo_engine) as s:
        site = get_site(s, "august-7-conference-site")
        detail = site_detail(s, site)
    assert detail.stories
    assert all(view.sources for view in detail.stories)
    assert all(src.url and src.url.startswith("http") for src in detail.stories[0].sources)
    assert "瞿秋白" in {p.name for p in detail.people}
    assert "八七会议" in {e.name for e in detail.events}
    assert {t.theme.slug for t in detail.themes} >= {"great-revolution"}


def test_loading_again_changes_nothing(session: Session, demo_copy: None) -> None:
    """On a copy: a second load rewrites child rows with new ids, and the shared demo database
    must keep the ids `demo_copy` hands out (tests/test_fixtures.py)."""
    with session as s:
        before = [(x.code, x.lon, x.lat, x.name) for x in s.exec(select(Site).order_by(Site.code))]
        audits = s.exec(select(func.count()).select_from(AuditLog)).one()
        load_demo(s, DEMO_DIR)
        s.commit()
        after = [(x.code, x.lon, x.lat, x.name) for x in s.exec(select(Site).order_by(Site.code))]
        assert s.exec(select(func.count()).select_from(AuditLog)).one() == audits
    assert after == before
