"""Fast transactional bulk writes: many new sites with their search terms, themes and audit rows.

`sites.create_site` costs several round trips per site (uniqueness checks, flushes, a reindex),
which is right for an editor and far too slow for a 100,000-row survey file. This module writes
the same rows in batches, in the caller's transaction, after the caller has done the checks
`create_site` would do (validated `SiteCreate`s, free slugs and codes, known themes). It never
commits: the import commits once, so a failure or a killed process leaves nothing behind.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update
from sqlmodel import Session

from redres.catalog import map_cells, map_facets, map_profiles, pg_bulk, pg_copy, search_index
from redres.catalog.account_tables import AuditLog
from redres.catalog.models import Site, SiteTheme, utcnow
from redres.catalog.schemas import SiteCreate
from redres.catalog.search import SearchText, is_all_chinese, syllables

BATCH = 2000
"""Rows per round trip; large enough to amortise, small enough to keep memory flat."""

_SITE = Site.__table__  # type: ignore[attr-defined]
_THEME = SiteTheme.__table__  # type: ignore[attr-defined]
_AUDIT = AuditLog.__table__  # type: ignore[attr-defined]
_SITE_COLUMNS = [c.name for c in _SITE.columns if c.name not in ("id", "version")]
_AUDITED = [c for c in _SITE_COLUMNS if c not in ("created_at", "updated_at")]
_COPIED = tuple(c for c in SiteCreate.model_fields if c in _SITE_COLUMNS and c != "footprint")
_copied_values = itemgetter(*_COPIED)
"""The validated fields that are site columns as they are (the footprint is stored as JSON)."""
_NONE: list[str] = []
"""The one empty list of rows without aliases or designations (never mutated): the JSON of a
batch's empty lists is then made once."""


@dataclass(frozen=True, slots=True)
class NewSite:
    """A checked site to insert: its validated data, the free slug it gets, and its parent id."""

    data: SiteCreate
    slug: str
    parent_id: int | None = None


def insert_sites(
    session: Session,
    items: Iterable[NewSite],
    *,
    theme_ids: Mapping[str, int],
    actor: str,
    batch: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    total: int | None = None,
) -> list[int]:
    """Insert sites, their search terms, theme links and `create` audit entries; return their ids.

    The rows are what `create_site` would write for the same input: same columns, same terms
    (`index_terms` of a site with no stories yet), same audit `after` state. `items` is read a
    batch at a time, so a caller may stream them; `total` is then how many there are (a
    sequence's length otherwise).

    Raises
    ------
    KeyError
        When a theme slug is missing from `theme_ids` (the caller checks themes first).
    """
    conn = session.connection()
    ids: list[int] = []
    n = total if total is not None else len(items) if isinstance(items, Sized) else None
    if n is None:
        msg = "insert_sites needs `total` when `items` is not a sequence"
        raise TypeError(msg)
    stream = iter(items)
    first_load = pg_bulk.first_load(conn, n, threshold=BULK_INDEX_THRESHOLD)
    with _sqlite_bulk_mode(conn, n), first_load:
        size = batch or BATCH
        while chunk := list(islice(stream, size)):
            chunk_ids = _insert_batch(conn, chunk, theme_ids, actor)
            ids.extend(chunk_ids)
            if progress is not None:
                progress(len(ids), n)
    return ids


