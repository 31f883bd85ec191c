"""The SQL of the map's per-profile counts: the table, and the triggers that keep it (plumbing of
`catalog.map_profiles`, which says why; kept apart so each module reads in one sitting)."""

from __future__ import annotations

from collections.abc import Sequence

from redres.catalog._facet_sql import COLUMNS, THEMES, key_sql, postgres_keys, theme_links
from redres.catalog.map_cells import CELL_ZOOM, cell_sql

TABLE = "mapprofile"
LEVELS = (8, 11)
"""The zooms whose cells are kept; a tile reads the coarsest one that still splits it 8 x 8."""
SITE_TRIGGERS = ("mapprofile_site_insert", "mapprofile_site_update", "mapprofile_site_delete")
LINK_TRIGGERS = ("mapprofile_link_insert", "mapprofile_link_delete", "mapprofile_link_update")
TRIGGERS = SITE_TRIGGERS + LINK_TRIGGERS
OBJECTS = frozenset({TABLE, "ix_mapprofile_empty"})
"""Schema objects written by hand (migration 0029), which the models do not describe."""
KEY = ", ".join(("z", "q", *COLUMNS, THEMES))
_SUMS = ("n", "lat_sum", "lon_sum", "id_sum")
COLS = f"{KEY}, {', '.join(_SUMS)}"


def morton_sql(x: str, y: str) -> str:
    """SQL for the Morton code of the cell (`x`, `y`) of zoom ``CELL_ZOOM`` (`morton` in SQL)."""
    terms = []
    for i in range(CELL_ZOOM):
        terms += [f"((({x} >> {i}) & 1) << {2 * i + 1})", f"((({y} >> {i}) & 1) << {2 * i})"]
    return f"({' + '.join(terms)})"


def _levels() -> str:
    return " UNION ALL ".join(f"SELECT {level} AS z" for level in LEVELS)


def profile_rows(
    dialect: str, row: str, sign: str, key: str, source: str = "", where: str = ""
) -> str:
    """One signed row per kept level for the site `row` (NEW, OLD or an alias bound in
    `source`) when it is published and has a point: its cell, its profile, its sums.

    A column without a value is counted as ``''``; a site whose district is ``''`` is
    therefore counted with those without one (the map groups a ``district=''`` filter from
    ``site``, `map_profiles.tile_cells`' caller).
    """
    x, y = cell_sql(dialect, row)
    values = ", ".join(f"COALESCE({row}.{c}, '') AS {c}" for c in COLUMNS)
    inner = (
        f"SELECT {x} AS cx, {y} AS cy, {values}, {key} AS {THEMES}, {sign}1 AS dn, "
        f"{sign}{row}.lat AS dlat, {sign}{row}.lon AS dlon, {sign}{row}.id AS did {source} "
        f"WHERE {where}{row}.status = 'published' AND {row}.lat IS NOT NULL "
        f"AND {row}.lon IS NOT NULL"
    )
    picked = ", ".join(f"c.{c}" for c in (*COLUMNS, THEMES, "dn", "dlat", "dlon", "did"))
    return (
        f"SELECT lv.z AS z, {morton_sql('c.cx', 'c.cy')} >> (2 * ({CELL_ZOOM} - lv.z)) AS q, "
        f"{picked} FROM ({inner}) AS c CROSS JOIN ({_levels()}) AS lv"
    )


def _apply_sqlite(parts: Sequence[str]) -> str:
    """Add signed rows into ``mapprofile`` one by one (SQLite's upsert may meet a row twice)."""
    sets = ", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMS)
    return (
        f"INSERT INTO {TABLE} ({COLS}) SELECT * FROM ({' UNION ALL '.join(parts)}) WHERE true "
        f"ON CONFLICT ({KEY}) DO UPDATE SET {sets}"
    )


def _apply_postgres(parts: Sequence[str], with_: str = "") -> str:
    """Sum signed rows per level, cell and profile, then upsert each once in a fixed order."""
    sets = ", ".join(f"{c} = m.{c} + excluded.{c}" for c in _SUMS)
    return (
        f"INSERT INTO {TABLE} AS m ({COLS}) {with_} "
        f"SELECT {KEY}, SUM(dn), SUM(dlat), SUM(dlon), SUM(did) "
        f"FROM ({' UNION ALL '.join(parts)}) AS d GROUP BY {KEY} "
        "HAVING SUM(dn) <> 0 OR SUM(did) <> 0 OR SUM(dlat) <> 0 OR SUM(dlon) <> 0 "
        f"ORDER BY {KEY} "  # rows locked in one order: writers wait, not deadlock
        f"ON CONFLICT ({KEY}) DO UPDATE SET {sets}"
    )


