"""Benchmark: page-to-itinerary latency of the planner page (the page, then its map frame).

A teacher submits the plan form; the browser gets ``/plan?...`` (the schedule) and then the
frame ``/maps/plan.html?...`` (the map of the same plan). Both used to solve the plan; the
map now reuses the page's solve (``redres.api.plan_cache``). This measures, over HTTP against
uvicorn in a thread of this process, on the Wuhan demo catalogue (SQLite):

- ``page_ms``: ``GET /plan?...`` until the body is read;
- ``frame_ms``: then ``GET /maps/plan.html?...`` until the body is read;
- ``total_ms``: the two together, i.e. until the itinerary is on screen with its map.

Each run asks a plan not asked before (the group size changes: 10, 11, ...), so no run reuses
an earlier run's solve; the same sequence runs on any commit, so before and after compare.
Anonymous visitor (the 2-second solver allowance), rate limit lifted.

Usage::

    python bench/plan_page.py [--runs 15] [--out results.csv]
"""

from __future__ import annotations

import argparse
import csv
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import uvicorn
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.demo import load_demo
from redres.config import Settings
from redres.db import init_db, make_engine

ROOT = Path(__file__).resolve().parent.parent
QUERY = "theme=great-revolution&date=2025-06-10&lunch=12:00-13:00&start=114.2944,30.58899"


def main() -> None:
    """Serve the demo, time page + frame for each run, print medians (and write a CSV)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'redres.db'}"
        engine = make_engine(url)
        init_db(engine)
        with Session(engine) as session:
            load_demo(session, ROOT / "data" / "wuhan")
            session.commit()
        settings = Settings(database_url=url, secret_key="b" * 40, plan_requests_per_minute=10**6)
        base, server = _serve(create_app(settings, engine=engine))
        try:
            _get(f"{base}/plan?{QUERY}&group=2")  # warm up: imports, solver, caches
            rows = [_run(base, 10 + i) for i in range(args.runs)]
        finally:
            server.should_exit = True
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    print(f"commit {commit}, {args.runs} runs, medians (ms):")
    for key in ("page_ms", "frame_ms", "total_ms"):
        values = [r[key] for r in rows]
        print(f"  {key:9s} median {statistics.median(values):7.0f}  min {min(values):7.0f}")
    if args.out:
        with args.out.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def _run(base: str, group: int) -> dict[str, float]:
    query = f"{QUERY}&group={group}"
    t0 = time.perf_counter()
    page = _get(f"{base}/plan?{query}")
    t1 = time.perf_counter()
    frame = _get(f"{base}/maps/plan.html?{query}")
    t2 = time.perf_counter()
    if 'ol class="schedule"' not in page or ("L.map" not in frame and "leaflet" not in frame):
        sys.exit(f"unexpected answer for group {group}")
    return {
        "group": group,
        "page_ms": (t1 - t0) * 1000,
        "frame_ms": (t2 - t1) * 1000,
        "total_ms": (t2 - t0) * 1000,
    }


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode()


def _serve(app: object) -> tuple[str, uvicorn.Server]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


if __name__ == "__main__":
    main()
