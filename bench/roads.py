"""Benchmark: what planning on the bundled Wuhan road network costs next to straight lines.

A SQLite copy of the demo catalogue is loaded as `redres demo` loads it (so the bundled network
applies), then one plan request is solved repeatedly with ``plan_catalog``:

- ``straight``: ``REDRES_ROAD_NETWORK=none``, the ruler model;
- ``roads``: the default, the bundled network through ``redres.routes.road_source`` (the graph,
  its indexes and shortest-path rows already in the process cache, as in a running server);
- ``roads-cold`` (once, reported apart): the first plan on roads in the process (after one
  straight-line plan has loaded the solver's kernels), which reads the file, builds the
  indexes and runs Dijkstra from every site's road.

Also timed: the travel matrix alone over every located demo site plus start and end, for both
models. Medians over ``--repeat`` runs; the solver gets ``--time-limit`` seconds and ``--seed``.

Usage::

    python bench/roads.py [--repeat 5] [--time-limit 0.5] [--seed 0] [--mode bus]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlmodel import Session, select

from redres.catalog.app_state import mark_demo_loaded
from redres.catalog.demo import load_demo
from redres.catalog.models import Site
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.geo import LonLat
from redres.hours.holidays_cn import default_calendar
from redres.routes.candidates import plan_catalog
from redres.routes.model import Place, PlanRequest
from redres.routes.planner import PlannerParams
from redres.routes.road_source import travel_model
from redres.routes.solver import SolveParams
from redres.routes.travel import StraightLineTravel, TravelModel


def main() -> None:
    """Parse the options, run both models, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", default="bus")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.db'}")
        init_db(engine)
        settings = Settings(database_url="sqlite://")
        with Session(engine) as session:
            load_demo(session, settings.data_dir / "wuhan")
            mark_demo_loaded(session, str(settings.data_dir / "wuhan"))
            session.commit()
        request = PlanRequest(
            {
                "great-revolution": 1.0,
                "1911-revolution": 1.0,
                "martyrs": 0.5,
                "war-of-resistance": 0.5,
            },
            dt.date(2025, 6, 10),
            days=2,
            start=Place(114.2944, 30.58899, "start"),
            mode=args.mode,
            group_size=30,
        )
        params = PlannerParams(solve=SolveParams(time_limit=args.time_limit, seed=args.seed))
        calendar = default_calendar()
        none = settings.model_copy(update={"road_network": "none"})

        def solve(config: Settings) -> tuple[float, float]:
            with Session(engine) as session:
                began = time.perf_counter()
                travel = travel_model(config, session)
                itinerary = plan_catalog(
                    session, request, calendar=calendar, params=params, travel=travel
                )
                return time.perf_counter() - began, itinerary.score

        solve(none)  # the solver's kernels load once per process; that is not the roads' cost
        cold, cold_score = solve(settings)
        runs = {
            "straight": [solve(none) for _ in range(args.repeat)],
            "roads": [solve(settings) for _ in range(args.repeat)],
        }
        with Session(engine) as session:
            points = [
                LonLat(lon, lat)
                for lon, lat in session.exec(select(Site.lon, Site.lat))
                if lon is not None and lat is not None
            ] + [LonLat(114.2944, 30.58899)] * 2
            roads = travel_model(settings, session)
        assert roads is not None
        models: dict[str, TravelModel] = {"straight": StraightLineTravel(), "roads": roads}
        matrix = {
            name: [_time(lambda m=model: m.matrix(points, args.mode)) for _ in range(args.repeat)]
            for name, model in models.items()
        }
        engine.dispose()

    print(f"mode={args.mode} time_limit={args.time_limit} seed={args.seed} repeat={args.repeat}")
    print("case,median_s,min_s,max_s,score")
    for name, got in runs.items():
        seconds = [s for s, _ in got]
        print(
            f"plan-{name},{statistics.median(seconds):.3f},{min(seconds):.3f},"
            f"{max(seconds):.3f},{got[0][1]:.2f}"
        )
    print(f"plan-roads-cold,{cold:.3f},{cold:.3f},{cold:.3f},{cold_score:.2f}")
    for name, seconds in matrix.items():
        print(
            f"matrix-{name}-{len(points)}pts,{statistics.median(seconds):.4f},"
            f"{min(seconds):.4f},{max(seconds):.4f},"
        )
    ratio = statistics.median(s for s, _ in runs["roads"]) / statistics.median(
        s for s, _ in runs["straight"]
    )
    print(f"ratio plan roads/straight (medians): {ratio:.2f}")


def _time(work: object) -> float:
    began = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
