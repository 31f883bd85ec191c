"""The catalogue's version: one number in the database that moves with every committed change.

Caches of what the catalogue shows (rendered pages, JSON reads, solved plans) are keyed by it,
so a read after any committed write misses and is built afresh, in every worker process: the
number lives in the database (the SQLite file or PostgreSQL), not in a process.

It is kept by the database engine, not by each writer: `watch` hooks an engine so that a
transaction that inserted, updated or deleted a row of any table but the bookkeeping ones
(`IGNORED`) moves the number as the last statement before its commit. No write path can
forget it, bulk inserts and plain SQL included. The update takes the row's lock, so two
writers' commits always give two different numbers, in commit order (an id from a sequence,
such as the newest audit entry's, can commit out of order on PostgreSQL). The new number is at
least the current time in microseconds, so it never goes back to a value an older cache used,
even after a restore put an older number back.

A writer that bypasses SQLAlchemy's cursor (a raw COPY) calls `mark_changed` on its connection.
"""

from __future__ import annotations

import re
import time
from typing import Any

from sqlalchemy import BigInteger, Connection, Engine, event, text
from sqlmodel import Field, SQLModel

IGNORED = frozenset({"alembic_version", "catalogueversion", "ratehit", "apitoken", "importjob"})
"""Tables whose changes show on no page: migrations, this counter, rate-limit counts, sign-in
tokens, background job progress."""

_CHANGED = "redres_catalogue_changed"
_PAUSED = "redres_catalogue_paused"
_DML = re.compile(r"^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+\"?(\w+)", re.I)
_BUMP = (
    "UPDATE catalogueversion SET version = CASE WHEN version + 1 > {now} "
    "THEN version + 1 ELSE {now} END WHERE id = 1"
)


class CatalogueVersion(SQLModel, table=True):
    """The one row (id 1) holding the catalogue's version."""

    id: int = Field(primary_key=True)
    version: int = Field(default=0, sa_type=BigInteger)


def watch(engine: Engine) -> None:
    """Make every commit on `engine` that changed a catalogue table move the version."""
    event.listen(engine, "after_cursor_execute", _after_execute)
    event.listen(engine, "commit", _before_commit)
    event.listen(engine, "rollback", _forget)


def current(conn: Connection) -> int | None:
    """The version now, or None when this database has no counter row (then cache nothing)."""
    row = conn.execute(text("SELECT version FROM catalogueversion WHERE id = 1")).first()
    return None if row is None else int(row[0])


def mark_changed(conn: Connection) -> None:
    """Count this transaction as a change (for writes SQLAlchemy's cursor events do not see)."""
    conn.info[_CHANGED] = True


def paused(conn: Connection, on: bool) -> None:
    """Switch counting off on a connection that runs migrations (the table may not exist yet)."""
    if on:
        conn.info[_PAUSED] = True
    else:
        conn.info.pop(_PAUSED, None)


def changed_table(statement: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE writes to, lower-cased; None for anything else.

    Examples
    --------
    >>> changed_table('INSERT INTO site (name) VALUES (?)')
    'site'
    >>> changed_table('UPDATE "ratehit" SET at=1'), changed_table('SELECT 1 FROM site')
    ('ratehit', None)
    """
    found = _DML.match(statement)
    return found.group(1).lower() if found else None


def _after_execute(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if conn.info.get(_CHANGED) or conn.info.get(_PAUSED):
        return
    table = changed_table(statement)
    if table is not None and table not in IGNORED:
        conn.info[_CHANGED] = True


def _before_commit(conn: Connection) -> None:
    """Runs just before the DBAPI commit, in the same transaction, on the raw cursor (no
    events, so no recursion)."""
    if not conn.info.pop(_CHANGED, False) or conn.info.get(_PAUSED):
        return
    # Inside a savepoint on PostgreSQL, so a database without the table (a test that migrated
    # down) still commits; SQLite keeps its transaction when one statement fails.
    guard = conn.dialect.name == "postgresql"
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if guard:
            cursor.execute("SAVEPOINT redres_catalogue_version")
        cursor.execute(_BUMP.format(now=time.time_ns() // 1000))
        if guard:
            cursor.execute("RELEASE SAVEPOINT redres_catalogue_version")
    except Exception:
        if guard:
            cursor.execute("ROLLBACK TO SAVEPOINT redres_catalogue_version")
    finally:
        cursor.close()


def _forget(conn: Connection) -> None:
    conn.info.pop(_CHANGED, None)
