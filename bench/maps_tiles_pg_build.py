"""Load the synthetic catalogue of ``catalog_queries.py`` into PostgreSQL by COPY, for the map.

Sites only (the map reads no search terms): loading a million sites row by row with their
search terms, as ``catalog_queries.py`` does, is far slower. With ``--themes``, twelve themes
and the links of ``maps_facets_build.py`` too (one more COPY, timed on its own: the map's
per-facet triggers move each linked site to its set of themes). The catalogue's version is moved
by hand, as a raw COPY is not seen by the engine hook.

With ``--first-load``, everything is one transaction in which the map's insert triggers are
disabled during the COPYs and the counts made from all the rows at the end, as redres's own
first load does (`catalog.pg_bulk.MAP_INSERT_TRIGGERS`; each recount timed).

Usage::

    python bench/maps_tiles_pg_build.py postgresql+psycopg://postgres@127.0.0.1/redres_map1m 1000000 \
        [--themes] [--first-load]
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from catalog_queries import _settle_postgres, make_sites
from maps_facets_build import THEMES, links
from sqlalchemy import text

from redres.catalog import map_cells, map_facets, map_profiles, pg_bulk
from redres.db import init_db, make_engine

COLUMNS = (
    "id",
    "slug",
    "name",
    "aliases",
    "designations",
    "category",
    "period",
    "protection",
    "district",
    "address",
    "lon",
    "lat",
    "status",
    "created_at",
    "updated_at",
)
JSON_COLUMNS = frozenset({"aliases", "designations"})


def main(url: str, n: int, seed: int = 0, *, themes: bool = False, first: bool = False) -> None:
    """Migrate `url`, copy `n` sites in, move the catalogue's version, vacuum and analyse."""
    started = time.perf_counter()
    sites = make_sites(n, seed)
    print(f"# generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    engine = make_engine(url)
    init_db(engine)
    if first:
        first_load(engine, sites, n, seed, themes=themes)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if not first:
            copy_sites(cur, sites)
            raw.commit()
            print(f"# sites copied at {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if themes and not first:
            copy_links(cur, n, seed)
            raw.commit()
            print(f"# links copied at {time.perf_counter() - started:.0f} s", file=sys.stderr)
        cur.execute("UPDATE catalogueversion SET version = version + 1 WHERE id = 1")
        raw.commit()
    finally:
        raw.close()
    _settle_postgres(engine)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("sitetheme", "mapcell", "mapfacet", "mapprofile"):  # the map's counts too,
            conn.execute(text(f"VACUUM ANALYZE {table}"))  # as redres's bulk writes do
    engine.dispose()
    print(f"# copied and settled in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def first_load(
    engine: Any, sites: list[dict[str, Any]], n: int, seed: int, *, themes: bool
) -> None:
    """The sites (and links) copied in one transaction with the map's insert triggers off,
    then the triggers back and each map table recounted, timed."""
    with engine.begin() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        for table, trigger in pg_bulk.MAP_INSERT_TRIGGERS:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        wall = time.perf_counter()
        copy_sites(cur, sites)
        if themes:
            copy_links(cur, n, seed)
        print(f"# copied (triggers off) in {time.perf_counter() - wall:.0f} s", file=sys.stderr)
        for table, trigger in pg_bulk.MAP_INSERT_TRIGGERS:
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        for module in (map_cells, map_facets, map_profiles):
            wall = time.perf_counter()
            module.rebuild(conn)
            print(
                f"# {module.__name__}.rebuild {time.perf_counter() - wall:.1f} s", file=sys.stderr
            )


def copy_sites(cur: Any, sites: list[dict[str, Any]]) -> None:
    """The sites, one COPY."""
    with cur.copy(f"COPY site ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for site in sites:
            copy.write_row([json.dumps(site[c]) if c in JSON_COLUMNS else site[c] for c in COLUMNS])


def copy_links(cur: Any, n: int, seed: int) -> None:
    """The twelve themes, and the links of sites 1..n to them (one COPY)."""
    for i, slug in enumerate(THEMES, start=1):
        cur.execute(
            "INSERT INTO theme (id, slug, name, version) VALUES (%s, %s, %s, 1)", (i, slug, slug)
        )
    cur.execute("SELECT setval(pg_get_serial_sequence('theme', 'id'), %s)", (len(THEMES),))
    with cur.copy("COPY sitetheme (site_id, theme_id, weight) FROM STDIN") as copy:
        for link in links(n, seed, len(THEMES)):
            copy.write_row([link["site_id"], link["theme_id"], link["weight"]])


if __name__ == "__main__":
    flags = sys.argv[3:]
    main(sys.argv[1], int(sys.argv[2]), themes="--themes" in flags, first="--first-load" in flags)
