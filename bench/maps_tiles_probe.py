"""Time the server's side of the map's first view alone: the extent and the tiles of all China.

Groups the nine tiles (zoom 3, x 5-7, y 2-4) that the site map asks for when it shows all of
China at 1280x800, in this process, printing wall and CPU time (on PostgreSQL the CPU is the
database's, so only wall time says anything). Each part is timed both ways in one run: from
the kept cell counts (`catalog.map_cells`, what the map does) and by grouping the sites
themselves (what it did before migration 0027). Filtered views likewise: from the counts kept
per facet (`catalog.map_facets`, migration 0028) and grouped from ``site`` (what the map did
before 0028): a category filter, one theme, and the layer control with one theme toggled off
(the other themes and the untagged sites shown; on a catalogue that links no themes, such as
``catalog_queries.py``'s, every site is then "untagged").

Usage::

    PYTHONPATH=$PWD python bench/maps_tiles_probe.py sqlite:////tmp/mapscale/q1m.db \
        [--skip-grouped-themes]

``--skip-grouped-themes`` leaves out grouping the theme filters from ``site``: on PostgreSQL
the layer control's query (an ``IN`` or a ``NOT EXISTS`` per site) ran for over ten minutes
on one tile of a catalogue with links.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

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
from redres.catalog.models import Theme
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


def main(url: str, *, grouped_themes: bool = True) -> None:
    """Print the extent's and the nine tiles' times, kept and grouped."""
    engine = make_engine(url)
    museum = MapFilter(category=Category.museum)
    with Session(engine) as s:
        slugs = sorted(str(slug) for slug in s.exec(select(Theme.slug)))
        toggled = MapFilter(shown_themes=tuple(slugs[1:]), untagged=True)  # the first one off
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
        filtered = [("category=museum", museum), (f"one theme toggled off ({slugs[:1]})", toggled)]
        if slugs:
            filtered.append((f"theme={slugs[-1]}", MapFilter(theme=slugs[-1])))
        for label, flt in filtered:
            timed(
                f"9 tiles at zoom 3, {label}, from mapfacet, sites",
                lambda flt=flt: sum(tile_clusters(s, t, flt).total for t in VIEW),
            )
            if flt.category is None and not grouped_themes:
                continue
            timed(
                f"9 tiles at zoom 3, {label}, grouped from site, sites",
                lambda flt=flt: sum(_grid(s, t.bounds(), flt, GRID).total for t in VIEW),
            )
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], grouped_themes="--skip-grouped-themes" not in sys.argv[2:])
