"""Published sites counted per grid cell and per value of each filter the map offers.

``mapcell`` (`catalog.map_cells`) answers the unfiltered map; a map filtered by category
or a theme toggled off in the layer control still grouped every site of the view per request:
4.5 s of CPU for ``category=museum`` over all China at 1,000,000 sites (bench/MAPS.md). The
table ``mapfacet`` holds the same sums (count, latitudes, longitudes, ids) per cell of
``map_cells.CELL_ZOOM`` and per *facet*: a ``kind`` and its ``value``:

- ``category``, ``period``, ``protection``, ``district``: the site's column, as stored (a
  site without a period is in no ``period`` row);
- ``themes``: the sorted ids of the themes the site is linked to, as ``,3,17,`` (``''`` for
  none). Every site is in exactly one ``themes`` row, so any set of themes (the layer control
  shows the sites linked to one of the themes left on, plus the untagged ones) is a sum over
  the values that match it, with no site counted twice.

A filter on one facet then costs what the unfiltered map does; several filters at once are
grouped from ``site`` as before (`catalog.map_clusters`).

Triggers keep the table in the same transaction as every write: on ``site`` (create, move,
recategorise, publish, unpublish, archive, delete, the import, a raw ``COPY``) and on
``sitetheme`` (a link made or removed moves the site to its new ``themes`` value). A site's
delete is counted *before* the row goes (``BEFORE DELETE``), while its theme links, which
the foreign key then deletes with it, still say where it was counted; the links' own
triggers find no site and do nothing. On PostgreSQL the other triggers run once per
statement over transition tables (one upsert per cell, in a fixed order); the delete runs
per row.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, bindparam, text

from redres.catalog._facet_sql import (
    COLS,
    COLUMNS,
    LINK_TRIGGERS,
    OBJECTS,
    SITE_TRIGGERS,
    TABLE,
    THEMES,
    TRIGGERS,
    create_statements,
)
from redres.catalog.map_cells import CellCount, cell_sql, cells_of_rows, tile_range, trigger_names

__all__ = [
    "COLUMNS",
    "OBJECTS",
    "TABLE",
    "THEMES",
    "TRIGGERS",
    "CellCount",
    "create_statements",
    "drop_statements",
    "drop_trigger_statements",
    "ensure",
    "install",
    "key_ids",
    "rebuild",
    "theme_key",
    "theme_values",
    "tile_cells",
]


def theme_key(theme_ids: Sequence[int]) -> str:
    """The ``themes`` value of a site linked to `theme_ids`, as the triggers write it.

    Examples
    --------
    >>> theme_key([17, 3])
    ',3,17,'
    >>> theme_key([])
    ''
    """
    return "".join(f",{i}" for i in sorted(set(theme_ids))) + ("," if theme_ids else "")


def key_ids(key: str) -> frozenset[int]:
    """The theme ids a ``themes`` value names (`theme_key` undone)."""
    return frozenset(int(part) for part in key.split(",") if part)


def drop_trigger_statements(dialect: str) -> list[str]:
    """Take the triggers off ``site`` and ``sitetheme``, keeping the table (a bulk load
    recounts it after)."""
    if dialect == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {t} ON site" for t in SITE_TRIGGERS),
            *(f"DROP TRIGGER IF EXISTS {t} ON sitetheme" for t in LINK_TRIGGERS),
            *(f"DROP FUNCTION IF EXISTS {t}()" for t in TRIGGERS),
        ]
    return [f"DROP TRIGGER IF EXISTS {t}" for t in TRIGGERS]


def drop_statements(dialect: str) -> list[str]:
    """Undo `create_statements` (migration 0028's downgrade)."""
    return [*drop_trigger_statements(dialect), f"DROP TABLE IF EXISTS {TABLE}"]


def rebuild(conn: Connection) -> None:
    """Recount every facet of every cell from ``site`` and ``sitetheme``.

    Each published site's cell and set of themes are computed once into a temporary table,
    then grouped per facet: 7.9 s of CPU at 1,000,000 sites on SQLite, against 17.8 s for one
    statement per facet over ``site`` (bench/MAPS.md).
    """
    d = conn.dialect.name
    x, y = cell_sql(d, "site")
    if d == "postgresql":
        agg = "string_agg(theme_id::text, ',' ORDER BY theme_id)"
        ordered = "sitetheme"
    else:
        agg = "group_concat(theme_id, ',')"
        ordered = "(SELECT site_id, theme_id FROM sitetheme ORDER BY site_id, theme_id)"
    conn.execute(text(f"DELETE FROM {TABLE}"))
    conn.execute(text("DROP TABLE IF EXISTS mapfacet_src"))
    conn.execute(
        text(
            f"CREATE TEMP TABLE mapfacet_src AS SELECT {x} AS cx, {y} AS cy, "
            "COALESCE(site.lat, 0) AS la, COALESCE(site.lon, 0) AS lo, site.id AS i, "
            f"{', '.join(f'site.{c} AS {c}' for c in COLUMNS)}, COALESCE(q.k, '') AS {THEMES} "
            f"FROM site LEFT JOIN (SELECT site_id, ',' || {agg} || ',' AS k FROM {ordered} AS o "
            "GROUP BY site_id) AS q ON q.site_id = site.id WHERE site.status = 'published'"
        )
    )
    for kind in (*COLUMNS, THEMES):
        conn.execute(
            text(
                f"INSERT INTO {TABLE} ({COLS}) SELECT '{kind}', {kind}, cx, cy, COUNT(*), "
                f"SUM(la), SUM(lo), SUM(i) FROM mapfacet_src WHERE {kind} IS NOT NULL "
                f"GROUP BY {kind}, cx, cy"
            )
        )
    conn.execute(text("DROP TABLE mapfacet_src"))


def install(conn: Connection) -> None:
    """Create the table and triggers and count every published site (migration 0028)."""
    for stmt in create_statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
    rebuild(conn)


def ensure(conn: Connection) -> bool:
    """Put the triggers back and recount when a migration dropped them; True when it had to."""
    if trigger_names(conn, ("site", "sitetheme")) >= set(TRIGGERS):
        return False
    install(conn)
    return True


MAX_VALUES = 500
"""At most this many values summed for one tile; beyond, the caller groups the sites."""


def theme_values(conn: Connection) -> list[str]:
    """Every ``themes`` value counted, by a walk of the index (one seek per value)."""
    rows = conn.execute(
        text(
            f"WITH RECURSIVE k(v) AS (SELECT MIN(value) FROM {TABLE} WHERE kind = '{THEMES}' "
            f"UNION ALL SELECT (SELECT MIN(value) FROM {TABLE} WHERE kind = '{THEMES}' "
            "AND value > k.v) FROM k WHERE k.v IS NOT NULL) SELECT v FROM k WHERE v IS NOT NULL"
        )
    )
    return [str(r[0]) for r in rows]


def tile_cells(
    conn: Connection,
    kind: str,
    values: Sequence[str],
    tile: tuple[int, int, int],
    *,
    others: bool = False,
) -> list[CellCount]:
    """The 8 x 8 cells of `tile` (z, x, y) holding published sites of facet `kind` in
    `values`, or with `others` those in none of them.

    `others` subtracts the `values`' counts from ``mapcell``'s (every published site is in
    exactly one ``themes`` row): a layer control with one theme off sums one value instead of
    hundreds of the others.
    """
    range_, params = tile_range(*tile)
    sums = "SUM(n), SUM(lat_sum), SUM(lon_sum), SUM(id_sum)"
    cells: dict[tuple[int, int], tuple[int, float, float, int]] = {}
    if values:
        stmt = text(
            f"SELECT x / :g AS gx, y / :g AS gy, {sums} FROM {TABLE} WHERE kind = :kind "
            f"AND value IN :values AND {range_} GROUP BY gx, gy"
        ).bindparams(bindparam("values", expanding=True))
        found = conn.execute(stmt, {**params, "kind": kind, "values": list(values)})
        for gx, gy, n, lat, lon, ids in found:
            cells[gx, gy] = (int(n), float(lat), float(lon), int(ids))
    if not others:
        return cells_of_rows((gx, gy, *v) for (gx, gy), v in cells.items())
    whole = text(
        f"SELECT x / :g AS gx, y / :g AS gy, {sums} FROM mapcell WHERE {range_} GROUP BY gx, gy"
    )
    rows = []
    for gx, gy, n, lat, lon, ids in conn.execute(whole, params):
        less_n, less_lat, less_lon, less_ids = cells.get((gx, gy), (0, 0.0, 0.0, 0))
        rows.append(
            (
                gx,
                gy,
                int(n) - less_n,
                float(lat) - less_lat,
                float(lon) - less_lon,
                int(ids) - less_ids,
            )
        )
    return cells_of_rows(rows)
