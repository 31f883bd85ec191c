"""PostgreSQL bulk writes through `COPY ... FROM STDIN`, inside the caller's transaction.

An import of a national register writes a million site rows and some thirty million search
terms. As `INSERT` statements (SQLAlchemy's executemany) each row is parsed, planned and
executed; `COPY` streams them in one statement per table and batch, which PostgreSQL loads
several times faster (bench/SCALE.md). The rows go through the driver connection the session
already uses, so they are in the same transaction: a failure or a rollback leaves nothing.

Values are the ones SQLAlchemy would bind (its bind processors: JSON, datetimes, booleans),
so what is stored does not depend on the path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, text


def uses_copy(conn: Connection) -> bool:
    """Whether this connection loads with COPY (PostgreSQL through psycopg 3)."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"


def reserve_ids(conn: Connection, table: Table, n: int) -> list[int]:
    """`n` fresh ids from the table's `id` sequence, ascending, for rows COPY then writes.

    Taking them first is what lets COPY (which returns nothing) write rows whose ids the
    caller needs for their terms, themes and audit entries.
    """
    if n <= 0:
        return []
    stmt = text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)")
    return sorted(int(i) for i in conn.execute(stmt, {"t": table.name, "n": n}).scalars())


def copy_rows(
    conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """COPY `rows` (tuples in `columns` order, values as the driver takes them) into `table`."""
    raw = conn.connection.driver_connection
    assert raw is not None
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def copy_dicts(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """COPY full rows given as dicts (all with the same keys), through SQLAlchemy's bind
    processors, so that JSON and datetimes are stored as `insert()` stores them."""
    if not rows:
        return
    names = list(rows[0])
    procs = [
        (i, proc)
        for i, n in enumerate(names)
        if (proc := table.c[n].type._cached_bind_processor(conn.dialect)) is not None
    ]

    def tuples() -> Iterable[list[Any]]:
        for r in rows:
            values = [r[n] for n in names]
            for i, proc in procs:
                values[i] = proc(values[i])
            yield values

    copy_rows(conn, table, names, tuples())
