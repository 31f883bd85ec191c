"""Benchmark: a themed plan at national scale (issue 19 part 2: under 300 KB and 2 s at 1,000,000).

The synthetic catalogue of ``catalog_queries.py`` (seed 0), kept in a SQLite file
(``--sqlite-path``) or a PostgreSQL database (``--pg-url``) and built there when empty, as
``maps_tiles.py`` does. The theme ``bench-wuhan`` is given to the ``--themed`` published sites
nearest central Wuhan (weights 0.3-1.0 from ``--seed``; added once, kept). Then ``POST
/api/plan`` asks for that theme, one day from Wuhan by bus, through the app in this process
(``TestClient``), ``--repeat`` times with a new solver seed each time (the app keeps answers
per request, so a repeated request would be served from its cache).

Per request: wall and CPU time of this process (the app's work, SQLite's too; PostgreSQL's
own work is in its server), the answer's bytes, the stops planned, the sites listed in
``omitted`` and those only counted (``omitted_unlisted``).

Usage::

    python bench/plan_scale.py --sqlite-path /tmp/mapscale/q1m.db [--sites 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient
from maps_tiles import ensure_catalogue
from sqlalchemy import Engine, text

from redres.api.app import create_app
from redres.config import Settings
from redres.db import make_engine

WUHAN = (114.30, 30.59)
THEME = "bench-wuhan"


def give_theme(engine: Engine, themed: int, seed: int) -> int:
    """Tie `themed` published sites nearest Wuhan to the bench theme (once); return how many."""
    with engine.begin() as conn:
        held = conn.execute(text("SELECT id FROM theme WHERE slug = :s"), {"s": THEME}).first()
        if held is not None:
            n = conn.execute(
                text("SELECT count(*) FROM sitetheme WHERE theme_id = :t"), {"t": held[0]}
            ).scalar_one()
            return int(n)
        rows = conn.execute(
            text(
                "SELECT id, lon, lat FROM site WHERE status = 'published' AND lon IS NOT NULL"
                " AND lon BETWEEN :w AND :e AND lat BETWEEN :s AND :n"
            ),
            {"w": WUHAN[0] - 0.5, "e": WUHAN[0] + 0.5, "s": WUHAN[1] - 0.5, "n": WUHAN[1] + 0.5},
        ).all()
        rows.sort(key=lambda r: math.hypot(r[1] - WUHAN[0], r[2] - WUHAN[1]))
        chosen = rows[:themed]
        conn.execute(
            text("INSERT INTO theme (slug, name, version) VALUES (:s, '武汉（基准）', 1)"),
            {"s": THEME},
        )
        theme_id = conn.execute(text("SELECT id FROM theme WHERE slug = :s"), {"s": THEME}).one()[0]
        rng = random.Random(seed)
        conn.execute(
            text("INSERT INTO sitetheme (site_id, theme_id, weight) VALUES (:s, :t, :w)"),
            [{"s": r[0], "t": theme_id, "w": round(rng.uniform(0.3, 1.0), 2)} for r in chosen],
        )
        return len(chosen)


def plan_once(client: TestClient, seed: int) -> dict[str, float]:
    """One plan request: wall and CPU ms, bytes, stops, omissions listed and counted."""
    body = {
        "themes": {THEME: 1.0},
        "date": "2027-04-07",
        "start": {"lon": WUHAN[0], "lat": WUHAN[1], "name": "武汉"},
        "mode": "bus",
        "seed": seed,
    }
    wall, cpu = time.perf_counter(), time.process_time()
    r = client.post("/api/plan", json=body)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if r.status_code != 200:
        msg = f"plan answered {r.status_code}: {r.text[:300]}"
        raise SystemExit(msg)
    answer = r.json()
    stops = sum(len(day.get("stops", [])) for day in answer.get("days", []))
    unlisted = sum((answer.get("omitted_unlisted") or {}).values())
    return {
        "wall_ms": wall * 1000,
        "cpu_ms": cpu * 1000,
        "bytes": len(r.content),
        "stops": stops,
        "omitted_listed": len(answer.get("omitted", [])),
        "omitted_unlisted": unlisted,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite-path", type=Path)
    parser.add_argument("--pg-url")
    parser.add_argument("--sites", type=int, default=1_000_000)
    parser.add_argument("--themed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if (args.sqlite_path is None) == (args.pg_url is None):
        parser.error("give one of --sqlite-path and --pg-url")
    url = args.pg_url or f"sqlite:///{args.sqlite_path}"
    held = ensure_catalogue(url, args.sites, args.seed)
    engine = make_engine(url)
    themed = give_theme(engine, args.themed, args.seed)
    settings = Settings(database_url=url, solver_warm_up=False)
    app = create_app(settings, engine=engine)
    runs = []
    with TestClient(app) as client:
        plan_once(client, 10_000)  # warm-up: kernels, caches of the catalogue's version
        for i in range(args.repeat):
            runs.append(plan_once(client, i + 1))
    engine.dispose()
    keys = ("wall_ms", "cpu_ms", "bytes", "stops", "omitted_listed", "omitted_unlisted")
    out = {
        "sites": held,
        "themed": themed,
        "engine": "postgresql" if args.pg_url else "sqlite",
        "median": {k: statistics.median(r[k] for r in runs) for k in keys},
        "min": {k: min(r[k] for r in runs) for k in keys},
        "max": {k: max(r[k] for r in runs) for k in keys},
        "runs": runs,
    }
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
