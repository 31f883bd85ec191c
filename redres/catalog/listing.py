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

from redres.catalog import search_count, search_index
from redres.catalog.enums import PUBLIC, Category, Period, Protection, Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.models import Site, SiteTheme, Story, StorySite, Theme
from redres.catalog.search import (
    RANK_PREFIX,
    Query,
    SearchText,
    parse_query,
    prefix_upper_bound,
    rank,
)
from redres.geo import BBox, LonLat, bbox_around, distance_m

MAX_RADIUS_M = 2_000_000.0
RANK_CAP = 500
"""A search with more candidates than this is not ranked hit by hit (`large_search`): each hit
is a site row read and a `rank` (bench/SCALE.md: 2,000 missed 50 ms at 1,000,000 sites)."""


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
    """One page of a result and the size of the whole result.

    `total_approximate`: the result is larger than `COUNT_CAP` and `total` is that cap (a lower
    bound); a search's pages are then ranked approximately (`large_search`), a filtered list's
    are still in name order.
    """

    items: list[SiteHit]
    total: int
    total_approximate: bool = False


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
        hits_of = _Found(session, query, parsed, list(conditions), candidates)
        if len(conditions) == 1:
            hits_of.shown = [s for s in visible if query.status is None or s == query.status]
        # one count serves both: whether to rank every hit, and a large search's total
        counted = hits_of.count_upto(COUNT_CAP + 1)
        if counted > RANK_CAP:
            return large_search(session, query, hits_of, counted)
        conditions.append(col(Site.id).in_(candidates))
    # Rank on a few light columns first; build full Site objects only for the page.
    light = session.connection().execute(sa_select(*LIGHT_COLUMNS).where(*conditions)).all()
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
            found = rank(parsed, search_text(row, titles.get(row.id, ())))
            if found is None:
                continue
            r = found
        keyed.append(((r, dist or 0.0, row.name, row.id), row.id, dist))
    keyed.sort(key=lambda item: item[0])
    window = keyed[query.offset : query.offset + query.limit]
    hits = [(i, d) for _, i, d in window]
    return SitePage(items=hydrate(session, hits), total=len(keyed))


def hydrate(session: Session, hits: Sequence[tuple[int, float | None]]) -> list[SiteHit]:
    """Full `Site` objects for a page of (id, distance), in the page's order."""
    full = {
        s.id: s for s in session.exec(select(Site).where(col(Site.id).in_([i for i, _ in hits])))
    }
    return [SiteHit(full[i], d) for i, d in hits]


class _Found:
    """The sites a search finds, read in the order that costs least.

    When no spatial, district or theme filter narrows the sites first, the hits are read from
    the search index joined to `site`, in site id order (`search_index.can_join`: any query on
    SQLite, a single Chinese bigram on PostgreSQL): a page or a capped count then costs what it
    reads. Otherwise the candidates are a subquery the planner combines with other indexes.
    """

    def __init__(
        self, session: Session, query: SiteQuery, parsed: Query, base: list[Any], candidates: Any
    ) -> None:
        self.session, self.parsed, self.base = session, parsed, base
        self.shown: list[Status] | None = None  # the statuses, when the only filter
        self.filtered = [*base, col(Site.id).in_(candidates)]
        narrowed = (query.bbox, query.near, query.district, query.theme) != (None,) * 4
        self.dialect = session.get_bind().dialect.name
        self.streamed = search_index.can_join(parsed, self.dialect) and not narrowed

    def select(self, *columns: Any) -> Any:
        """A select of `columns` of the found sites (in index order when streamed)."""
        if not self.streamed:
            return sa_select(*columns).where(*self.filtered)
        source, match, order = search_index.fts_join(self.parsed, col(Site.id), self.dialect)
        return sa_select(*columns).select_from(source).where(match, *self.base).order_by(order)

    def count_upto(self, cap: int) -> int:
        """How many sites are found, counting no further than `cap`."""
        if self.shown is not None:  # from the indexes alone when few sites are hidden
            quick = search_count.count_hits(self.session.connection(), self.parsed, self.shown, cap)
            if quick is not None:
                return quick
        capped = self.select(col(Site.id)).order_by(None).limit(cap).subquery()
        conn = self.session.connection()
        return int(conn.execute(sa_select(func.count()).select_from(capped)).scalar_one())


