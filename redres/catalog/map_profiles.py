"""Published sites counted per grid cell and per *profile*: the full combination of the values
the map filters on (category, period, protection, district, set of themes).

``mapfacet`` (`catalog.map_facets`) answers a map filtered on one facet; two at once (a
category and a protection level, a category with a theme toggled off in the layer control)
were grouped from every site of the view: 4.4-4.6 s of CPU over all China at 1,000,000 sites
on SQLite, 3-6 s on PostgreSQL (bench/MAPS.md). The table ``mapprofile`` holds the same sums
(count, latitudes, longitudes, ids) per cell and per profile, so any combination of filters
is a sum of the rows of the tile that match it, exact, whatever the filters' number.

Rows are kept at two levels, the cells of zoom 8 and of zoom 11 (`_profile_sql.LEVELS`): a
tile of zoom ``z`` reads the coarsest level that still splits it into its 8 x 8 cells, so
the all-China view (zoom 3) sums zoom-8 cells, where the sites of one profile around a city
share a row, and a tile of zoom 6-8 sums the few zoom-11 cells it covers. Rows are keyed by
the cell's Morton code (its column's and row's bits interleaved), so the cells of any tile
are one range of the key: a tile reads its own rows and no others.

The triggers are those of ``mapfacet`` with these rows (same transaction as every write of
a site or a theme link; a site's delete counted before its links go; on PostgreSQL statement
triggers over transition tables, the delete per row); bulk loads take them off and recount
(`catalog.bulk`), as for the other map counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, bindparam, text

from redres.catalog._facet_sql import COLUMNS, THEMES
from redres.catalog._profile_sql import (
    LEVELS,
    LINK_TRIGGERS,
    OBJECTS,
    SITE_TRIGGERS,
    TABLE,
    TRIGGERS,
    create_statements,
    morton_sql,
)
from redres.catalog.map_cells import CELL_ZOOM, CellCount, cell_sql, cells_of_rows, trigger_names

__all__ = [
    "LEVELS",
    "OBJECTS",
    "TABLE",
    "TRIGGERS",
    "create_statements",
    "drop_statements",
    "drop_trigger_statements",
    "ensure",
    "install",
    "level_of",
    "morton",
    "rebuild",
    "tile_cells",
]


def morton(x: int, y: int) -> int:
    """The Morton code of cell (`x`, `y`): the bits of x and y interleaved, x's above.

    Examples
    --------
    >>> morton(1, 0), morton(0, 1), morton(3, 3), morton(2, 1)
    (2, 1, 15, 9)
    """
    code = 0
    for i in range(max(x.bit_length(), y.bit_length())):
        code |= ((x >> i) & 1) << (2 * i + 1) | ((y >> i) & 1) << (2 * i)
    return code


def level_of(z: int) -> int:
    """The kept level whose cells a tile of zoom `z` sums: the coarsest splitting it 8 x 8.

    Examples
    --------
    >>> [level_of(z) for z in (0, 5, 6, 8)]
    [8, 8, 11, 11]
    """
    for level in LEVELS:
        if level >= z + 3:
            return level
    msg = f"zoom {z} is not kept in {TABLE} (0-{LEVELS[-1] - 3})"
    raise ValueError(msg)


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
    """Undo `create_statements` (migration 0029's downgrade)."""
    return [*drop_trigger_statements(dialect), f"DROP TABLE IF EXISTS {TABLE}"]


def rebuild(conn: Connection) -> None:
    """Recount every level, cell and profile from ``site`` and ``sitetheme``.

    Each located published site's Morton code and set of themes are computed once into a
    temporary table, then grouped per level.
    """
    d = conn.dialect.name
    x, y = cell_sql(d, "site")
    if d == "postgresql":
        agg = "string_agg(theme_id::text, ',' ORDER BY theme_id)"
        ordered = "sitetheme"
    else:
        agg = "group_concat(theme_id, ',')"
        ordered = "(SELECT site_id, theme_id FROM sitetheme ORDER BY site_id, theme_id)"
    values = ", ".join(f"COALESCE(site.{c}, '') AS {c}" for c in COLUMNS)
    conn.execute(text(f"DELETE FROM {TABLE}"))
    conn.execute(text("DROP TABLE IF EXISTS mapprofile_src"))
    conn.execute(
        text(
            f"CREATE TEMP TABLE mapprofile_src AS SELECT {x} AS cx, {y} AS cy, site.lat AS la, "
            f"site.lon AS lo, site.id AS i, {values}, COALESCE(q.k, '') AS {THEMES} "
            f"FROM site LEFT JOIN (SELECT site_id, ',' || {agg} || ',' AS k FROM {ordered} AS o "
            "GROUP BY site_id) AS q ON q.site_id = site.id WHERE site.status = 'published' "
            "AND site.lat IS NOT NULL AND site.lon IS NOT NULL"
        )
    )
    key = ", ".join((*COLUMNS, THEMES))
    for level in LEVELS:
        q = f"{morton_sql('cx', 'cy')} >> {2 * (CELL_ZOOM - level)}"
        conn.execute(
            text(
                f"INSERT INTO {TABLE} (z, q, {key}, n, lat_sum, lon_sum, id_sum) "
                f"SELECT {level}, cq, {key}, COUNT(*), SUM(la), SUM(lo), SUM(i) "
                f"FROM (SELECT {q} AS cq, {key}, la, lo, i FROM mapprofile_src) AS s "
                f"GROUP BY cq, {key}"
            )
        )
    conn.execute(text("DROP TABLE mapprofile_src"))


def install(conn: Connection) -> None:
    """Create the table and triggers and count every published site (migration 0029)."""
    for stmt in create_statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
    rebuild(conn)


def ensure(conn: Connection) -> bool:
    """Put the triggers back and recount when a migration dropped them; True when it had to."""
    if trigger_names(conn, ("site", "sitetheme")) >= set(TRIGGERS):
        return False
    install(conn)
    return True


def tile_cells(
    conn: Connection,
    columns: Mapping[str, str],
    themes: tuple[Sequence[str], bool] | None,
    tile: tuple[int, int, int],
) -> list[CellCount]:
    """The 8 x 8 cells of `tile` (z, x, y) holding published sites whose `columns` (a facet
    name of ``COLUMNS`` to its value) are as given and, with `themes` (values, others), whose
    set of themes is one of the values (or, with others, none of them)."""
    unknown = set(columns) - set(COLUMNS)
    if unknown:
        msg = f"not a facet of {TABLE}: {', '.join(sorted(unknown))}"
        raise ValueError(msg)
    z, x, y = tile
    level = level_of(z)
    span = 2 * (level - z)
    first = morton(x, y) << span
    where = ["z = :level", "q >= :q0", "q < :q1"]
    params: dict[str, object] = {"level": level, "q0": first, "q1": first + (1 << span)}
    for name in COLUMNS:
        if name in columns:
            where.append(f"{name} = :{name}")
            params[name] = columns[name]
    if themes is not None:
        values, others = themes
        if values:
            where.append(f"{THEMES} {'NOT IN' if others else 'IN'} :values")
            params["values"] = list(values)
        elif not others:
            return []
    stmt = text(
        f"SELECT q >> {span - 6} AS c, 0, SUM(n), SUM(lat_sum), SUM(lon_sum), SUM(id_sum) "
        f"FROM {TABLE} WHERE {' AND '.join(where)} GROUP BY 1"
    )
    if "values" in params:
        stmt = stmt.bindparams(bindparam("values", expanding=True))
    return cells_of_rows(conn.execute(stmt, params))
