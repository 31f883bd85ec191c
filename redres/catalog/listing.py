"""Listing the registry: filters, full-text search, bounding boxes and radius queries, paged.

Filters and candidate look-ups run in SQL on indexes (lat/lon B-tree on SQLite, GiST on
PostGIS, the search-term index on both); exact distances and search ranks are computed here in
Python, so both engines give the same answer.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Session, col, select

from redres.catalog import search_index
from redres.catalog.enums import PUBLIC, Category, Period, Protection, Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.models import Site, SiteTheme, Story, StorySite, Theme
from redres.catalog.search import (
    SearchText,
    parse_query,
    rank,
)
from redres.geo import BBox, LonLat, bbox_around, distance_m

MAX_RADIUS_M = 2_000_000.0


@dataclass(frozen=True, slots=True)
class SiteQuery:
    """What a caller asks of the registry; every field narrows the result."""

    q: str | None = None
    theme: str | None = None
    category: Category | None = None
    period: Period | None = None
    district: str | None = None
    protection: Protection | None = None
    status: Status | None = None
    bbox: BBox | None = None
    near: LonLat | None = None
    radius_m: float | None = None
    located: bool | None = None
    """True: only sites with a known point; False: only those without (位置待考)."""
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= 1000:
            msg = f"limit {self.limit!r} must be between 1 and 1000"
            raise InvalidQuery(msg)
        if self.offset < 0:
            msg = f"offset {self.offset!r} must not be negative"
            raise InvalidQuery(msg)
        if self.bbox is not None:
            b = self.bbox
            if not (-180 <= b.min_lon <= b.max_lon <= 180 and -90 <= b.min_lat <= b.max_lat <= 90):
                msg = f"bbox {tuple(b)!r} must be minlon,minlat,maxlon,maxlat within -180..180/-90..90"
                raise InvalidQuery(msg)
        if self.radius_m is not None:
            if self.near is None:
                msg = "radius_m needs near=lon,lat"
                raise InvalidQuery(msg)
            if not (math.isfinite(self.radius_m) and 0 < self.radius_m <= MAX_RADIUS_M):
                msg = f"radius_m {self.radius_m!r} must be between 0 and {MAX_RADIUS_M:.0f}"
                raise InvalidQuery(msg)
        if self.near is not None and not (
            -180 <= self.near.lon <= 180 and -90 <= self.near.lat <= 90
        ):
            msg = f"near {tuple(self.near)!r} is not a lon,lat point"
            raise InvalidQuery(msg)


@dataclass(frozen=True, slots=True)
class SiteHit:
    """One site in a result, with its distance when the query had a `near` point."""

    site: Site
    distance_m: float | None = None


@dataclass(frozen=True, slots=True)
class SitePage:
    """One page of a result and the size of the whole result."""

    items: list[SiteHit]
    total: int


def list_sites(
    session: Session, query: SiteQuery, *, visible: Collection[Status] = PUBLIC
) -> SitePage:
    """The sites matching `query` that the caller may see, ranked and paged.

    Order: by search rank when `q` is given, then by distance when `near` is given, then by name.
    """
    conditions = _conditions(session, query, visible)
    parsed = parse_query(query.q) if query.q else None
    if query.q and parsed is None:
        return SitePage(items=[], total=0)
    if parsed is None and query.near is None:
        total = session.exec(select(func.count()).select_from(Site).where(*conditions)).one()
        stmt = (
            select(Site)
            .where(*conditions)
            .order_by(col(Site.name), col(Site.id))
            .offset(query.offset)
            .limit(query.limit)
        )
        return SitePage(items=[SiteHit(s) for s in session.exec(stmt)], total=total)

    candidates = (
        search_index.candidates(parsed, session.get_bind().dialect.name)
        if parsed is not None
        else None
    )
    if candidates is not None:
        conditions.append(col(Site.id).in_(candidates))
    # Rank on a few light columns first; build full Site objects only for the page.
    light = session.connection().execute(sa_select(*_LIGHT_COLUMNS).where(*conditions)).all()
    titles = _story_titles(session, candidates) if candidates is not None else {}
    keyed: list[tuple[tuple[Any, ...], int, float | None]] = []
    for row in light:
        dist = None
        if query.near is not None:
            if row.lon is None or row.lat is None:
                continue
            dist = distance_m(query.near.lon, query.near.lat, row.lon, row.lat)
            if query.radius_m is not None and dist > query.radius_m:
                continue
        r = 0
        if parsed is not None:
            found = rank(parsed, _search_text(row, titles.get(row.id, ())))
            if found is None:
                continue
            r = found
        keyed.append(((r, dist or 0.0, row.name, row.id), row.id, dist))
    keyed.sort(key=lambda item: item[0])
    window = keyed[query.offset : query.offset + query.limit]
    full = {
        s.id: s
        for s in session.exec(select(Site).where(col(Site.id).in_([i for _, i, _ in window])))
    }
    return SitePage(items=[SiteHit(full[i], d) for _, i, d in window], total=len(keyed))


_LIGHT_COLUMNS: tuple[Any, ...] = (
    Site.id,
    Site.name,
    Site.aliases,
    Site.name_en,
    Site.address,
    Site.code,
    Site.lon,
    Site.lat,
)


def _conditions(
    session: Session, query: SiteQuery, visible: Collection[Status]
) -> list[ColumnElement[bool] | TextClause]:
    statuses = [s for s in visible if query.status is None or s == query.status]
    conds: list[ColumnElement[bool] | TextClause] = [col(Site.status).in_(statuses)]
    for field in ("category", "period", "district", "protection"):
        value = getattr(query, field)
        if value is not None:
            conds.append(getattr(Site, field) == value)
    if query.theme is not None:
        themed = (
            select(SiteTheme.site_id)
            .join(Theme, col(Theme.id) == SiteTheme.theme_id)
            .where(Theme.slug == query.theme)
        )
        conds.append(col(Site.id).in_(themed))
    if query.located is not None:
        has_point = col(Site.lon).is_not(None) & col(Site.lat).is_not(None)
        conds.append(has_point if query.located else ~has_point)
    postgis = session.get_bind().dialect.name == "postgresql"
    if query.bbox is not None:
        conds.append(_in_box(query.bbox, postgis=postgis))
    if query.near is not None and query.radius_m is not None:
        if postgis:
            conds.append(
                text(
                    "ST_DWithin(site.geom::geography, "
                    "ST_SetSRID(ST_MakePoint(:near_lon, :near_lat), 4326)::geography, "
                    ":near_r, false)"
                ).bindparams(
                    near_lon=query.near.lon,
                    near_lat=query.near.lat,
                    near_r=query.radius_m
                    * 1.001,  # PostGIS's sphere radius differs in the 7th digit
                )
            )
        else:
            conds.append(
                _in_box(bbox_around(query.near.lon, query.near.lat, query.radius_m), postgis=False)
            )
    return conds


def _in_box(box: BBox, *, postgis: bool) -> ColumnElement[bool] | TextClause:
    if postgis:
        return text("site.geom && ST_MakeEnvelope(:bb_w, :bb_s, :bb_e, :bb_n, 4326)").bindparams(
            bb_w=box.min_lon, bb_s=box.min_lat, bb_e=box.max_lon, bb_n=box.max_lat
        )
    return and_(
        col(Site.lat).between(box.min_lat, box.max_lat),
        col(Site.lon).between(box.min_lon, box.max_lon),
    )


def _story_titles(session: Session, site_ids: Any) -> dict[int, list[str]]:
    """Published story titles of the candidate sites (a subquery, never a list of ids)."""
    out: dict[int, list[str]] = defaultdict(list)
    stmt = (
        select(StorySite.site_id, Story.title)
        .join(Story, col(Story.id) == StorySite.story_id)
        .where(col(StorySite.site_id).in_(site_ids), Story.status == Status.published)
    )
    for site_id, title in session.exec(stmt):
        out[site_id].append(title)
    return out


def _search_text(site: Any, titles: Sequence[str]) -> SearchText:
    return SearchText(
        name=site.name,
        aliases=tuple(site.aliases),
        name_en=site.name_en,
        address=site.address,
        code=site.code,
        story_titles=tuple(titles),
    )