COUNT_CAP = 10_000
"""Totals are exact up to here; a larger result says `total_approximate` with this total."""
HEAD_CAP = 100
"""Names starting with the query that a large search ranks first (the first by code point)."""


def large_search(session: Session, query: SiteQuery, found: _Found, counted: int) -> SitePage:
    """A page of a search with more than `RANK_CAP` candidates, without scoring each.

    The names that are the query or start with it come first (found on the name index, ranked
    as `rank` ranks them); the other hits follow in the search index's order (site id), or by
    distance with `near`, read a page at a time from SQL. Within those, a hit in a story title
    is not put after a hit in a name, and an alias equal to the query is not put first: that is
    the approximation. Every row of the page is still checked by `rank`. Totals are counted up
    to `COUNT_CAP`.
    """
    parsed = found.parsed
    head: list[tuple[tuple[Any, ...], int]] = []
    if parsed.is_chinese and query.near is None:
        # A prefix is a range of code points only in code-point order: SQLite's BINARY, or "C"
        # on PostgreSQL, whatever the database's own collation (zh_CN sorts by pinyin).
        name: Any = col(Site.name)
        if session.get_bind().dialect.name == "postgresql":
            name = name.collate("C")
        starts = (name >= parsed.zh, name < prefix_upper_bound(parsed.zh))
        # in the name index's own order, read up to the cap and no further (`rank` checks each)
        stmt = sa_select(*LIGHT_COLUMNS).where(*found.base, *starts).order_by(name)
        named = session.connection().execute(stmt.limit(HEAD_CAP + 1)).all()
        if len(named) > HEAD_CAP:  # the names equal to the first one left out, left out too
            named = [row for row in named if row.name < named[HEAD_CAP].name]
        for row in named:
            r = rank(parsed, search_text(row, ()))
            if r is not None and r <= RANK_PREFIX:
                head.append(((r, row.name, row.id), row.id))
        head.sort()
    hits: list[tuple[int, float | None]] = [(i, None) for _, i in head]
    hits = hits[query.offset : query.offset + query.limit]
    wanted = query.limit - len(hits)
    if wanted > 0:
        hits += _rest_of_page(session, query, found, [i for _, i in head], wanted)
    return SitePage(
        items=hydrate(session, hits),
        total=min(counted, COUNT_CAP),
        total_approximate=counted > COUNT_CAP,
    )


def _rest_of_page(
    session: Session, query: SiteQuery, found: _Found, head_ids: list[int], wanted: int
) -> list[tuple[int, float | None]]:
    """The hits after the ranked head, in index order (or planar distance with `near`)."""
    parsed = found.parsed
    stmt = found.select(*LIGHT_COLUMNS)
    if head_ids:
        stmt = stmt.where(col(Site.id).not_in(head_ids))
    if query.near is not None:
        lon, lat = query.near
        c = math.cos(math.radians(lat))
        dx, dy = (col(Site.lon) - lon) * c, col(Site.lat) - lat
        stmt = stmt.where(col(Site.lon).is_not(None)).order_by(dx * dx + dy * dy, col(Site.id))
    elif not found.streamed:
        stmt = stmt.order_by(col(Site.id))
    offset = max(0, query.offset - len(head_ids))
    # pinyin's `rank` converts each name (~30 µs), and the index finds only its hits
    checked = not search_index.finds_only_hits(parsed)
    margin = 2 if checked or query.near is not None else 1
    rows = session.connection().execute(stmt.offset(offset).limit(wanted * margin))
    out: list[tuple[int, float | None]] = []
    for row in rows:
        dist = None
        if query.near is not None:
            dist = distance_m(query.near.lon, query.near.lat, row.lon, row.lat)
            if query.radius_m is not None and dist > query.radius_m:
                continue
        if checked and rank(parsed, search_text(row, ())) is None:  # then a story title may
            titles = _story_titles(session, [row.id]).get(row.id, ())
            if rank(parsed, search_text(row, titles)) is None:
                continue
        out.append((row.id, dist))
    return out[:wanted]


LIGHT_COLUMNS: tuple[Any, ...] = (
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


def search_text(site: Any, titles: Sequence[str]) -> SearchText:
    """What `rank` looks at, from a row of `LIGHT_COLUMNS` and the site's story titles."""
    return SearchText(
        name=site.name,
        aliases=tuple(site.aliases),
        name_en=site.name_en,
        address=site.address,
        code=site.code,
        story_titles=tuple(titles),
    )
