"""The SQL of the map's per-facet counts: the table, and the triggers that keep it (plumbing of
`catalog.map_facets`, which says why; kept apart so each module reads in one sitting)."""

from __future__ import annotations

from collections.abc import Sequence

from redres.catalog.map_cells import cell_sql

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
COLS = "kind, value, x, y, n, lat_sum, lon_sum, id_sum"


def key_sql(dialect: str, theme_ids: str) -> str:
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
        f"INSERT INTO {TABLE} ({COLS}) SELECT * FROM ({' UNION ALL '.join(parts)}) WHERE true "
        f"ON CONFLICT (kind, value, x, y) DO UPDATE SET {sets}"
    )


def _apply_postgres(parts: Sequence[str], with_: str = "") -> str:
    """Sum signed rows per facet and cell, then upsert each once, cells in a fixed order."""
    sets = ", ".join(f"{c} = m.{c} + excluded.{c}" for c in _SUMS)
    return (
        f"INSERT INTO {TABLE} AS m ({COLS}) {with_} "
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


def theme_links(site: str, *, new: bool = False, old: bool = False) -> str:
    """In a SQLite row trigger: the theme ids of `site` before this row's change of
    ``sitetheme`` (`new`: an insert, `old`: a delete), or as they stand."""
    query = f"SELECT theme_id AS t FROM sitetheme WHERE site_id = {site}"
    if new:
        query += " AND NOT (site_id = NEW.site_id AND theme_id = NEW.theme_id)"
    if old:
        query += f" UNION SELECT OLD.theme_id WHERE OLD.site_id = {site}"
    return query


def _sqlite_triggers() -> list[str]:
    """Row triggers: each write of a site or link adds and takes away its signed rows."""
    d = "sqlite"

    def relinked(sites: str, *, new: bool = False, old: bool = False) -> str:
        at = ("FROM site s", f"s.id IN ({sites}) AND ")
        before = _deltas(d, "s", "-", key_sql(d, theme_links("s.id", new=new, old=old)), *at)
        after = _deltas(d, "s", "", key_sql(d, theme_links("s.id")), *at)
        return f"{_apply_sqlite([before[-1], after[-1]])}; {_DROP_EMPTY}"

    def own(site: str) -> str:
        """The ``themes`` value of `site` from its links as they stand."""
        return key_sql(d, theme_links(site))

    moved = _deltas(d, "OLD", "-", own("OLD.id")) + _deltas(d, "NEW", "", own("NEW.id"))
    changed = " OR ".join(
        f"OLD.{c} IS NOT NEW.{c}" for c in ("status", "lat", "lon", "id", *COLUMNS)
    )
    return [
        f"CREATE TRIGGER mapfacet_site_insert AFTER INSERT ON site "
        f"WHEN NEW.status = 'published' BEGIN "
        f"{_apply_sqlite(_deltas(d, 'NEW', '', own('NEW.id')))}; END",
        f"CREATE TRIGGER mapfacet_site_update AFTER UPDATE OF status, lat, lon, id, "
        f"{', '.join(COLUMNS)} ON site WHEN {changed} BEGIN "
        f"{_apply_sqlite(moved)}; {_DROP_EMPTY}; END",
        f"CREATE TRIGGER mapfacet_site_delete BEFORE DELETE ON site "
        f"WHEN OLD.status = 'published' BEGIN "
        f"{_apply_sqlite(_deltas(d, 'OLD', '-', own('OLD.id')))}; {_DROP_EMPTY}; END",
        f"CREATE TRIGGER mapfacet_link_insert AFTER INSERT ON sitetheme BEGIN "
        f"{relinked('NEW.site_id', new=True)}; END",
        f"CREATE TRIGGER mapfacet_link_delete AFTER DELETE ON sitetheme BEGIN "
        f"{relinked('OLD.site_id', old=True)}; END",
        f"CREATE TRIGGER mapfacet_link_update AFTER UPDATE OF site_id, theme_id ON sitetheme "
        f"WHEN OLD.site_id IS NOT NEW.site_id OR OLD.theme_id IS NOT NEW.theme_id BEGIN "
        f"{relinked('OLD.site_id, NEW.site_id', new=True, old=True)}; END",
    ]


def postgres_keys(name: str, ids: str, links: str) -> str:
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
        + postgres_keys("nk", "(SELECT id FROM new_rows WHERE status = 'published')", "sitetheme"),
    )
    updated = _apply_postgres(
        site_side("co", "ok", "-") + site_side("cn", "nk", ""),
        f"WITH co AS ({unchanged_out('old_rows', 'new_rows')}), "
        f"cn AS ({unchanged_out('new_rows', 'old_rows')}), "
        + postgres_keys("ok", "(SELECT id FROM co)", "sitetheme")
        + ", "
        + postgres_keys("nk", "(SELECT id FROM cn)", "sitetheme"),
    )
    own = key_sql(d, "SELECT theme_id AS t FROM sitetheme WHERE site_id = OLD.id")
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
            f"{postgres_keys('kb', 'touched', before)}, {postgres_keys('kn', 'touched', now)}"
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