def _insert_batch(
    conn: Connection, chunk: Sequence[NewSite], theme_ids: Mapping[str, int], actor: str
) -> list[int]:
    """One batch: sites (ids back in order), then their terms, theme links and audit rows."""
    now = utcnow()
    rows = [_site_row(item, now) for item in chunk]
    if pg_copy.uses_copy(conn):  # COPY returns nothing: the ids are taken first
        chunk_ids = pg_copy.reserve_ids(conn, _SITE, len(rows))
        for row, site_id in zip(rows, chunk_ids, strict=True):
            row["id"] = site_id
        pg_copy.copy_dicts(conn, _SITE, rows)
    else:
        _insert_dicts(conn, _SITE, rows)  # RETURNING in order would go row by row on SQLite
        slugs = [row["slug"] for row in rows]
        found: dict[str, int] = dict(
            conn.execute(select(_SITE.c.slug, _SITE.c.id).where(_SITE.c.slug.in_(slugs))).all()
        )
        chunk_ids = [int(found[slug]) for slug in slugs]
    texts: list[tuple[int, SearchText]] = []
    links: list[tuple[int, int, float]] = []
    audits: list[dict[str, Any]] = []
    for site_id, item, row in zip(chunk_ids, chunk, rows, strict=True):
        texts.append((site_id, _search_text(row)))
        themes = item.data.themes or {}
        links.extend((site_id, theme_ids[slug], w) for slug, w in themes.items())
        state = {name: row[name] for name in _AUDITED}  # StrEnums serialise as their values
        if state["survey_date"] is not None:
            state["survey_date"] = state["survey_date"].isoformat()
        state["id"] = site_id
        state["themes"] = dict(sorted(themes.items()))
        audits.append(
            {
                "at": now,
                "actor": actor,
                "entity": "site",
                "entity_id": site_id,
                "action": "create",
                "before": None,
                "after": state,
            }
        )
    search_index.insert_new(conn, texts)
    _insert_many(conn, _THEME, ("site_id", "theme_id", "weight"), links)
    _insert_dicts(conn, _AUDIT, audits)
    return chunk_ids


@contextmanager
def _sqlite_bulk_mode(conn: Connection, n_sites: int) -> Iterator[None]:
    """On SQLite, for a large load, a bigger page cache and the site indexes built once.

    Updating the site table's eight non-unique indexes (name, category, location, ...) row by
    row costs more than building them after the rows; the unique ones stay, as they check the
    rows and find the new ids; the map's count triggers likewise (`map_cells.install`,
    `map_facets.install` and `map_profiles.install` recount once at the end). SQLite DDL is
    transactional, so a failure or a killed process rolls the drop back with everything else.
    The search index merges its segments once at the end (`search_index.bulk_load`).
    """
    if conn.dialect.name != "sqlite" or n_sites < BULK_INDEX_THRESHOLD:
        yield
        return
    old_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size={BULK_CACHE_KIB}")
    existing = conn.exec_driver_sql("SELECT count(*) FROM site").scalar() or 0
    large = n_sites > existing
    secondary = (ix for ix in _SITE.indexes if not ix.unique)
    indexes = sorted(secondary, key=lambda ix: ix.name) if large else []
    try:
        for index in indexes:
            index.drop(conn)
        if large:  # the map's cell counts: recounted once at the end, not per row
            for stmt in _MAP_TRIGGERS_OFF:
                conn.exec_driver_sql(stmt)
        with search_index.bulk_load(conn) if large else nullcontext():
            yield
    except BaseException:
        for index in indexes:  # a caller that catches and commits anyway keeps its indexes
            with suppress(Exception):
                index.create(conn)
        if large:
            with suppress(Exception):
                _count_map(conn)
        raise
    else:
        for index in indexes:
            index.create(conn)
        if large:
            _count_map(conn)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(old_cache or -2000)}")


_MAP_COUNTS = (map_cells, map_facets, map_profiles)
"""The map's kept counts: triggers taken off for a large load, a recount after it (on
PostgreSQL `pg_bulk.finish_load` recounts the same)."""
_MAP_TRIGGERS_OFF = [s for m in _MAP_COUNTS for s in m.drop_trigger_statements("sqlite")]


def _count_map(conn: Connection) -> None:
    """Put the map's count triggers back and recount, once, after a bulk load."""
    for counts in _MAP_COUNTS:
        counts.install(conn)


BULK_INDEX_THRESHOLD = 10_000
"""Sites from which an import rebuilds indexes instead of updating them (SQLite: the site
table's; PostgreSQL, into an empty registry: the search terms', `pg_bulk`)."""
BULK_CACHE_KIB = -262_144
"""256 MiB of page cache while loading (negative means KiB to SQLite)."""


