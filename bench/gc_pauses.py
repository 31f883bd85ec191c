"""Benchmark: the garbage collector's pauses in a serving worker, with and without the freeze.

A worker is made as `redres serve` makes it (`app_from_environment`, the planner's and road
network's warm-up on, as in production) on the catalogue of `http_load.build_catalogue` (the
Wuhan demo plus the 5,060 national key units, SQLite); once the warm-up threads are done, the
same mix of public reads is requested in-process (`TestClient`, no network; site pages and boxes differ from request to request, so the
page cache fills as on a public server) and every
collection is timed through `gc.callbacks`: its wall time and the CPU time of the thread that
ran it (the collector holds the interpreter lock, so a pause stalls every request in flight).
`--mode frozen` is the product; `--mode unfrozen` replaces `freeze_long_lived` by a no-op
before the worker starts (the code before redres/api/long_lived.py). Each mode runs in its own
process, one after the other.

Usage::

    python bench/gc_pauses.py [--requests 3000] [--db /tmp/gc/catalogue.db]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PATHS = (
    "/healthz",
    "/sites/{slug}",
    "/api/sites?bbox={w:.3f},30.52,{e:.3f},30.60",
    "/",
    "/api/sites?q=%E7%BA%AA%E5%BF%B5",
    "/sites/national-{i}",
)


def run_mode(mode: str, db: str, slug: str, requests: int) -> dict[str, object]:
    """One worker's collections over `requests` reads (run in a fresh process)."""
    os.environ["REDRES_DATABASE_URL"] = db
    import redres.api.app as app_module

    if mode == "unfrozen":
        app_module.freeze_long_lived = lambda after=(): None  # type: ignore[assignment]
    from fastapi.testclient import TestClient

    app = app_module.app_from_environment()
    for thread in threading.enumerate():
        if thread.name.endswith("warm-up") or thread.name == "freeze-after-warm-up":
            thread.join()
    tracked = len(gc.get_objects())
    pauses: dict[int, list[tuple[float, float]]] = {0: [], 1: [], 2: []}
    started = [0.0, 0.0]

    def timer(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter(), time.thread_time()]
        else:
            wall = (time.perf_counter() - started[0]) * 1000
            cpu = (time.thread_time() - started[1]) * 1000
            pauses[info["generation"]].append((wall, cpu))

    gc.callbacks.append(timer)
    client = TestClient(app)
    began = time.perf_counter(), time.process_time()
    for i in range(requests):
        west = 114.25 + (i % 997) / 10_000  # a new box each time: kept answers pile up
        path = PATHS[i % len(PATHS)].format(slug=slug, i=i % 5060, w=west, e=west + 0.08)
        status = client.get(path).status_code
        if status != 200:
            msg = f"{path}: {status}"
            raise SystemExit(msg)
    wall, cpu = time.perf_counter() - began[0], time.process_time() - began[1]
    gc.callbacks.remove(timer)
    result: dict[str, object] = {
        "mode": mode,
        "tracked_at_start": tracked,
        "frozen": gc.get_freeze_count(),
        "requests_wall_s": round(wall, 2),
        "requests_cpu_s": round(cpu, 2),
    }
    for generation, times in pauses.items():
        cpus = sorted(c for _, c in times)
        result[f"gen{generation}"] = {
            "n": len(times),
            "cpu_median_ms": round(statistics.median(cpus), 2) if cpus else None,
            "cpu_max_ms": round(cpus[-1], 1) if cpus else None,
            "cpu_sum_ms": round(sum(cpus)),
            "wall_max_ms": round(max(w for w, _ in times), 1) if times else None,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--db", default="/tmp/gc-pauses/catalogue.db")
    parser.add_argument("--mode", choices=("frozen", "unfrozen"), help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = f"sqlite:///{args.db}"
    if args.mode:
        print(json.dumps(run_mode(args.mode, url, args.slug, args.requests)))
        return
    from http_load import build_catalogue

    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    Path(args.db).unlink(missing_ok=True)
    slug = build_catalogue(url)
    for mode in ("unfrozen", "frozen"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--mode",
                mode,
                "--slug",
                slug,
                "--db",
                args.db,
                "--requests",
                str(args.requests),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print(out.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
