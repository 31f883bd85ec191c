"""Copy a whole catalogue between test databases of the same engine, rows and ids as they are.

Loading the Wuhan demo through `load_demo` takes seconds (every site is validated, indexed
for search and audited); tests that change it need a fresh one each, so the rows of the
session's demo database are read once and written into the emptied test database instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Table, text
from sqlmodel import SQLModel

from redres.catalog import search_index


@dataclass(frozen=True)
class Snapshot:
    """Every row of a database, and where its id sequences stood (PostgreSQL)."""

    dialect: str
    tables: list[tuple[Table, list[dict[str, Any]]]]
    fts_documents: list[dict[str, Any]]
    sequences: dict[str, int]


NOT_CATALOGUE = frozenset({"ratehit", "catalogueversion"})
"""Tables that hold no catalogue data: calls counted by rate limits, which tests on the shared
demo database leave behind, and the catalogue's version, which only ever moves on."""


def snapshot(engine: Engine) -> Snapshot:
    """Read every catalogue row of `engine`, parents before children."""
    tables = []
    documents: list[dict[str, Any]] = []
    sequences: dict[str, int] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in NOT_CATALOGUE:
                continue
            if table.name == "searchterm" and search_index.uses_fts(conn):
                fts = f'SELECT rowid AS rowid, terms FROM "{search_index.FTS_TABLE}" ORDER BY rowid'
                documents = [dict(r) for r in conn.execute(text(fts)).mappings()]
                continue
            rows = [dict(r) for r in conn.execute(table.select()).mappings()]
            tables.append((table, _parents_first(table, rows)))
        if engine.dialect.name == "postgresql":
            query = (
                "SELECT sequencename, last_value FROM pg_sequences"
                " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
            )
            sequences = {str(name): int(value) for name, value in conn.execute(text(query))}
    return Snapshot(engine.dialect.name, tables, documents, sequences)


def restore_snapshot(engine: Engine, snap: Snapshot) -> None:
    """Write `snap` into the emptied database of `engine`, in one transaction."""
    if engine.dialect.name != snap.dialect:
        msg = f"a {snap.dialect} snapshot cannot be written to {engine.dialect.name}"
        raise ValueError(msg)
    with engine.begin() as conn:
        for table, rows in snap.tables:
            if rows:
                conn.execute(table.insert(), rows)
        if snap.fts_documents:
            fts = f'INSERT INTO "{search_index.FTS_TABLE}" (rowid, terms) VALUES (:rowid, :terms)'
            conn.execute(text(fts), snap.fts_documents)
        _set_sequences(conn, snap.sequences)


def _set_sequences(conn: Connection, sequences: dict[str, int]) -> None:
    for name, value in sequences.items():
        conn.execute(
            text(
                "SELECT setval(format('%I.%I', current_schema(), CAST(:name AS text))::regclass, CAST(:value AS bigint))"
            ),
            {"name": name, "value": value},
        )


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself (a site's parent site) with each parent first."""
    links = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not links:
        return rows
    done: set[tuple[str, Any]] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [
            r
            for r in waiting
            if all(r[child] is None or (parent, r[child]) in done for child, parent in links)
        ]
        if not ready:
            msg = f"rows of {table.name} refer to each other in a cycle"
            raise ValueError(msg)
        ordered += ready
        done |= {(parent, r[parent]) for r in ready for _, parent in links}
        placed = {id(r) for r in ready}
        waiting = [r for r in waiting if id(r) not in placed]
    return ordered
