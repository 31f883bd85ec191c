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

from redres.catalog.map_cells import CellCount, cell_sql, cells_of_rows, tile_range

TABLE = "mapfacet"
COLUMNS = ("category", "period", "protection", "district")
"""Site columns counted as facets, each value on its own."""
THEMES = "themes"
"""The facet of the set of themes a site is linked to."""
SITE_TRIGGERS = ("mapfacet_site_insert", "mapfacet_site_update", "mapfacet_site_delete")
LINK_TRIGGERS = ("mapfacet_link_insert", "mapfacet_link_delete", "mapfacet_link_update")
TRIGGERS = SITE_TRIGGERS + LINK_TRIGGERS
OBJECTS = frozenset({TABLE, "ix_mapfacet_empty"})
"""Schema objects written by hand (migration 0028), which the models do not describe."""
_SUMS = ("n", "lat_sum", "lon_sum", "id_sum")
_COLS = "kind, value, x, y, n, lat_sum, lon_sum, id_sum"


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


def _key_sql(dialect: str, theme_ids: str) -> str:
    """SQL for the ``themes`` value of the theme ids that the query `theme_ids` selects (as t)."""
    if dialect == "postgresql":
        listed = f"(SELECT string_agg(k.t::text, ',' ORDER BY k.t) FROM ({theme_ids}) AS k)"
    else:
        listed = f"(SELECT group_concat(t, ',') FROM ({theme_ids} ORDER BY 1))"
    return f"COALESCE(',' || {listed} || ',', '')"


def _deltas(
    dialect: str, row: str, sign: str, key: str, source: str = "", where: str = ""
) -> list[str]:
    """One signed row per facet of the site `row` (NEW, OLD or an alias bound in `source`)."""
    x, y = cell_sql(dialect, row)
    published = f"{where}{row}.status = 'published'"
    sums = (
        f"{x} AS x, {y} AS y, {sign}1 AS dn, {sign}COALESCE({row}.lat, 0) AS dlat, "
        f"{sign}COALESCE({row}.lon, 0) AS dlon, {sign}{row}.id AS did {source}"
    )
    parts = [
        f"SELECT '{c}' AS kind, {row}.{c} AS value, {sums} "
        f"WHERE {published} AND {row}.{c} IS NOT NULL"
        for c in COLUMNS
    ]
    parts.append(f"SELECT '{THEMES}' AS kind, {key} AS value, {sums} WHERE {published}")
    return parts


def _apply_sqlite(parts: Sequence[str]) -> str:
    """Add signed rows into ``mapfacet`` one by one (SQLite's upsert may meet a row twice)."""
    sets = ", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMS)
    return (
        f"INSERT INTO {TABLE} ({_COLS}) SELECT * FROM ({' UNION ALL '.join(parts)}) WHERE true "
        f"ON CONFLICT (kind, value, x, y) DO UPDATE SET {sets}"
    )


def _apply_postgres(parts: Sequence[str], with_: str = "") -> str:
    """Sum signed rows per facet and cell, then upsert each once, cells in a fixed order."""
    sets = ", ".join(f"{c} = m.{c} + excluded.{c}" for c in _SUMS)
    return (
        f"INSERT INTO {TABLE} AS m ({_COLS}) {with_} "
        "SELECT kind, value, x, y, SUM(dn), SUM(dlat), SUM(dlon), SUM(did) "
        f"FROM ({' UNION ALL '.join(parts)}) AS d GROUP BY kind, value, x, y "
        "HAVING SUM(dn) <> 0 OR SUM(did) <> 0 OR SUM(dlat) <> 0 OR SUM(dlon) <> 0 "
        "ORDER BY kind, value, x, y "  # rows locked in one order: writers wait, not deadlock
        f"ON CONFLICT (kind, value, x, y) DO UPDATE SET {sets}"
    )


