"""Time grouping the nine tiles of all China from ``site`` under theme filters and combinations.

What the map does for filters that the kept counts do not answer (two facets at once), and
did before migration 0028 for every filter. Prints the sites found and wall and CPU time.

Usage::

    PYTHONPATH=$PWD python bench/maps_grouped_probe.py sqlite:////tmp/mapscale/f1m.db
"""

from __future__ import annotations

import sys
import time

from sqlmodel import Session, select

from redres.catalog.enums import Category
from redres.catalog.map_clusters import GRID, MapFilter, Tile, _grid
from redres.catalog.models import Theme
from redres.db import make_engine

VIEW = [Tile(3, x, y) for x in range(5, 8) for y in range(2, 5)]


def main(url: str) -> None:
    """Print each filter's grouped view: sites, wall and CPU time."""
    engine = make_engine(url)
    with Session(engine) as s:
        slugs = sorted(str(slug) for slug in s.exec(select(Theme.slug)))
        off = tuple(slugs[1:])  # the first theme toggled off in the layer control
        museum = Category.museum
        filters = [
            ("one theme toggled off", MapFilter(shown_themes=off)),
            (f"theme={slugs[-1]}", MapFilter(theme=slugs[-1])),
            (f"category=museum + theme={slugs[-1]}", MapFilter(category=museum, theme=slugs[-1])),
            ("category=museum + one theme off", MapFilter(category=museum, shown_themes=off)),
        ]
        for label, flt in filters:
            wall, cpu = time.perf_counter(), time.process_time()
            n = sum(_grid(s, tile.bounds(), flt, GRID).total for tile in VIEW)
            print(
                f"{label}: {n} sites, {(time.perf_counter() - wall) * 1000:.0f} ms wall, "
                f"{(time.process_time() - cpu) * 1000:.0f} ms CPU",
                flush=True,
            )
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1])
