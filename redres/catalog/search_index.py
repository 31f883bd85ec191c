"""Where each site's search terms are stored: an FTS5 table on SQLite, rows on PostgreSQL.

`search` decides *which* terms a site has and how hits rank; this module only stores them and
finds the candidate sites for a query. Both layouts answer the same two questions: which sites
have every one of these Chinese n-grams, and which have a pinyin, initials or English term that
starts with this prefix.

- SQLite: one document per site in the FTS5 table `site_search` (rowid = site id), each term a
  token marked with its kind (`z纪念`, `pbaqi`, `ibq`, `ebaqi`). A 100,000-site import writes
  about 5 M terms; as rows with a B-tree index that was over half of the import (sorting 5 M
  keys), while FTS5 writes them as compressed posting lists in about a sixth of the time and
  answers the queries 5-10x faster (bench/INTERCHANGE.md). The tokenizer splits on spaces only,
  so a term is always exactly one token.
- PostgreSQL: `SearchTerm` rows with an index on (kind, term) in the C collation, so prefix
  ranges work; bulk inserts there are cheap.

A trigger removes a site's document when the site row is deleted (the rows on PostgreSQL go by
their foreign key's ON DELETE CASCADE), so a reused SQLite rowid never inherits old terms.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Connection, Integer, column, delete, func, insert, select, table, text
from sqlalchemy.exc import OperationalError

from redres.catalog import pg_copy
from redres.catalog.search import Query, SearchText, prefix_upper_bound, query_grams, terms_by_kind
from redres.catalog.state_tables import SearchTerm
from redres.errors import ConfigurationError

FTS_TABLE = "site_search"
_PUNCTUATION = "!#$%&()*+,-./:;<=>?@[\\]^_`{|}~"
FTS_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(terms, detail=none, columnsize=0, "
    f"tokenize=\"ascii tokenchars '{_PUNCTUATION}'\")"
)
"""Positions and sizes are not kept (no phrase queries, no bm25): only which site has a term.
The `ascii` tokenizer with every ASCII punctuation mark as a token character splits on spaces
(and quotes and control characters, which terms never hold) only, and is faster than unicode61."""
FTS_DELETE_TRIGGER = (
    f"CREATE TRIGGER {FTS_TABLE}_site_deleted AFTER DELETE ON site "
    f"BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END"
)
FTS_OBJECTS = frozenset(
    {FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "content", "docsize", "config"))}
)
"""Tables that FTS5 creates, which the models do not describe."""

LATIN_KINDS = ("py", "in", "en")
_MARK = {"zh": "z", "py": "p", "in": "i", "en": "e"}
_KIND = {mark: kind for kind, mark in _MARK.items()}
_TERM = SearchTerm.__table__  # type: ignore[attr-defined]
_FTS = table(FTS_TABLE, column("rowid", Integer), column("terms"), column(FTS_TABLE))


def uses_fts(conn: Connection) -> bool:
    """Whether this database keeps the terms in FTS5 (SQLite) rather than in rows."""
    return conn.dialect.name == "sqlite"


def table_name(conn: Connection) -> str:
    """The table holding the terms on this engine (for bulk clean-up and counts)."""
    return FTS_TABLE if uses_fts(conn) else _TERM.name


def document(text: SearchText) -> str:
    """A site's terms as an FTS5 document: tokens marked with their kind, space-separated."""
    parts = []
    for kind, terms in terms_by_kind(text):
        if terms:
            mark = _MARK[kind]
            parts.append(mark + (" " + mark).join(terms))
    return " ".join(parts)


def replace(conn: Connection, site_id: int, text: SearchText) -> None:
    """Make the terms of `text` the site's only terms."""
    if uses_fts(conn):
        conn.execute(delete(_FTS).where(_FTS.c.rowid == site_id))
        conn.execute(insert(_FTS).values(rowid=site_id, terms=document(text)))
        return
    conn.execute(delete(_TERM).where(_TERM.c.site_id == site_id))
    insert_new(conn, [(site_id, text)])