_DROP_EMPTY = f"DELETE FROM {TABLE} WHERE n <= 0"
_TABLE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (kind VARCHAR(16) NOT NULL, value VARCHAR(400) NOT NULL,"
    " x INTEGER NOT NULL, y INTEGER NOT NULL, n INTEGER NOT NULL, lat_sum FLOAT NOT NULL,"
    " lon_sum FLOAT NOT NULL, id_sum BIGINT NOT NULL,"
    " CONSTRAINT pk_mapfacet PRIMARY KEY (kind, value, x, y))"
)
_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS ix_mapfacet_empty ON {TABLE} (kind) WHERE n <= 0"


def create_statements(dialect: str) -> list[str]:
    """The table and its triggers on ``site`` and ``sitetheme`` (migration 0028, `ensure`)."""
    stmts = [_TABLE_SQL, _INDEX_SQL]
    if dialect == "postgresql":
        return stmts + _postgres_statements()
    return stmts + [f"DROP TRIGGER IF EXISTS {t}" for t in TRIGGERS] + _sqlite_triggers()


def _sqlite_triggers() -> list[str]:
    """Row triggers: each write of a site or link adds and takes away its signed rows."""
    d = "sqlite"

    def links(site: str, *, new: bool = False, old: bool = False) -> str:
        """The theme ids of `site` before this row's change (now, when neither flag)."""
        query = f"SELECT theme_id AS t FROM sitetheme WHERE site_id = {site}"
        if new:
            query += " AND NOT (site_id = NEW.site_id AND theme_id = NEW.theme_id)"
        if old:
            query += f" UNION SELECT OLD.theme_id WHERE OLD.site_id = {site}"
        return query

    def relinked(sites: str, *, new: bool = False, old: bool = False) -> str:
        at = ("FROM site s", f"s.id IN ({sites}) AND ")
        before = _deltas(d, "s", "-", _key_sql(d, links("s.id", new=new, old=old)), *at)
        after = _deltas(d, "s", "", _key_sql(d, links("s.id")), *at)
        return f"{_apply_sqlite([before[-1], after[-1]])}; {_DROP_EMPTY}"

    own = _key_sql(d, links("{id}"))
    changed = " OR ".join(
        f"OLD.{c} IS NOT NEW.{c}" for c in ("status", "lat", "lon", "id", *COLUMNS)
    )
    return [
        f"CREATE TRIGGER mapfacet_site_insert AFTER INSERT ON site "
        f"WHEN NEW.status = 'published' BEGIN "
        f"{_apply_sqlite(_deltas(d, 'NEW', '', own.format(id='NEW.id')))}; END",
        f"CREATE TRIGGER mapfacet_site_update AFTER UPDATE OF status, lat, lon, id, "
        f"{', '.join(COLUMNS)} ON site WHEN {changed} BEGIN "
        f"{_apply_sqlite(_deltas(d, 'OLD', '-', own.format(id='OLD.id')) + _deltas(d, 'NEW', '', own.format(id='NEW.id')))}; "
        f"{_DROP_EMPTY}; END",
        f"CREATE TRIGGER mapfacet_site_delete BEFORE DELETE ON site "
        f"WHEN OLD.status = 'published' BEGIN "
        f"{_apply_sqlite(_deltas(d, 'OLD', '-', own.format(id='OLD.id')))}; {_DROP_EMPTY}; END",
        f"CREATE TRIGGER mapfacet_link_insert AFTER INSERT ON sitetheme BEGIN "
        f"{relinked('NEW.site_id', new=True)}; END",
        f"CREATE TRIGGER mapfacet_link_delete AFTER DELETE ON sitetheme BEGIN "
        f"{relinked('OLD.site_id', old=True)}; END",
        f"CREATE TRIGGER mapfacet_link_update AFTER UPDATE OF site_id, theme_id ON sitetheme "
        f"WHEN OLD.site_id IS NOT NEW.site_id OR OLD.theme_id IS NOT NEW.theme_id BEGIN "
        f"{relinked('OLD.site_id, NEW.site_id', new=True, old=True)}; END",
    ]


