"""Searches with more candidates than `listing.RANK_CAP`: a page without scoring every hit.

The names that are the query or start with it come first; the other hits follow in the search
index's order, read a page at a time (bench/SCALE.md measures both at 1,000,000 sites).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from redres.catalog import search_count, search_index
from redres.catalog.enums import Status
from redres.catalog.models import Site
from redres.catalog.search import RANK_PREFIX, Query, prefix_upper_bound, rank
from redres.catalog.site_queries import (
    LIGHT_COLUMNS,
    SiteHit,
    SiteQuery,
    hydrate,
    search_text,
    story_titles,
)
from redres.geo import distance_m

HEAD_CAP = 100
"""Names starting with the query that a large search ranks first (the first by code point)."""


class Found:
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


def large_search(session: Session, query: SiteQuery, found: Found) -> list[SiteHit]:
    """A page of a search with more than `RANK_CAP` candidates, without scoring each.

    The names that are the query or start with it come first (found on the name index, ranked
    as `rank` ranks them); the other hits follow in the search index's order (site id), or by
    distance with `near`, read a page at a time from SQL. Within those, a hit in a story title
    is not put after a hit in a name, and an alias equal to the query is not put first: that is
    the approximation. Every row of the page is still checked by `rank`. The caller counts the
    total (up to `listing.COUNT_CAP`).
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
    return hydrate(session, hits)


def _rest_of_page(
    session: Session, query: SiteQuery, found: Found, head_ids: list[int], wanted: int
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
    conn = session.connection()
    if search_index.finds_only_hits(parsed):  # pinyin: each candidate is a hit, not checked
        margin = 2 if query.near is not None else 1
        rows = conn.execute(stmt.offset(offset).limit(wanted * margin)).all()
        return _within(query, rows)[:wanted]
    # A Chinese query's candidates include sites whose pieces are found apart, so where a page
    # starts among the hits is known only by checking the candidates before it.
    out: list[tuple[int, float | None]] = []
    batch, start = 2 * (offset + wanted), 0
    while len(out) < offset + wanted:
        rows = conn.execute(stmt.offset(start).limit(batch)).all()
        out += _checked(session, parsed, _within(query, rows), rows)
        if len(rows) < batch:
            break
        start += batch
    return out[offset : offset + wanted]


def _within(query: SiteQuery, rows: Sequence[Any]) -> list[tuple[int, float | None]]:
    """(id, distance) of the rows within the query's radius (all of them without `near`)."""
    if query.near is None:
        return [(row.id, None) for row in rows]
    out: list[tuple[int, float | None]] = []
    for row in rows:
        dist = distance_m(query.near.lon, query.near.lat, row.lon, row.lat)
        if query.radius_m is None or dist <= query.radius_m:
            out.append((row.id, dist))
    return out


def _checked(
    session: Session, parsed: Query, hits: list[tuple[int, float | None]], rows: Sequence[Any]
) -> list[tuple[int, float | None]]:
    """The `hits` that `rank` finds in their names, or else in their story titles."""
    by_id = {row.id: row for row in rows}
    missed = [i for i, _ in hits if rank(parsed, search_text(by_id[i], ())) is None]
    titles = story_titles(session, missed) if missed else {}
    in_titles = {i for i in missed if rank(parsed, search_text(by_id[i], titles[i])) is not None}
    return [(i, d) for i, d in hits if i not in missed or i in in_titles]