def insert_new(conn: Connection, sites: Sequence[tuple[int, SearchText]]) -> None:
    """Store the terms of sites that have none yet (a bulk import's new sites)."""
    if not sites:
        return
    if uses_fts(conn):
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.executemany(
            f"INSERT INTO {FTS_TABLE}(rowid, terms) VALUES (?, ?)",
            [(site_id, document(text)) for site_id, text in sites],
        )
        return
    if pg_copy.uses_copy(conn):
        pg_copy.copy_rows(
            conn,
            _TERM,
            ("site_id", "kind", "term"),
            (
                (site_id, kind, term)
                for site_id, text in sites
                for kind, terms in terms_by_kind(text)
                for term in terms
            ),
        )
        return
    rows = [
        {"site_id": site_id, "kind": kind, "term": term}
        for site_id, text in sites
        for kind, terms in terms_by_kind(text)
        for term in terms
    ]
    if rows:
        conn.execute(insert(_TERM), rows)


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """On SQLite, for a large load: no segment merging while loading, one full merge after.

    FTS5 merges its segments as documents arrive; for 100,000 new sites it is cheaper to merge
    them once at the end, which also leaves the index in its fastest shape for queries.
    """
    if not uses_fts(conn):
        yield
        return
    _set_automerge(conn, 0)
    try:
        yield
    except BaseException:
        with suppress(Exception):  # the setting is stored in the database: put the default back
            _set_automerge(conn, 4)
        raise
    conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    _set_automerge(conn, 4)


def _set_automerge(conn: Connection, level: int) -> None:
    conn.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('automerge', {level})"
    )


def terms_of(conn: Connection, site_id: int) -> set[tuple[str, str]]:
    """The (kind, term) pairs stored for a site."""
    if uses_fts(conn):
        doc = conn.execute(select(_FTS.c.terms).where(_FTS.c.rowid == site_id)).scalar()
        return {(_KIND[tok[0]], tok[1:]) for tok in (doc or "").split()}
    rows = conn.execute(select(_TERM.c.kind, _TERM.c.term).where(_TERM.c.site_id == site_id))
    return {(k, t) for k, t in rows}


def all_terms(conn: Connection) -> set[tuple[int, str, str]]:
    """Every stored (site_id, kind, term): for checks that two loads stored the same."""
    if uses_fts(conn):
        docs = conn.execute(select(_FTS.c.rowid, _FTS.c.terms))
        return {(i, _KIND[tok[0]], tok[1:]) for i, doc in docs for tok in doc.split()}
    return {
        (i, k, t) for i, k, t in conn.execute(select(_TERM.c.site_id, _TERM.c.kind, _TERM.c.term))
    }


def count(conn: Connection) -> int:
    """Sites with stored terms (SQLite) or stored term rows (PostgreSQL): grows with the index."""
    src = _FTS if uses_fts(conn) else _TERM
    return int(conn.execute(select(func.count()).select_from(src)).scalar_one())


def candidates(query: Query, dialect: str) -> Any:
    """A select of the ids of sites whose terms could match; `search.rank` decides."""
    if dialect == "sqlite":
        return select(_FTS.c.rowid).where(_FTS.c[FTS_TABLE].op("MATCH")(match_expression(query)))
    if query.is_chinese:
        grams = query_grams(query)
        if len(grams) == 1:  # a site holds a term once: no grouping (a common word has 100,000s)
            return select(_TERM.c.site_id).where(_TERM.c.kind == "zh", _TERM.c.term == grams[0])
        return _all_grams(grams[:MAX_JOINED_GRAMS])
    return (
        select(_TERM.c.site_id)
        .where(
            _TERM.c.kind.in_(LATIN_KINDS),
            _TERM.c.term >= query.latin,
            _TERM.c.term < prefix_upper_bound(query.latin),
        )
        .distinct()
    )


MAX_JOINED_GRAMS = 6
"""Bigrams of a long Chinese query looked up together; the site must hold them all. More only
add joins: the candidates are checked by `search.rank` anyway."""


