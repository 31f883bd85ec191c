"""A first load on PostgreSQL (a large import into a registry with no site yet): what a load
may skip while it writes, and the work that makes up for it at the end, in the same
transaction (`bulk.insert_sites` enters it; bench/SCALE.md measures it).

- The search terms' secondary indexes are dropped and built once at the end: COPY put each
  of some fifty rows a site into `ix_searchterm_kind_term_site` at a random place.
- The map's insert triggers are disabled and the counts made from all the sites at the end.
- The foreign keys are not checked row by row (each of the ~50 term rows of a site ran its
  own `SELECT ... FOR KEY SHARE` on `site`: most of the server's time once the indexes were
  gone). The load runs with `session_replication_role = replica` for this transaction only,
  which skips the check triggers of this session's writes and nobody else's; at the end one
  anti-join per foreign key checks every row written (a few seconds for 50 M rows) and a
  dangling reference fails the import. This needs the right to set that parameter
  (superuser, or `GRANT SET ON PARAMETER session_replication_role` on PostgreSQL 15+,
  docs/deploy.md); without it the rows are checked as they are written.

Why not drop the foreign keys: `ALTER TABLE searchterm DROP CONSTRAINT` takes an ACCESS
EXCLUSIVE lock on `site` until the commit, so every page (lists, maps, the import job's own
progress page) would wait for the whole load. Skipping the checks takes no lock at all; the
constraints stay in the catalog, valid, and check every later write. The one row a check
would have locked that another session could delete is a theme: the load locks the themes
`FOR KEY SHARE` itself, as the checks would have.

Locks, held until the import commits: `ALTER TABLE ... DISABLE TRIGGER` keeps other writers
of `site` and `sitetheme` waiting (nobody can add a site the counts would miss) but not
readers; `DROP INDEX` locks `searchterm`, so a search by name during the load waits for it and
then sees all of it, never a part, while pages that do not search by name go on. The
triggers are taken first, so a writer holding `site` finishes before `searchterm` is locked
(no deadlock). DDL and `SET LOCAL` are transactional: a failure rolls all of it back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Connection, Table

from redres.catalog import map_cells, map_facets, map_profiles
from redres.catalog.account_tables import AuditLog
from redres.catalog.models import Site, SiteTheme
from redres.catalog.state_tables import SearchTerm

MAINTENANCE_MEM = "512MB"
"""PostgreSQL's sort memory for the index builds at the end of a first load (`SET LOCAL`)."""
MAP_INSERT_TRIGGERS = (
    ("site", "mapcell_site_insert"),
    ("site", "mapfacet_site_insert"),
    ("sitetheme", "mapfacet_link_insert"),
    ("site", "mapprofile_site_insert"),
    ("sitetheme", "mapprofile_link_insert"),
)
"""The map's triggers that a load fires on PostgreSQL (inserts of sites and theme links)."""
_TERM: Table = SearchTerm.__table__  # type: ignore[attr-defined]
WRITTEN: tuple[Table, ...] = (
    Site.__table__,  # type: ignore[attr-defined]
    _TERM,
    SiteTheme.__table__,  # type: ignore[attr-defined]
    AuditLog.__table__,  # type: ignore[attr-defined]
)
"""The tables `bulk.insert_sites` writes: their foreign keys are checked at the end."""
_ROLE = "session_replication_role"


class DanglingReference(RuntimeError):
    """A first load wrote a row whose foreign key points at nothing (a bug: it is rolled back)."""


@contextmanager
def first_load(conn: Connection, n_sites: int, *, threshold: int) -> Iterator[None]:
    """Load with the indexes, triggers and checks above set aside, for `n_sites` >= `threshold`
    into a registry without sites on PostgreSQL; anything else is left as it is."""
    if conn.dialect.name != "postgresql" or n_sites < threshold:
        yield
        return
    if conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM site)").scalar():
        yield
        return
    conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_MEM}'")
    for table, trigger in MAP_INSERT_TRIGGERS:
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    role = None
    if may_skip_checks(conn):
        conn.exec_driver_sql("SELECT id FROM theme ORDER BY id FOR KEY SHARE")
        role = str(conn.exec_driver_sql(f"SHOW {_ROLE}").scalar())
        conn.exec_driver_sql(f"SET LOCAL {_ROLE} = replica")
    indexes = sorted((ix for ix in _TERM.indexes if not ix.unique), key=lambda ix: str(ix.name))
    for index in indexes:
        index.drop(conn)
    try:
        yield
    except BaseException:
        with suppress(Exception):  # a caller that catches and commits anyway keeps them all
            finish_load(conn, indexes, role)
        raise
    finish_load(conn, indexes, role)


def may_skip_checks(conn: Connection) -> bool:
    """Whether this role may set `session_replication_role` (else rows are checked as written)."""
    if (conn.dialect.server_version_info or (0,)) >= (15,):
        sql = f"SELECT has_parameter_privilege('{_ROLE}', 'SET')"
    else:
        sql = "SELECT current_setting('is_superuser') = 'on'"
    return bool(conn.exec_driver_sql(sql).scalar())


def finish_load(conn: Connection, indexes: Sequence[Any], role: str | None) -> None:
    """Checks back on and every written reference checked, indexes built, map counts made.

    Raises
    ------
    DanglingReference
        When a written row points at no row (the import then rolls back).
    """
    if role is not None:
        conn.exec_driver_sql(f"SET LOCAL {_ROLE} = {role}")
        check_references(conn)
    for index in indexes:
        index.create(conn)
    for table, trigger in MAP_INSERT_TRIGGERS:
        conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
    for counts in (map_cells, map_facets, map_profiles):
        counts.rebuild(conn)


def check_references(conn: Connection) -> None:
    """One anti-join per foreign key of the written tables: what the skipped checks checked.

    Raises
    ------
    DanglingReference
        When a row of one of them points at no row.
    """
    for table in WRITTEN:
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            child, parent = fk.parent.name, fk.column
            sql = (
                f'SELECT c."{child}" FROM "{table.name}" AS c WHERE c."{child}" IS NOT NULL '
                f'AND NOT EXISTS (SELECT 1 FROM "{parent.table.name}" AS p '
                f'WHERE p."{parent.name}" = c."{child}") LIMIT 1'
            )
            missing = conn.exec_driver_sql(sql).scalar()
            if missing is not None:
                msg = (
                    f"导入写入的 {table.name}.{child} = {missing} 指向不存在的 "
                    f"{parent.table.name}，本次导入不予保存 / a first load wrote "
                    f"{table.name}.{child} = {missing}, which points at no {parent.table.name}: "
                    "the import is not kept"
                )
                raise DanglingReference(msg)
