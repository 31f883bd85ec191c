"""Read the registry: `/api/sites` as GeoJSON, and one site with its stories."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from redres.api.deps import SessionDep, VisibleDep
from redres.catalog.detail import site_detail
from redres.catalog.enums import Category, Period, Protection, Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.features import site_detail_feature, site_feature
from redres.catalog.listing import SiteQuery, list_sites
from redres.catalog.sites import STAFF, get_site
from redres.geo import parse_bbox, parse_lon_lat

router = APIRouter(prefix="/api/sites", tags=["sites"])


@router.get("")
def read_sites(
    session: SessionDep,
    visible: VisibleDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Chinese, English or pinyin")
    ] = None,
    theme: Annotated[str | None, Query(max_length=80)] = None,
    category: Category | None = None,
    period: Period | None = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    protection: Protection | None = None,
    status: Status | None = None,
    bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
    near: Annotated[str | None, Query(description="lon,lat")] = None,
    radius_m: Annotated[float | None, Query(gt=0)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Sites as a GeoJSON FeatureCollection with `total`, filtered, searched and paged."""
    try:
        query = SiteQuery(
            q=q,
            theme=theme,
            category=category,
            period=period,
            district=district,
            protection=protection,
            status=status,
            bbox=parse_bbox(bbox) if bbox else None,
            near=parse_lon_lat(near) if near else None,
            radius_m=radius_m,
            limit=limit,
            offset=offset,
        )
    except ValueError as exc:
        raise InvalidQuery(str(exc)) from exc
    page = list_sites(session, query, visible=visible)
    return {
        "type": "FeatureCollection",
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "features": [site_feature(h.site, distance_m=h.distance_m) for h in page.items],
    }


@router.get("/{id_or_slug}")
def read_site(id_or_slug: str, session: SessionDep, visible: VisibleDep) -> dict[str, Any]:
    """One site as a GeoJSON Feature with its stories, themes, people and events."""
    site = get_site(session, id_or_slug, visible=visible)
    detail = site_detail(session, site, visible=visible)
    return site_detail_feature(detail, staff=visible == STAFF)
