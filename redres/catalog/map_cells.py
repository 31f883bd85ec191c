"""Published sites counted per cell of a fixed web-map grid, kept by the database itself.

The national map's low zooms cover hundreds of thousands of sites per tile; grouping them per
request cost about a second of CPU for the first view of all China at 1,000,000 sites
(bench/MAPS.md). Instead the table ``mapcell`` holds, for every tile of zoom ``CELL_ZOOM``
(about 20 km) that has published sites, their number and the sums of their latitudes,
longitudes and ids. A tile of zoom ``z`` up to ``AGGREGATE_MAX_ZOOM`` and its 8 x 8 cells
(the tiles of zoom ``z + 3``) are then sums of these rows: tiles nest, so a coarser cell is
the sum of the finer ones inside it. A cell's position is the mean of its sites (sums over
count) and a cell of one site names it (the sum of one id is that id).

Triggers on ``site`` keep the table in the same transaction as any write of a site: the
editor's create, edit, publish, unpublish and delete, the bulk import, a restored snapshot, a
raw ``COPY``; no write path can forget it. Published sites without a point are counted in the
row (-1, -1), so the map's extent (how many sites, where) is one read of this table too.

The triggers compute the Mercator row with SQL's ``ln``, ``tan`` and ``cos`` (SQLite needs
its math functions, built in since 3.35 in Debian's and Python's builds). A migration that
rebuilds the ``site`` table on SQLite (Alembic's batch mode) drops its triggers: `ensure`,
run by `redres.db.init_db` after every upgrade, puts them back and recounts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

CELL_ZOOM = 11
"""The grid: tiles of this zoom (2048 x 2048 over the world, ~0.18 degrees of longitude)."""
AGGREGATE_MAX_ZOOM = CELL_ZOOM - 3
"""The deepest tile zoom answered from ``mapcell``: its 8 x 8 cells are tiles of CELL_ZOOM."""
SIDE = 1 << CELL_ZOOM
NO_POINT = -1
"""x and y of the row that counts published sites without a point."""
MAX_LAT = 85.0511287798066
TABLE = "mapcell"
TRIGGERS = ("mapcell_site_insert", "mapcell_site_delete", "mapcell_site_update")
OBJECTS = frozenset({TABLE, "ix_mapcell_empty"})
"""Schema objects written by hand (migration 0027), which the models do not describe."""


def cell_of(lat: float | None, lon: float | None) -> tuple[int, int]:
    """The grid cell (column, row from the north) of a point, as the triggers compute it.

    Examples
    --------
    >>> cell_of(30.6, 114.3)
    (1674, 841)
    >>> cell_of(None, 114.3)
    (-1, -1)
    """
    if lat is None or lon is None:
        return NO_POINT, NO_POINT
    x = min(SIDE - 1, max(0, math.floor((lon + 180.0) / 360.0 * SIDE)))
    r = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    y = math.floor((1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0 * SIDE)
    return x, min(SIDE - 1, max(0, y))


def cell_sql(dialect: str, row: str) -> tuple[str, str]:
    """SQL for the cell (x, y) of the site row named `row` (NEW, OLD or site)."""
    least, greatest = ("LEAST", "GREATEST") if dialect == "postgresql" else ("MIN", "MAX")
    none = f"{row}.lat IS NULL OR {row}.lon IS NULL"
    x = f"FLOOR(({row}.lon + 180.0) / 360.0 * {SIDE})"
    r = f"RADIANS({greatest}(-{MAX_LAT}, {least}({MAX_LAT}, {row}.lat)))"
    y = f"FLOOR((1.0 - LN(TAN({r}) + 1.0 / COS({r})) / PI()) / 2.0 * {SIDE})"

    def clamp(v: str) -> str:
        return (
            f"CASE WHEN {none} THEN {NO_POINT} "
            f"ELSE CAST({least}({SIDE - 1}, {greatest}(0, {v})) AS INTEGER) END"
        )

    return clamp(x), clamp(y)


def _published(row: str) -> str:
    return f"{row}.status = 'published'"


def _add(dialect: str, row: str, where: str) -> str:
    """Count the site `row` in its cell (an upsert)."""
    x, y = cell_sql(dialect, row)
    me = "mapcell." if dialect == "postgresql" else ""
    return (
        f"INSERT INTO mapcell (x, y, n, lat_sum, lon_sum, id_sum) "
        f"SELECT {x}, {y}, 1, COALESCE({row}.lat, 0), COALESCE({row}.lon, 0), {row}.id "
        f"WHERE {where} "
        f"ON CONFLICT (x, y) DO UPDATE SET n = {me}n + 1, "
        f"lat_sum = {me}lat_sum + excluded.lat_sum, lon_sum = {me}lon_sum + excluded.lon_sum, "
        f"id_sum = {me}id_sum + excluded.id_sum"
    )


def _remove(dialect: str, row: str, where: str) -> list[str]:
    """Take the site `row` out of its cell, dropping the cell when it is left empty."""
    x, y = cell_sql(dialect, row)
    at = f"x = {x} AND y = {y}"
    return [
        f"UPDATE mapcell SET n = n - 1, lat_sum = lat_sum - COALESCE({row}.lat, 0), "
        f"lon_sum = lon_sum - COALESCE({row}.lon, 0), id_sum = id_sum - {row}.id "
        f"WHERE {at} AND {where}",
        f"DELETE FROM mapcell WHERE {at} AND n <= 0 AND {where}",
    ]


def create_statements(dialect: str) -> list[str]:
    """The table, its triggers on ``site``, for `dialect` (migration 0027 and `ensure`)."""
    stmts = [
        "CREATE TABLE IF NOT EXISTS mapcell (x INTEGER NOT NULL, y INTEGER NOT NULL, "
        "n INTEGER NOT NULL, lat_sum FLOAT NOT NULL, lon_sum FLOAT NOT NULL, "
        "id_sum BIGINT NOT NULL, CONSTRAINT pk_mapcell PRIMARY KEY (x, y))"
    ]
    moved = "OLD.status {ne} NEW.status OR OLD.lat {ne} NEW.lat OR OLD.lon {ne} NEW.lon OR OLD.id {ne} NEW.id"
    if dialect == "postgresql":
        return stmts + _postgres_statements()
    moved = moved.format(ne="IS NOT")
    stmts += [
        "DROP TRIGGER IF EXISTS mapcell_site_insert",
        "DROP TRIGGER IF EXISTS mapcell_site_delete",
        "DROP TRIGGER IF EXISTS mapcell_site_update",
        f"CREATE TRIGGER mapcell_site_insert AFTER INSERT ON site BEGIN "
        f"{_add(dialect, 'NEW', _published('NEW'))}; END",
        f"CREATE TRIGGER mapcell_site_delete AFTER DELETE ON site BEGIN "
        f"{'; '.join(_remove(dialect, 'OLD', _published('OLD')))}; END",
        f"CREATE TRIGGER mapcell_site_update AFTER UPDATE OF status, lat, lon, id ON site "
        f"WHEN {moved} BEGIN "
        f"{'; '.join(_remove(dialect, 'OLD', _published('OLD')))}; "
        f"{_add(dialect, 'NEW', _published('NEW'))}; END",
    ]
    return stmts


def _postgres_statements() -> list[str]:
    """Statement-level triggers over transition tables: one upsert per cell and statement.

    Row-level triggers updated a cell's row once per site; PostgreSQL keeps every version of
    a row updated many times in one transaction and walks them all at each update, so a
    million-site COPY slowed quadratically with the sites per cell (it had not finished in
    half an hour). Here a statement's rows are summed per cell first (an edit that moves
    nothing sums to zero and touches no cell).
    """
    x_old, y_old = cell_sql("postgresql", "o")
    x_new, y_new = cell_sql("postgresql", "w")
    removed = (
        f"SELECT {x_old} AS x, {y_old} AS y, -1 AS dn, -COALESCE(o.lat, 0) AS dlat, "
        f"-COALESCE(o.lon, 0) AS dlon, -o.id AS did FROM old_rows o WHERE o.status = 'published'"
    )
    added = (
        f"SELECT {x_new} AS x, {y_new} AS y, 1 AS dn, COALESCE(w.lat, 0) AS dlat, "
        f"COALESCE(w.lon, 0) AS dlon, w.id AS did "
        f"FROM new_rows w WHERE w.status = 'published'"
    )

    def apply(parts: str) -> str:
        return (
            "INSERT INTO mapcell AS m (x, y, n, lat_sum, lon_sum, id_sum) "
            "SELECT x, y, SUM(dn), SUM(dlat), SUM(dlon), SUM(did) "
            f"FROM ({parts}) AS d GROUP BY x, y "
            "HAVING SUM(dn) <> 0 OR SUM(did) <> 0 OR SUM(dlat) <> 0 OR SUM(dlon) <> 0 "
            "ORDER BY x, y "  # cells locked in one order: two single statements wait, not deadlock
            "ON CONFLICT (x, y) DO UPDATE SET n = m.n + excluded.n, "
            "lat_sum = m.lat_sum + excluded.lat_sum, lon_sum = m.lon_sum + excluded.lon_sum, "
            "id_sum = m.id_sum + excluded.id_sum"
        )

    def function(name: str, parts: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  {apply(parts)};\n"
            "  DELETE FROM mapcell WHERE n <= 0;\n  RETURN NULL;\nEND $$"
        )

    return [
        "CREATE INDEX IF NOT EXISTS ix_mapcell_empty ON mapcell (x) WHERE n <= 0",
        function("mapcell_site_insert", added),
        function("mapcell_site_delete", removed),
        function("mapcell_site_update", f"{removed} UNION ALL {added}"),
        *(f"DROP TRIGGER IF EXISTS {t} ON site" for t in TRIGGERS),
        "CREATE TRIGGER mapcell_site_insert AFTER INSERT ON site REFERENCING NEW TABLE AS "
        "new_rows FOR EACH STATEMENT EXECUTE FUNCTION mapcell_site_insert()",
        "CREATE TRIGGER mapcell_site_delete AFTER DELETE ON site REFERENCING OLD TABLE AS "
        "old_rows FOR EACH STATEMENT EXECUTE FUNCTION mapcell_site_delete()",
        "CREATE TRIGGER mapcell_site_update AFTER UPDATE ON site REFERENCING OLD TABLE AS "
        "old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "
        "mapcell_site_update()",
    ]


def drop_trigger_statements(dialect: str) -> list[str]:
    """Take the triggers off ``site``, keeping the table (a bulk load recounts it after)."""
    if dialect == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {t} ON site" for t in TRIGGERS),
            *(f"DROP FUNCTION IF EXISTS {t}()" for t in TRIGGERS),
        ]
    return [f"DROP TRIGGER IF EXISTS {t}" for t in TRIGGERS]


def drop_statements(dialect: str) -> list[str]:
    """Undo `create_statements` (migration 0027's downgrade)."""
    return [*drop_trigger_statements(dialect), "DROP TABLE IF EXISTS mapcell"]


def rebuild(conn: Connection) -> None:
    """Recount every cell from ``site`` in one statement (after creating the triggers)."""
    x, y = cell_sql(conn.dialect.name, "site")
    conn.execute(text("DELETE FROM mapcell"))
    conn.execute(
        text(
            f"INSERT INTO mapcell (x, y, n, lat_sum, lon_sum, id_sum) "
            f"SELECT cx, cy, COUNT(*), SUM(la), SUM(lo), SUM(i) FROM ("
            f"SELECT {x} AS cx, {y} AS cy, COALESCE(site.lat, 0) AS la, "
            f"COALESCE(site.lon, 0) AS lo, site.id AS i FROM site WHERE {_published('site')}"
            f") AS cells GROUP BY cx, cy"
        )
    )


def trigger_names(conn: Connection, tables: Sequence[str]) -> set[str]:
    """The triggers on `tables`: a migration that rebuilt a table dropped its own."""
    if conn.dialect.name == "postgresql":
        names = ", ".join(f"'{t}'::regclass" for t in tables)
        query = f"SELECT tgname FROM pg_trigger WHERE tgrelid IN ({names})"
    else:
        names = ", ".join(f"'{t}'" for t in tables)
        query = f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({names})"
    return {str(r[0]) for r in conn.exec_driver_sql(query)}


def install(conn: Connection) -> None:
    """Create the table and triggers and count every published site (migration 0027)."""
    for stmt in create_statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
    rebuild(conn)


def ensure(conn: Connection) -> bool:
    """Put the triggers back and recount when a migration dropped them; True when it had to."""
    if trigger_names(conn, ("site",)) >= set(TRIGGERS):
        return False
    install(conn)
    return True


@dataclass(frozen=True, slots=True)
class CellCount:
    """One cell of a tile: its sites' number, mean position and, when alone, its id."""

    n: int
    lat: float
    lon: float
    only: int | None


def tile_cells(conn: Connection, z: int, x: int, y: int) -> list[CellCount]:
    """The 8 x 8 cells of tile `z/x/y` (z <= AGGREGATE_MAX_ZOOM) that hold published sites."""
    range_, params = tile_range(z, x, y)
    rows = conn.execute(
        text(
            "SELECT x / :g AS gx, y / :g AS gy, SUM(n), SUM(lat_sum), SUM(lon_sum), SUM(id_sum) "
            f"FROM mapcell WHERE {range_} GROUP BY gx, gy"
        ),
        params,
    )
    return cells_of_rows(rows)


def tile_range(z: int, x: int, y: int) -> tuple[str, dict[str, int]]:
    """The SQL condition on (x, y) of the grid cells inside tile `z/x/y`, with its parameters
    (``g``: how many grid cells make one of the tile's 8 x 8 cells, per side)."""
    if not 0 <= z <= AGGREGATE_MAX_ZOOM:
        msg = f"zoom {z} is not kept in {TABLE} (0-{AGGREGATE_MAX_ZOOM})"
        raise ValueError(msg)
    shift = CELL_ZOOM - z
    params = {
        "g": 1 << (shift - 3),
        "x0": x << shift,
        "x1": (x + 1) << shift,
        "y0": y << shift,
        "y1": (y + 1) << shift,
    }
    return "x >= :x0 AND x < :x1 AND y >= :y0 AND y < :y1", params


def cells_of_rows(rows: Iterable[Sequence[Any]]) -> list[CellCount]:
    """Cells from summed rows (gx, gy, n, lat_sum, lon_sum, id_sum), the empty ones left out."""
    cells = []
    for _, _, n, lat_sum, lon_sum, id_sum in rows:
        count = int(n)
        if count > 0:
            cells.append(
                CellCount(
                    count,
                    float(lat_sum) / count,
                    float(lon_sum) / count,
                    int(id_sum) if count == 1 else None,
                )
            )
    return cells


@dataclass(frozen=True, slots=True)
class MapExtent:
    """How many published sites have a point, and the box around them (None when none)."""

    located: int
    unlocated: int
    box: tuple[float, float, float, float] | None


def extent(conn: Connection) -> MapExtent:
    """How many published sites, and where (to a cell's width), from one read of ``mapcell``."""
    located, unlocated, x0, x1, y0, y1 = conn.execute(
        text(
            "SELECT SUM(CASE WHEN x >= 0 THEN n ELSE 0 END), SUM(CASE WHEN x < 0 THEN n ELSE 0 END),"
            " MIN(CASE WHEN x >= 0 THEN x END), MAX(x), MIN(CASE WHEN y >= 0 THEN y END), MAX(y)"
            " FROM mapcell"
        )
    ).one()
    located = int(located or 0)
    box = None
    if located:
        box = (
            int(x0) / SIDE * 360.0 - 180.0,
            _lat((int(y1) + 1) / SIDE),
            (int(x1) + 1) / SIDE * 360.0 - 180.0,
            _lat(int(y0) / SIDE),
        )
    return MapExtent(located, int(unlocated or 0), box)


def _lat(fraction: float) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * fraction))))
