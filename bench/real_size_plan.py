"""What the web planner's early stop costs on a real-size plan (500 sites, 3 days).

    python bench/real_size_plan.py [--seeds 0 1 2 3 4] [--seconds 1.0] [--long 200000]

The plan is the one of ``tests/routes/test_solver.py::test_real_size_plan_is_fast`` with sites
0, 1 and 2 mandatory (``bench/ROUTES.md``, "A real-size plan"), with and without a cap of 8
stops a day. For each seed and cap it runs the search three ways and prints one CSV row each:

- ``web``: what a web plan gets, the time limit and
  ``redres.api.solving.INTERACTIVE_NO_IMPROVE`` iterations without a better plan;
- ``limit``: the time limit alone;
- ``stall``: the early stop alone (no time limit), to see after how many iterations and at
  what score it would stop on any machine, and ``long``: ``--long`` iterations, a reference
  score that does not depend on the load.

Wall and CPU seconds (``time.process_time``) are both given: on a shared machine a wall-clock
limit buys fewer iterations than on an idle core.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time

import numpy as np

from redres.api.solving import INTERACTIVE_NO_IMPROVE
from redres.routes.problem import ProblemData
from redres.routes.solver import warm_up
from redres.routes.solver.search import run


def real_size_plan(max_stops: int | None) -> ProblemData:
    """500 candidates over 20 km x 20 km by bus, 3 days of 08:30-17:30, sites 0-2 mandatory."""
    rng = np.random.default_rng(7)
    n, days = 500, 3
    xy = rng.uniform(0, 20_000, size=(n + 1, 2))  # metres
    travel = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)) * 1.3 / 400.0  # bus minutes
    windows = [
        [
            []
            if rng.random() < 0.15
            else [(540.0, 690.0), (780.0, 1020.0)]
            if rng.random() < 0.5
            else [(510.0, 1020.0)]
            for _ in range(n)
        ]
        for _ in range(days)
    ]
    scores = rng.integers(1, 10, size=n).astype(float)
    service = rng.choice([30.0, 45.0, 60.0, 90.0], size=n)
    mandatory = np.zeros(n, dtype=bool)
    mandatory[:3] = True
    return ProblemData(
        scores=scores,
        service=service,
        windows=windows,
        travel=travel,
        day_start=np.full(days, n),
        day_end=np.full(days, n),
        day_window=np.tile([510.0, 1050.0], (days, 1)),
        max_stops=None if max_stops is None else np.full(days, max_stops),
        mandatory=mandatory,
    )


def main(argv: list[str] | None = None) -> int:
    """Print one CSV row per seed, stop cap and way of stopping."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--long", type=int, default=200_000)
    args = parser.parse_args(argv)
    warm_up()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["cap", "seed", "way", "score", "iterations", "wall_s", "cpu_s"])
    ways = {
        "web": {"time_limit": args.seconds, "max_no_improve": INTERACTIVE_NO_IMPROVE},
        "limit": {"time_limit": args.seconds},
        "stall": {"time_limit": 3600.0, "max_no_improve": INTERACTIVE_NO_IMPROVE},
        "long": {"time_limit": 3600.0, "max_iterations": args.long},
    }
    for cap in (None, 8):
        data = real_size_plan(cap)
        for seed in args.seeds:
            for way, knobs in ways.items():
                wall, cpu = time.perf_counter(), time.process_time()
                found = run(data, seed=seed, **knobs)  # type: ignore[arg-type]
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                score = sum(data.scores[i] for r in found.routes for i in r)
                row = [cap or "none", seed, way, f"{score:g}", found.iterations]
                out.writerow([*row, f"{wall:.3f}", f"{cpu:.3f}"])
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