_DROP_EMPTY = f"DELETE FROM {TABLE} WHERE n <= 0"
_TABLE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (z SMALLINT NOT NULL, q INTEGER NOT NULL, "
    + "".join(f"{c} VARCHAR(100) NOT NULL, " for c in COLUMNS)
    + f"{THEMES} VARCHAR(400) NOT NULL, n INTEGER NOT NULL, lat_sum FLOAT NOT NULL, "
    f"lon_sum FLOAT NOT NULL, id_sum BIGINT NOT NULL, CONSTRAINT pk_mapprofile PRIMARY KEY ({KEY}))"
)
_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS ix_mapprofile_empty ON {TABLE} (z) WHERE n <= 0"


def create_statements(dialect: str) -> list[str]:
    """The table and its triggers on ``site`` and ``sitetheme`` (migration 0029, `ensure`).

    On SQLite the table is stored in its primary key (``WITHOUT ROWID``), so the rows of a
    tile are one range of it, read without a second lookup.
    """
    if dialect == "postgresql":
        return [_TABLE_SQL, _INDEX_SQL, *_postgres_statements()]
    return [
        f"{_TABLE_SQL} WITHOUT ROWID",
        _INDEX_SQL,
        *(f"DROP TRIGGER IF EXISTS {t}" for t in TRIGGERS),
        *_sqlite_triggers(),
    ]


def _sqlite_triggers() -> list[str]:
    """Row triggers: each write of a site or link adds and takes away its signed rows."""
    d = "sqlite"

    def relinked(sites: str, *, new: bool = False, old: bool = False) -> str:
        at = ("FROM site s", f"s.id IN ({sites}) AND ")
        before = profile_rows(d, "s", "-", key_sql(d, theme_links("s.id", new=new, old=old)), *at)
        after = profile_rows(d, "s", "", key_sql(d, theme_links("s.id")), *at)
        return f"{_apply_sqlite([before, after])}; {_DROP_EMPTY}"

    def own(site: str) -> str:
        return key_sql(d, theme_links(site))

    moved = [profile_rows(d, "OLD", "-", own("OLD.id")), profile_rows(d, "NEW", "", own("NEW.id"))]
    changed = " OR ".join(
        f"OLD.{c} IS NOT NEW.{c}" for c in ("status", "lat", "lon", "id", *COLUMNS)
    )
    return [
        f"CREATE TRIGGER mapprofile_site_insert AFTER INSERT ON site "
        f"WHEN NEW.status = 'published' BEGIN "
        f"{_apply_sqlite([profile_rows(d, 'NEW', '', own('NEW.id'))])}; END",
        f"CREATE TRIGGER mapprofile_site_update AFTER UPDATE OF status, lat, lon, id, "
        f"{', '.join(COLUMNS)} ON site WHEN {changed} BEGIN "
        f"{_apply_sqlite(moved)}; {_DROP_EMPTY}; END",
        f"CREATE TRIGGER mapprofile_site_delete BEFORE DELETE ON site "
        f"WHEN OLD.status = 'published' BEGIN "
        f"{_apply_sqlite([profile_rows(d, 'OLD', '-', own('OLD.id'))])}; {_DROP_EMPTY}; END",
        f"CREATE TRIGGER mapprofile_link_insert AFTER INSERT ON sitetheme BEGIN "
        f"{relinked('NEW.site_id', new=True)}; END",
        f"CREATE TRIGGER mapprofile_link_delete AFTER DELETE ON sitetheme BEGIN "
        f"{relinked('OLD.site_id', old=True)}; END",
        f"CREATE TRIGGER mapprofile_link_update AFTER UPDATE OF site_id, theme_id ON sitetheme "
        f"WHEN OLD.site_id IS NOT NEW.site_id OR OLD.theme_id IS NOT NEW.theme_id BEGIN "
        f"{relinked('OLD.site_id, NEW.site_id', new=True, old=True)}; END",
    ]


