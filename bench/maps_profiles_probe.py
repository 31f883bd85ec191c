"""Time the nine tiles of all China filtered on two facets at once: kept profiles against grouping.

The map asks for the nine tiles of zoom 3 (x 5-7, y 2-4) to show all China at 1280x800. Each
view filtered on two facets is timed from the counts kept per profile
(`catalog.map_profiles`, migration 0029: what the map does now) and grouped from ``site``
(`map_clusters._grid`: what it did before), in this process, printing the sites found and
wall and CPU time per run and the median of the runs; on PostgreSQL also the CPU time of the
database's backend serving the probe (read from /proc: the database must run on this machine).
Also prints ``mapprofile``'s rows per level.

``--covering-index`` times the other way weighed for two columns: grouping from ``site`` on
an index that holds both filtered columns before the position (status, category,
protection, lat, lon, id), made for the probe and dropped after it (its build timed).

Usage::

    PYTHONPATH=$PWD python bench/maps_profiles_probe.py sqlite:////tmp/mapscale/f1m.db \
        [--repeat 3] [--skip-grouped] [--covering-index]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from redres.catalog.enums import Category, Period, Protection
from redres.catalog.map_clusters import GRID, MapFilter, Tile, _grid, tile_clusters
from redres.catalog.models import Theme
from redres.db import make_engine

VIEW = [Tile(3, x, y) for x in range(5, 8) for y in range(2, 5)]


def views(slugs: list[str]) -> list[tuple[str, MapFilter]]:
    """The two-filter views timed: two columns, a column and the layer control, a column and
    a theme."""
    museum = Category.museum
    return [
        (
            "category=museum + protection=national",
            MapFilter(category=museum, protection=Protection.national),
        ),
        (
            "period=anti_japanese_war + protection=provincial",
            MapFilter(period=Period.anti_japanese_war, protection=Protection.provincial),
        ),
        (
            "category=museum + one theme off",
            MapFilter(category=museum, shown_themes=tuple(slugs[1:])),
        ),
        (f"category=museum + theme={slugs[-1]}", MapFilter(category=museum, theme=slugs[-1])),
    ]


def main() -> None:
    """Print each view's sites and times, kept and grouped, and their medians."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-grouped", action="store_true")
    p.add_argument("--covering-index", action="store_true")
    args = p.parse_args()
    engine = make_engine(args.url)
    with Session(engine) as s:
        for level, rows in s.connection().execute(
            text("SELECT z, COUNT(*) FROM mapprofile GROUP BY z ORDER BY z")
        ):
            print(f"mapprofile level {level}: {rows} rows", flush=True)
        slugs = sorted(str(slug) for slug in s.exec(select(Theme.slug)))
        for label, flt in views(slugs):
            ways = [("kept profiles", tile_clusters)]
            if not args.skip_grouped:
                ways.append(("grouped from site", lambda s, t, f: _grid(s, t.bounds(), f, GRID)))
            for way, count in ways:
                walls, cpus, server = [], [], []
                for _ in range(args.repeat):
                    backend = _backend(s)
                    wall, cpu = time.perf_counter(), time.process_time()
                    before = _cpu_ms(backend)
                    n = sum(count(s, t, flt).total for t in VIEW)
                    server.append(_cpu_ms(backend) - before)
                    walls.append((time.perf_counter() - wall) * 1000)
                    cpus.append((time.process_time() - cpu) * 1000)
                    s.rollback()
                db = (
                    f"; database CPU ms {[round(c) for c in server]} median "
                    f"{statistics.median(server):.0f}"
                    if backend
                    else ""
                )
                print(
                    f"{label}, {way}: {n} sites; CPU ms {[round(c) for c in cpus]} median "
                    f"{statistics.median(cpus):.0f}; wall ms {[round(w) for w in walls]} "
                    f"median {statistics.median(walls):.0f}{db}",
                    flush=True,
                )
        if args.covering_index:
            covering(s, args.repeat)
    engine.dispose()


def _backend(s: Session) -> int:
    """The process id of the PostgreSQL backend of `s`'s transaction (0 on SQLite)."""
    if s.get_bind().dialect.name != "postgresql":
        return 0
    return int(s.connection().execute(text("SELECT pg_backend_pid()")).scalar_one())


def _cpu_ms(pid: int) -> float:
    """User and system CPU time of process `pid` so far, in ms (0 for no process)."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")  # utime, stime


def covering(s: Session, repeat: int) -> None:
    """Group category=museum + protection=national from ``site`` on an index made for it."""
    flt = MapFilter(category=Category.museum, protection=Protection.national)
    wall, cpu = time.perf_counter(), time.process_time()
    s.connection().execute(
        text("CREATE INDEX ix_probe_covering ON site (status, category, protection, lat, lon, id)")
    )
    print(
        f"covering index built: {(time.perf_counter() - wall) * 1000:.0f} ms wall, "
        f"{(time.process_time() - cpu) * 1000:.0f} ms CPU",
        flush=True,
    )
    cpus = []
    for _ in range(repeat):
        cpu = time.process_time()
        n = sum(_grid(s, t.bounds(), flt, GRID).total for t in VIEW)
        cpus.append((time.process_time() - cpu) * 1000)
    print(
        f"category=museum + protection=national, grouped on the covering index: {n} sites; "
        f"CPU ms {[round(c) for c in cpus]} median {statistics.median(cpus):.0f}",
        flush=True,
    )
    s.connection().execute(text("DROP INDEX ix_probe_covering"))
    s.commit()


if __name__ == "__main__":
    main()
