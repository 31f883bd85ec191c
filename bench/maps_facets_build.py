"""Build a SQLite catalogue for the filtered-map probe: sites, and themes linked to them.

The synthetic sites of ``catalog_queries.py`` (seed 0) link no themes, so a theme toggled off
in the map's layer control shows every site. Here the same sites (without their search terms:
the map reads none) are written with links to twelve themes, drawn from a seeded generator:
four in ten sites linked to none, four in ten to one, the rest to two or three. The map's
triggers are taken off while loading and put back by `init_db`, which recounts once.

Usage::

    PYTHONPATH=$PWD:$PWD/bench python bench/maps_facets_build.py /tmp/mapscale/f1m.db 1000000
"""

from __future__ import annotations

import random
import sys
import time

from catalog_queries import make_sites
from sqlalchemy import insert, text

from redres.catalog import map_cells, map_facets
from redres.catalog.models import Site, SiteTheme, Theme
from redres.db import analyze, init_db, make_engine

THEMES = (
    "founding",
    "great-revolution",
    "agrarian",
    "long-march",
    "anti-japanese",
    "liberation",
    "martyrs",
    "construction",
    "reform",
    "flood-fighting",
    "anti-epidemic",
    "new-era",
)
BATCH = 20_000


def links(n: int, seed: int, n_themes: int) -> list[dict[str, object]]:
    """Theme links of sites 1..n: 40 % none, 40 % one, 15 % two, 5 % three themes."""
    rng = random.Random(seed + 1)
    out: list[dict[str, object]] = []
    for site_id in range(1, n + 1):
        r = rng.random()
        k = 0 if r < 0.4 else 1 if r < 0.8 else 2 if r < 0.95 else 3
        for theme_id in sorted(rng.sample(range(1, n_themes + 1), k)):
            out.append({"site_id": site_id, "theme_id": theme_id, "weight": 1.0})
    return out


def main(path: str, n: int, seed: int = 0) -> None:
    """Write `n` sites and their links into the new SQLite file `path`."""
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    started = time.perf_counter()
    with engine.begin() as conn:
        for stmt in [
            *map_cells.drop_trigger_statements("sqlite"),
            *map_facets.drop_trigger_statements("sqlite"),
        ]:
            conn.exec_driver_sql(stmt)
        conn.execute(
            insert(Theme.__table__),  # type: ignore[attr-defined]
            [{"id": i + 1, "slug": s, "name": s, "version": 1} for i, s in enumerate(THEMES)],
        )
        site_table = Site.__table__  # type: ignore[attr-defined]
        link_table = SiteTheme.__table__  # type: ignore[attr-defined]
        sites = make_sites(n, seed)
        for start in range(0, n, BATCH):
            conn.execute(insert(site_table), sites[start : start + BATCH])
        del sites
        rows = links(n, seed, len(THEMES))
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(link_table), rows[start : start + BATCH])
        print(f"# {n} sites, {len(rows)} links written", file=sys.stderr)
    with engine.begin() as conn:
        print(f"# count: {conn.execute(text('SELECT count(*) FROM site')).scalar()}")
    init_db(engine)  # triggers back, counts rebuilt
    analyze(engine)
    print(f"# built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