def _postgres_function(name: str, body: str, returns: str = "NULL") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {body};\n  {_DROP_EMPTY};\n  RETURN {returns};\nEND $$"
    )


def _postgres_statements() -> list[str]:
    """Statement triggers over transition tables, and a row trigger before each delete, as
    for ``mapfacet`` (`catalog._facet_sql`, which says why)."""
    d = "postgresql"
    same = " AND ".join(
        f"a.{c} IS NOT DISTINCT FROM b.{c}" for c in ("status", "lat", "lon", *COLUMNS)
    )

    def unchanged_out(rows: str, other: str) -> str:
        return (
            f"SELECT * FROM {rows} AS a WHERE NOT EXISTS "
            f"(SELECT 1 FROM {other} AS b WHERE b.id = a.id AND {same})"
        )

    def side(rows: str, keys: str, sign: str) -> str:
        return profile_rows(
            d, "r", sign, "q.k", f"FROM {rows} AS r JOIN {keys} AS q ON q.id = r.id"
        )

    inserted = _apply_postgres(
        [side("new_rows", "nk", "")],
        "WITH "
        + postgres_keys("nk", "(SELECT id FROM new_rows WHERE status = 'published')", "sitetheme"),
    )
    updated = _apply_postgres(
        [side("co", "ok", "-"), side("cn", "nk", "")],
        f"WITH co AS ({unchanged_out('old_rows', 'new_rows')}), "
        f"cn AS ({unchanged_out('new_rows', 'old_rows')}), "
        + postgres_keys("ok", "(SELECT id FROM co)", "sitetheme")
        + ", "
        + postgres_keys("nk", "(SELECT id FROM cn)", "sitetheme"),
    )
    own = key_sql(d, "SELECT theme_id AS t FROM sitetheme WHERE site_id = OLD.id")
    deleted = _apply_postgres([profile_rows(d, "OLD", "-", own)])

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
            profile_rows(d, "s", "-", "q.k", "FROM kb AS q JOIN site AS s ON s.id = q.id"),
            profile_rows(d, "s", "", "q.k", "FROM kn AS q JOIN site AS s ON s.id = q.id"),
        ]
        return _apply_postgres(parts, ctes)

    stmt = "FOR EACH STATEMENT EXECUTE FUNCTION"
    return [
        _postgres_function("mapprofile_site_insert", inserted),
        _postgres_function("mapprofile_site_update", updated),
        _postgres_function("mapprofile_site_delete", deleted, returns="OLD"),
        _postgres_function("mapprofile_link_insert", relinked(new=True, old=False)),
        _postgres_function("mapprofile_link_delete", relinked(new=False, old=True)),
        _postgres_function("mapprofile_link_update", relinked(new=True, old=True)),
        *(f"DROP TRIGGER IF EXISTS {t} ON site" for t in SITE_TRIGGERS),
        *(f"DROP TRIGGER IF EXISTS {t} ON sitetheme" for t in LINK_TRIGGERS),
        "CREATE TRIGGER mapprofile_site_insert AFTER INSERT ON site REFERENCING NEW TABLE AS "
        f"new_rows {stmt} mapprofile_site_insert()",
        "CREATE TRIGGER mapprofile_site_update AFTER UPDATE ON site REFERENCING OLD TABLE AS "
        f"old_rows NEW TABLE AS new_rows {stmt} mapprofile_site_update()",
        "CREATE TRIGGER mapprofile_site_delete BEFORE DELETE ON site FOR EACH ROW "
        "EXECUTE FUNCTION mapprofile_site_delete()",
        "CREATE TRIGGER mapprofile_link_insert AFTER INSERT ON sitetheme REFERENCING NEW TABLE "
        f"AS new_rows {stmt} mapprofile_link_insert()",
        "CREATE TRIGGER mapprofile_link_delete AFTER DELETE ON sitetheme REFERENCING OLD TABLE "
        f"AS old_rows {stmt} mapprofile_link_delete()",
        "CREATE TRIGGER mapprofile_link_update AFTER UPDATE ON sitetheme REFERENCING OLD TABLE "
        f"AS old_rows NEW TABLE AS new_rows {stmt} mapprofile_link_update()",
    ]
