"""Listing: filters, paging with totals, visibility, bbox and radius queries, on both engines."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from redres.catalog.enums import STAFF, Category, Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.geo import BBox, LonLat, distance_m
from tests.factories import add_toy_sites


def _slugs(session: Session, **kw: object) -> list[str]:
    page = list_sites(session, SiteQuery(**kw))  # type: ignore[arg-type]
    return [h.site.code or "" for h in page.items]


def test_filters_narrow_the_result(session: Session) -> None:
    add_toy_sites(session)
    assert sorted(_slugs(session, district="武昌区")) == ["WH01", "WH03", "WH04"]
    assert _slugs(session, category=Category.martyrs_cemetery) == ["WH14"]
    assert sorted(_slugs(session, theme="great-revolution")) == ["WH01", "WH03", "WH19"]
    assert sorted(_slugs(session, protection="national")) == ["WH01", "WH19"]
    assert _slugs(session, period="founding") == ["WH14"]


def test_paging_keeps_the_total(session: Session) -> None:
    add_toy_sites(session)
    first = list_sites(session, SiteQuery(limit=2))
    second = list_sites(session, SiteQuery(limit=2, offset=2))
    assert first.total == second.total == 5
    names = [h.site.name for h in first.items + second.items]
    assert len(set(names)) == 4
    assert names == sorted(names)


def test_anonymous_readers_see_published_only(session: Session) -> None:
    add_toy_sites(session)
    create_site(session, SiteCreate(name="草稿站点", category="other"))
    session.commit()
    assert list_sites(session, SiteQuery()).total == 5
    assert list_sites(session, SiteQuery(), visible=STAFF).total == 6
    assert list_sites(session, SiteQuery(status=Status.draft)).total == 0
    assert list_sites(session, SiteQuery(status=Status.draft), visible=STAFF).total == 1


def test_bbox_returns_sites_inside_only(session: Session) -> None:
    add_toy_sites(session)
    # Wuchang old town: WH01 and WH03, not Hankou (WH19) nor Hongshan (WH14).
    box = BBox(114.28, 30.54, 114.31, 30.56)
    assert sorted(_slugs(session, bbox=box)) == ["WH01", "WH03"]


def test_radius_query_sorted_by_distance(session: Session) -> None:
    add_toy_sites(session)
    here = LonLat(114.29302, 30.55339)  # at WH01
    page = list_sites(session, SiteQuery(near=here, radius_m=5000))
    codes = [h.site.code for h in page.items]
    assert codes == ["WH01", "WH03", "WH19", "WH14"][: len(codes)]
    dists = [h.distance_m for h in page.items]
    assert dists == sorted(dists)
    wh19 = distance_m(here.lon, here.lat, 114.2944, 30.58899)
    assert ("WH19" in codes) == (wh19 <= 5000)
    near = list_sites(session, SiteQuery(near=here, radius_m=300))
    assert [h.site.code for h in near.items] == ["WH01", "WH03"]
    assert near.items[0].distance_m == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"radius_m": 100.0}, "needs near"),
        ({"near": LonLat(114, 30), "radius_m": -5.0}, "radius_m"),
        ({"bbox": BBox(115, 30, 114, 31)}, "bbox"),
    ],
)
def test_bad_queries_are_refused(kw: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidQuery, match=message):
        SiteQuery(**kw)  # type: ignore[arg-type]