def set_parents(session: Session, parents: Mapping[int, int]) -> None:
    """Point sites at their parent (ensembles), once every site of the import has an id."""
    if not parents:
        return
    conn = session.connection()
    stmt = update(_SITE).where(_SITE.c.id == _bind("sid")).values(parent_id=_bind("pid"))
    conn.execute(stmt, [{"sid": s, "pid": p} for s, p in parents.items()])


def _bind(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def _site_row(item: NewSite, now: datetime) -> dict[str, Any]:
    fields = vars(item.data)  # the validated values as they are (model_dump would copy them)
    row: dict[str, Any] = dict.fromkeys(_SITE_COLUMNS)
    row.update(zip(_COPIED, _copied_values(fields), strict=True))
    row["slug"] = item.slug
    row["aliases"] = row["aliases"] or _NONE
    row["designations"] = row["designations"] or _NONE
    row["closures"] = [c.as_json() for c in row["closures"]] if row["closures"] else _NONE
    row["footprint"] = (
        None if item.data.footprint is None else json.dumps(item.data.footprint, ensure_ascii=False)
    )
    if item.parent_id is not None:
        row["parent_id"] = item.parent_id
    row["created_at"] = now
    row["updated_at"] = now
    return row


def _search_text(row: Mapping[str, Any]) -> SearchText:
    return SearchText(
        name=row["name"],
        aliases=tuple(row["aliases"]),
        name_en=row["name_en"],
        address=row["address"],
        code=row["code"],
    )


def pinyin_slug(text: str) -> str | None:
    """`slugs.slugify` of an all-Chinese name from the memoised pinyin; None for other text.

    Examples
    --------
    >>> pinyin_slug("八七会议会址"), pinyin_slug("Site 1")
    ('ba-qi-hui-yi-hui-zhi', None)
    """
    if not is_all_chinese(text):
        return None
    return "-".join(syllables(text))[:80].rstrip("-") or None


def _insert_dicts(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany of full rows; on SQLite through the driver with SQLAlchemy's own bind
    processors (JSON, datetime), so the stored values are exactly what `insert()` stores."""
    if not rows:
        return
    if pg_copy.uses_copy(conn):
        pg_copy.copy_dicts(conn, table, rows)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    names = list(rows[0])
    values_of = itemgetter(*names)
    procs = [
        (i, proc)
        for i, n in enumerate(names)
        if (proc := table.c[n].type._cached_bind_processor(conn.dialect)) is not None
    ]
    tuples: list[tuple[Any, ...]] = []
    last: dict[int, tuple[Any, Any]] = {}  # a batch shares `now`, None and empty lists
    for r in rows:
        values = list(values_of(r))
        for i, proc in procs:
            value = values[i]
            seen = last.get(i)
            if seen is not None and seen[0] is value:
                values[i] = seen[1]
            else:
                values[i] = processed = proc(value)
                last[i] = (value, processed)
        tuples.append(tuple(values))
    _insert_many(conn, table, names, tuples)


def _insert_many(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """executemany; on SQLite straight through the driver, many rows per statement.

    One `INSERT ... VALUES (...), (...), ...` of a few hundred rows costs SQLite's VM and the
    driver about half of what as many single-row executions do, which for the millions of
    search terms of a large import is seconds.
    """
    if not rows:
        return
    if pg_copy.uses_copy(conn):
        pg_copy.copy_rows(conn, table, columns, rows)
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    head = f'INSERT INTO "{table.name}" ({", ".join(columns)}) VALUES '
    one = "(" + ", ".join("?" for _ in columns) + ")"
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
    full = len(rows) - len(rows) % per if per > 1 else 0
    if full:
        sql = head + ", ".join([one] * per)
        flat = chain.from_iterable
        for start in range(0, full, per):
            raw.execute(sql, tuple(flat(rows[start : start + per])))
    if full < len(rows):
        raw.executemany(head + one, rows[full:])


ROWS_PER_STATEMENT = 500
"""Rows per multi-row INSERT on SQLite (fewer when the columns would pass the variable limit)."""
