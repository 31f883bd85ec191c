"""What keeping the map's cell counts costs a bulk write, and what recounting them costs.

Loads the same synthetic sites (``catalog_queries.py``, seed 0) into fresh databases migrated
to head: with the ``mapcell``, ``mapfacet`` and ``mapprofile`` triggers (as redres runs),
without any, (given a third URL) with ``mapcell``'s alone (as before migration 0028), and
(given ``--without-profiles URL``) without ``mapprofile``'s (as before migration 0029),
printing each load's wall and CPU time; then times `map_cells.rebuild`, `map_facets.rebuild`
and `map_profiles.rebuild` (what migrations 0027-0029 and `ensure` do).

Usage::

    PYTHONPATH=$PWD:$PWD/bench python bench/maps_cells_cost.py sqlite:////tmp/cells-a.db \
        sqlite:////tmp/cells-b.db [sqlite:////tmp/cells-c.db] [--sites 100000] \
        [--without-profiles sqlite:////tmp/cells-d.db]
"""

from __future__ import annotations

import argparse
import time

from catalog_queries import load, make_sites

from redres.catalog import map_cells, map_facets, map_profiles
from redres.db import init_db, make_engine


def main() -> None:
    """Load with and without the triggers, then rebuild; print the times."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("with_triggers")
    p.add_argument("without_triggers")
    p.add_argument("cells_only", nargs="?")
    p.add_argument("--sites", type=int, default=100_000)
    p.add_argument("--without-profiles")
    args = p.parse_args()
    sites = make_sites(args.sites, 0)
    variants = [
        ("with triggers", args.with_triggers, []),
        ("without triggers", args.without_triggers, [map_cells, map_facets, map_profiles]),
    ]
    if args.cells_only:
        variants.append(
            ("with mapcell's triggers only", args.cells_only, [map_facets, map_profiles])
        )
    if args.without_profiles:
        variants.append(("without mapprofile's triggers", args.without_profiles, [map_profiles]))
    for label, url, dropped in variants:
        engine = make_engine(url)
        init_db(engine)
        with engine.begin() as conn:
            for module in dropped:  # the tables stay
                for stmt in module.drop_trigger_statements(engine.dialect.name):
                    conn.exec_driver_sql(stmt)
        wall, cpu = time.perf_counter(), time.process_time()
        load(engine, sites)
        print(
            f"load {args.sites} sites {label}: {time.perf_counter() - wall:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU",
            flush=True,
        )
        if not dropped:
            for module in (map_cells, map_facets, map_profiles):
                wall, cpu = time.perf_counter(), time.process_time()
                with engine.begin() as conn:
                    module.rebuild(conn)
                print(
                    f"{module.__name__}.rebuild: {time.perf_counter() - wall:.1f} s wall, "
                    f"{time.process_time() - cpu:.1f} s CPU",
                    flush=True,
                )
        engine.dispose()


if __name__ == "__main__":
    main()