def _postgres_keys(name: str, ids: str, links: str) -> str:
    """A CTE `name` (id, k): the ``themes`` value of each site in `ids`, from `links`."""
    return (
        f"{name} AS (SELECT i.id, COALESCE(',' || string_agg(l.theme_id::text, ',' "
        f"ORDER BY l.theme_id) || ',', '') AS k FROM {ids} AS i "
        f"LEFT JOIN {links} AS l ON l.site_id = i.id GROUP BY i.id)"
    )


def _postgres_function(name: str, body: str, returns: str = "NULL") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {body};\n  {_DROP_EMPTY};\n  RETURN {returns};\nEND $$"
    )


def _postgres_statements() -> list[str]:
    """Statement triggers over transition tables, and a row trigger before each delete.

    A statement's signed rows are summed per facet and cell first, so a ``COPY`` of a million
    sites makes one upsert per row of ``mapfacet`` (row triggers walk every version of a row
    updated many times in one transaction: quadratic, see `catalog.map_cells`). An edit that
    changes none of the counted columns is left out before summing.
    """
    d = "postgresql"
    same = " AND ".join(
        f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in ("status", "lat", "lon", *COLUMNS)
    )

    def unchanged_out(rows: str, other: str) -> str:
        return (
            f"SELECT * FROM {rows} AS a WHERE NOT EXISTS "
            f"(SELECT 1 FROM {other} AS b WHERE b.id = a.id AND {same})"
        )

    def site_side(rows: str, keys: str, sign: str) -> list[str]:
        return [
            *_deltas(d, "r", sign, "", f"FROM {rows} AS r")[:-1],
            _deltas(d, "r", sign, "q.k", f"FROM {rows} AS r JOIN {keys} AS q ON q.id = r.id")[-1],
        ]

    inserted = _apply_postgres(
        site_side("new_rows", "nk", ""),
        "WITH "
        + _postgres_keys("nk", "(SELECT id FROM new_rows WHERE status = 'published')", "sitetheme"),
    )
    updated = _apply_postgres(
        site_side("co", "ok", "-") + site_side("cn", "nk", ""),
        f"WITH co AS ({unchanged_out('old_rows', 'new_rows')}), "
        f"cn AS ({unchanged_out('new_rows', 'old_rows')}), "
        + _postgres_keys("ok", "(SELECT id FROM co)", "sitetheme")
        + ", "
        + _postgres_keys("nk", "(SELECT id FROM cn)", "sitetheme"),
    )
    own = _key_sql(d, "SELECT theme_id AS t FROM sitetheme WHERE site_id = OLD.id")
    deleted = _apply_postgres(_deltas(d, "OLD", "-", own))

    def relinked(*, new: bool, old: bool) -> str:
        touched = (
            "SELECT DISTINCT id FROM ("
            + " UNION ALL ".join(
                f"SELECT site_id AS id FROM {t}"
                for t, present in (("new_rows", new), ("old_rows", old))
                if present
            )
            + ") AS u"
        )
        now = "(SELECT l.site_id, l.theme_id FROM sitetheme l JOIN touched t ON t.id = l.site_id)"
        before = now
        if new:
            before = f"({before[1:-1]} EXCEPT SELECT site_id, theme_id FROM new_rows)"
        if old:
            before = f"({before[1:-1]} UNION SELECT site_id, theme_id FROM old_rows)"
        ctes = (
            f"WITH touched AS ({touched}), "
            f"{_postgres_keys('kb', 'touched', before)}, {_postgres_keys('kn', 'touched', now)}"
        )
        parts = [
            _deltas(d, "s", "-", "q.k", "FROM kb AS q JOIN site AS s ON s.id = q.id")[-1],
            _deltas(d, "s", "", "q.k", "FROM kn AS q JOIN site AS s ON s.id = q.id")[-1],
        ]
        return _apply_postgres(parts, ctes)

    stmt = "FOR EACH STATEMENT EXECUTE FUNCTION"
    return [
        _postgres_function("mapfacet_site_insert", inserted),
        _postgres_function("mapfacet_site_update", updated),
        _postgres_function("mapfacet_site_delete", deleted, returns="OLD"),
        _postgres_function("mapfacet_link_insert", relinked(new=True, old=False)),
        _postgres_function("mapfacet_link_delete", relinked(new=False, old=True)),
        _postgres_function("mapfacet_link_update", relinked(new=True, old=True)),
        *(f"DROP TRIGGER IF EXISTS {t} ON site" for t in SITE_TRIGGERS),
        *(f"DROP TRIGGER IF EXISTS {t} ON sitetheme" for t in LINK_TRIGGERS),
        "CREATE TRIGGER mapfacet_site_insert AFTER INSERT ON site REFERENCING NEW TABLE AS "
        f"new_rows {stmt} mapfacet_site_insert()",
        "CREATE TRIGGER mapfacet_site_update AFTER UPDATE ON site REFERENCING OLD TABLE AS "
        f"old_rows NEW TABLE AS new_rows {stmt} mapfacet_site_update()",
        "CREATE TRIGGER mapfacet_site_delete BEFORE DELETE ON site FOR EACH ROW "
        "EXECUTE FUNCTION mapfacet_site_delete()",
        "CREATE TRIGGER mapfacet_link_insert AFTER INSERT ON sitetheme REFERENCING NEW TABLE "
        f"AS new_rows {stmt} mapfacet_link_insert()",
        "CREATE TRIGGER mapfacet_link_delete AFTER DELETE ON sitetheme REFERENCING OLD TABLE "
        f"AS old_rows {stmt} mapfacet_link_delete()",
        "CREATE TRIGGER mapfacet_link_update AFTER UPDATE ON sitetheme REFERENCING OLD TABLE "
        f"AS old_rows NEW TABLE AS new_rows {stmt} mapfacet_link_update()",
    ]


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
    """Recount every facet of every cell from ``site`` and ``sitetheme``, one statement each."""
    d = conn.dialect.name
    x, y = cell_sql(d, "site")
    if d == "postgresql":
        agg = "string_agg(theme_id::text, ',' ORDER BY theme_id)"
        ordered = "sitetheme"
    else:
        agg = "group_concat(theme_id, ',')"
        ordered = "(SELECT site_id, theme_id FROM sitetheme ORDER BY site_id, theme_id)"
    keys = (
        f"LEFT JOIN (SELECT site_id, ',' || {agg} || ',' AS k FROM {ordered} AS o "
        "GROUP BY site_id) AS q ON q.site_id = site.id"
    )
    conn.execute(text(f"DELETE FROM {TABLE}"))
    facets = [(c, f"site.{c}", "", f" AND site.{c} IS NOT NULL") for c in COLUMNS]
    facets.append((THEMES, "COALESCE(q.k, '')", keys, ""))
    for kind, value, join, where in facets:
        conn.execute(
            text(
                f"INSERT INTO {TABLE} ({_COLS}) SELECT '{kind}', v, cx, cy, COUNT(*), SUM(la), "
                f"SUM(lo), SUM(i) FROM (SELECT {value} AS v, {x} AS cx, {y} AS cy, "
                "COALESCE(site.lat, 0) AS la, COALESCE(site.lon, 0) AS lo, site.id AS i "
                f"FROM site {join} WHERE site.status = 'published'{where}) AS f "
                "GROUP BY v, cx, cy"
            )
        )


def install(conn: Connection) -> None:
    """Create the table and triggers and count every published site (migration 0028)."""
    for stmt in create_statements(conn.dialect.name):
        conn.exec_driver_sql(stmt)
    rebuild(conn)


def ensure(conn: Connection) -> bool:
    """Put the triggers back and recount when a migration dropped them; True when it had to."""
    if conn.dialect.name == "postgresql":
        query = (
            "SELECT tgname FROM pg_trigger "
            "WHERE tgrelid IN ('site'::regclass, 'sitetheme'::regclass)"
        )
    else:
        query = (
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('site', 'sitetheme')"
        )
    present = {str(r[0]) for r in conn.exec_driver_sql(query)}
    if present >= set(TRIGGERS):
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