def _all_grams(grams: Sequence[str]) -> Any:
    """Sites holding every bigram, as a join of one term row a bigram on the site.

    Grouping the term rows of all the bigrams read every row of each: 武汉 is in every
    address of a Wuhan registry, so 武汉纪念 took 3 s on 1,000,000 sites (three such reads).
    Joined, PostgreSQL starts from the rarest bigram (its statistics say which) and probes the
    `(kind, term, site_id)` index for the others.
    """
    rows = [_TERM.alias(f"g{n}") for n in range(len(grams))]
    first = rows[0]
    source = first
    conditions = [first.c.kind == "zh", first.c.term == grams[0]]
    for row, gram in zip(rows[1:], grams[1:], strict=True):
        on = (row.c.site_id == first.c.site_id) & (row.c.kind == "zh") & (row.c.term == gram)
        source = source.join(row, on)
    return select(first.c.site_id).select_from(source).where(*conditions).distinct()


def finds_only_hits(query: Query) -> bool:
    """Whether every site the index finds for `query` is a hit (`search.rank` is not None).

    True for a pinyin, initials or English query: its terms are the name's and aliases'
    syllables, initials and words from each start on, which is where `rank` looks for the
    prefix. A Chinese query's bigrams may be found apart (八七 and 七会 without 八七会), or in
    a story title that is no longer published, so those are checked.
    """
    return not query.is_chinese


def can_join(query: Query, dialect: str) -> bool:
    """Whether `fts_join` can read this query's sites from the index (one Chinese bigram or
    character on PostgreSQL, any query on SQLite)."""
    return dialect == "sqlite" or (query.is_chinese and len(query_grams(query)) == 1)


def fts_join(query: Query, site_id: Any, dialect: str) -> tuple[Any, Any, Any]:
    """(The index joined to sites, its condition, the index's order) for `can_join` queries.

    Read this way, SQLite walks the query's FTS5 posting list and PostgreSQL the term's index
    entries, each looking sites up by id, so a capped count or a page of a common word costs
    what it reads rather than every hit (bench/SCALE.md).
    """
    if dialect != "sqlite":
        (gram,) = query_grams(query)
        source = _TERM.join(site_id.table, site_id == _TERM.c.site_id)
        match = (_TERM.c.kind == "zh") & (_TERM.c.term == gram)
        return source, match, _TERM.c.site_id
    source = _FTS.join(site_id.table, site_id == _FTS.c.rowid)
    match = _FTS.c[FTS_TABLE].op("MATCH")(match_expression(query))
    return source, match, _FTS.c.rowid


def match_expression(query: Query) -> str:
    """The FTS5 query: every n-gram (AND), or the Latin prefix under any Latin kind (OR).

    Examples
    --------
    >>> from redres.catalog.search import parse_query
    >>> match_expression(parse_query("八七会"))
    '"z七会" AND "z八七"'
    >>> match_expression(parse_query("baqi"))
    '"pbaqi"* OR "ibaqi"* OR "ebaqi"*'
    """
    if query.is_chinese:
        return " AND ".join(_quoted("z" + g) for g in query_grams(query))
    return " OR ".join(_quoted(_MARK[k] + query.latin) + "*" for k in LATIN_KINDS)


def _quoted(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def create_fts(conn: Connection) -> None:
    """Create the FTS5 table and its trigger (migration 0005).

    Raises
    ------
    ConfigurationError
        When Python's SQLite library was built without FTS5 (rare: it is in every common build).
    """
    try:
        conn.execute(text(FTS_DDL))
    except OperationalError as exc:
        if "no such module" not in str(exc):
            raise
        msg = (
            f"this SQLite ({sqlite3.sqlite_version}) has no FTS5, which redres's search needs; "
            "use a Python whose sqlite3 module includes it (CPython's usual builds do), or PostgreSQL"
        )
        raise ConfigurationError(msg) from exc
    conn.execute(text(FTS_DELETE_TRIGGER))
