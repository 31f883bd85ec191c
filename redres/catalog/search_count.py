"""A search's hits counted from the search index alone, on PostgreSQL, when few sites are hidden.

`listing` counts a search's hits up to `COUNT_CAP + 1` to choose how to rank them and to say
the total. Counted through `site` (to leave out the sites the caller may not see), each hit
costs a probe of the site table's `(id, status)` index: 15-40 ms for the ~2,000-3,000 hits of a
two-character or pinyin search of 1,000,000 sites, most of such a query (bench/SCALE.md).
But a registry hides few sites (drafts, withdrawn ones), and none from staff: the hits are
then the index's candidates less the hidden sites among them, and both are cheap to count:
the candidates from the term index alone (one bigram's entries, or a pinyin prefix's, one per
site), the hidden ones from the status index. With more hidden sites than `HIDDEN_PROBE` the
caller counts through `site` as before. The count is the same either way (exact up to the
cap); only its cost differs. SQLite counts by walking the FTS5 posting list, already cheap.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, func, select

from redres.catalog import search_index
from redres.catalog.enums import Status
from redres.catalog.models import Site
from redres.catalog.search import Query

HIDDEN_PROBE = 2_000
"""Hidden sites up to which they are counted among the hits one by one (each a term-index
probe); beyond, counting through `site` costs no more."""
_SITE = Site.__table__  # type: ignore[attr-defined]


def count_hits(conn: Connection, query: Query, shown: Collection[Status], cap: int) -> int | None:
    """The hits of `query` among the sites whose status is in `shown`, counted up to `cap`;
    None on SQLite, or when more than `HIDDEN_PROBE` sites are hidden (count through `site`)."""
    if conn.dialect.name != "postgresql":
        return None
    hidden_statuses = [s for s in Status if s not in shown]
    hidden = _SITE.c.status.in_(hidden_statuses)  # IN, not NOT IN: read from the status index
    n_hidden = 0
    if hidden_statuses:
        probe = select(_SITE.c.id).where(hidden).limit(HIDDEN_PROBE + 1).subquery()
        n_hidden = conn.execute(select(func.count()).select_from(probe)).scalar_one()
    if n_hidden > HIDDEN_PROBE:
        return None
    candidates = search_index.candidates(query, "postgresql")
    hidden_hits = 0
    if n_hidden:
        among = select(func.count()).select_from(_SITE).where(hidden, _SITE.c.id.in_(candidates))
        hidden_hits = int(conn.execute(among).scalar_one())
    capped = candidates.limit(cap + hidden_hits).subquery()
    found = int(conn.execute(select(func.count()).select_from(capped)).scalar_one())
    return found - hidden_hits
