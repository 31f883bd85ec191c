"""Listing the registry: filters, full-text search, bounding boxes and radius queries, paged.

Filters and candidate look-ups run in SQL on indexes (lat/lon B-tree on SQLite, GiST on
PostGIS, the search-term index on both); exact distances and search ranks are computed here in
Python, so both engines give the same answer.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Session, col, select

from redres.catalog import search_index
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.large_search import Found, large_search
from redres.catalog.models import Site, SiteTheme, Theme
from redres.catalog.search import parse_query, rank
from redres.catalog.site_queries import LIGHT_COLUMNS, hydrate, search_text, story_titles
from redres.catalog.site_queries import MAX_RADIUS_M as MAX_RADIUS_M
from redres.catalog.site_queries import SiteHit as SiteHit
from redres.catalog.site_queries import SitePage as SitePage
from redres.catalog.site_queries import SiteQuery as SiteQuery
from redres.geo import BBox, bbox_around, distance_m

COUNT_CAP = 10_000
"""Totals are exact up to here; a larger result says `total_approximate` with this total."""
RANK_CAP = 500
"""A search with more candidates than this is not ranked hit by hit (`large_search`): each hit
is a site row read and a `rank` (bench/SCALE.md: 2,000 missed 50 ms at 1,000,000 sites)."""


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
        # counted up to a cap: an exact count of a category of 160,000 sites read them all
        # (127-700 ms on PostgreSQL at 1,000,000 sites, bench/SCALE.md) for one page of 50
        capped = select(col(Site.id)).where(*conditions).limit(COUNT_CAP + 1).subquery()
        counted = session.exec(select(func.count()).select_from(capped)).one()
        stmt = (
            select(Site)
            .where(*conditions)
            .order_by(col(Site.name), col(Site.id))
            .offset(query.offset)
            .limit(query.limit)
        )
        return SitePage(
            items=[SiteHit(s) for s in session.exec(stmt)],
            total=min(counted, COUNT_CAP),
            total_approximate=counted > COUNT_CAP,
        )

    candidates = (
        search_index.candidates(parsed, session.get_bind().dialect.name)
        if parsed is not None
        else None
    )
    if candidates is not None:
        assert parsed is not None
        hits_of = Found(session, query, parsed, list(conditions), candidates)
        if len(conditions) == 1:
            hits_of.shown = [s for s in visible if query.status is None or s == query.status]
        # one count serves both: whether to rank every hit, and a large search's total
        counted = hits_of.count_upto(COUNT_CAP + 1)
        if counted > RANK_CAP:
            page = large_search(session, query, hits_of)
            return SitePage(page, min(counted, COUNT_CAP), counted > COUNT_CAP)
        conditions.append(col(Site.id).in_(candidates))
    # Rank on a few light columns first; build full Site objects only for the page.
    light = session.connection().execute(sa_select(*LIGHT_COLUMNS).where(*conditions)).all()
    titles = story_titles(session, candidates) if candidates is not None else {}
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
            found = rank(parsed, search_text(row, titles.get(row.id, ())))
            if found is None:
                continue
            r = found
        keyed.append(((r, dist or 0.0, row.name, row.id), row.id, dist))
    keyed.sort(key=lambda item: item[0])
    window = keyed[query.offset : query.offset + query.limit]
    hits = [(i, d) for _, i, d in window]
    return SitePage(items=hydrate(session, hits), total=len(keyed))


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
