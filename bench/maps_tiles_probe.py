"""Time the server's side of the map's first view alone: the extent and the tiles of all China.

Groups the nine tiles (zoom 3, x 5-7, y 2-4) that the site map asks for when it shows all of
China at 1280x800, in this process, printing wall and CPU time (on PostgreSQL the CPU is the
database's, so only wall time says anything). Each part is timed both ways in one run: from
the kept cell counts (`catalog.map_cells`, what the map does) and by grouping the sites
themselves (what it did before migration 0027, and still does for a filtered map: shown with
a category filter, and with the layer control's themes toggled so that one is hidden: on the
synthetic catalogue, which links no themes, every site is then "untagged" and shown).

Usage::

    PYTHONPATH=$PWD python bench/maps_tiles_probe.py sqlite:////tmp/mapscale/q1m.db
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from redres.catalog.enums import Category
from redres.catalog.map_clusters import (
    GRID,
    MapFilter,
    Tile,
    _grid,
    map_extent,
    map_extent_scanned,
    tile_clusters,
)
from redres.db import make_engine

VIEW = [Tile(3, x, y) for x in range(5, 8) for y in range(2, 5)]


def timed(label: str, work: Callable[[], Any]) -> None:
    """Run `work` once and print its result's summary with wall and CPU time."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    print(
        f"{label}: {result}: {(time.perf_counter() - wall) * 1000:.0f} ms wall, "
        f"{(time.process_time() - cpu) * 1000:.0f} ms CPU",
        flush=True,
    )


def main(url: str) -> None:
    """Print the extent's and the nine tiles' times, kept and grouped."""
    engine = make_engine(url)
    museum = MapFilter(category=Category.museum)
    toggled = MapFilter(shown_themes=("martyrs",), untagged=True)  # one theme toggled off
    with Session(engine) as s:
        timed("extent from mapcell", lambda: map_extent(s))
        timed("extent scanned from site", lambda: map_extent_scanned(s))
        timed(
            "9 tiles at zoom 3 from mapcell, sites",
            lambda: sum(tile_clusters(s, t, MapFilter()).total for t in VIEW),
        )
        timed(
            "9 tiles at zoom 3 grouped from site, sites",
            lambda: sum(_grid(s, t.bounds(), MapFilter(), GRID).total for t in VIEW),
        )
        timed(
            "9 tiles at zoom 3, category=museum (grouped from site), sites",
            lambda: sum(tile_clusters(s, t, museum).total for t in VIEW),
        )
        timed(
            "9 tiles at zoom 3, a theme toggled off (grouped from site), sites",
            lambda: sum(tile_clusters(s, t, toggled).total for t in VIEW),
        )
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
