"""Time the server's side of the map's first view alone: the extent and the tiles of all China.

Groups the nine tiles (zoom 3, x 5-7, y 2-4) that the site map asks for when it shows all of
China at 1280x800, in this process, printing wall and CPU time (on PostgreSQL the CPU is the
database's, so only wall time says anything).

Usage::

    PYTHONPATH=$PWD python bench/maps_tiles_probe.py sqlite:////tmp/mapscale/q1m.db
"""

from __future__ import annotations

import sys
import time

from sqlmodel import Session

from redres.catalog.map_clusters import MapFilter, Tile, map_extent, tile_clusters
from redres.db import make_engine


def main(url: str) -> None:
    """Print the extent's and the nine tiles' times."""
    engine = make_engine(url)
    with Session(engine) as session:
        wall, cpu = time.perf_counter(), time.process_time()
        extent = map_extent(session)
        print(
            f"extent {extent}: {(time.perf_counter() - wall) * 1000:.0f} ms wall, "
            f"{(time.process_time() - cpu) * 1000:.0f} ms CPU"
        )
        wall, cpu = time.perf_counter(), time.process_time()
        total = sum(
            tile_clusters(session, Tile(3, x, y), MapFilter()).total
            for x in range(5, 8)
            for y in range(2, 5)
        )
        print(
            f"9 tiles at zoom 3, {total} sites: {(time.perf_counter() - wall) * 1000:.0f} ms "
            f"wall, {(time.process_time() - cpu) * 1000:.0f} ms CPU"
        )
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
