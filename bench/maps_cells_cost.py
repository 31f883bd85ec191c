"""What keeping the map's cell counts costs a bulk write, and what recounting them costs.

Loads the same synthetic sites (``catalog_queries.py``, seed 0) twice into fresh databases
migrated to head: once with the ``mapcell`` triggers (as redres runs) and once with them
dropped, printing each load's wall and CPU time; then times `map_cells.rebuild` (what
migration 0027 and `ensure` do: every published site grouped in one statement).

Usage::

    PYTHONPATH=$PWD:$PWD/bench python bench/maps_cells_cost.py sqlite:////tmp/cells-a.db \
        sqlite:////tmp/cells-b.db [--sites 100000]
"""

from __future__ import annotations

import argparse
import time

from catalog_queries import load, make_sites

from redres.catalog import map_cells
from redres.db import init_db, make_engine


def main() -> None:
    """Load with and without the triggers, then rebuild; print the times."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("with_triggers")
    p.add_argument("without_triggers")
    p.add_argument("--sites", type=int, default=100_000)
    args = p.parse_args()
    sites = make_sites(args.sites, 0)
    for label, url, keep in (
        ("with triggers", args.with_triggers, True),
        ("without triggers", args.without_triggers, False),
    ):
        engine = make_engine(url)
        init_db(engine)
        if not keep:
            with engine.begin() as conn:
                for stmt in map_cells.drop_statements(engine.dialect.name)[:-1]:  # keep the table
                    conn.exec_driver_sql(stmt)
        wall, cpu = time.perf_counter(), time.process_time()
        load(engine, sites)
        print(
            f"load {args.sites} sites {label}: {time.perf_counter() - wall:.1f} s wall, "
            f"{time.process_time() - cpu:.1f} s CPU",
            flush=True,
        )
        if keep:
            wall, cpu = time.perf_counter(), time.process_time()
            with engine.begin() as conn:
                map_cells.rebuild(conn)
            print(
                f"rebuild: {time.perf_counter() - wall:.1f} s wall, "
                f"{time.process_time() - cpu:.1f} s CPU",
                flush=True,
            )
        engine.dispose()


if __name__ == "__main__":
    main()
