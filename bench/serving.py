"""Benchmark: a site page and a bbox read against the same server's /healthz, 1 and 2 workers.

The server is the real `redres serve --workers N` (no access log, no solver warm-up) on a
catalogue of the Wuhan demo plus the 5,060 national key units (`http_load.build_catalogue`),
SQLite by default or PostgreSQL with ``--postgres URL``. wrk (Debian package ``wrk``) runs one
thread and 16 connections on loopback; nothing is pinned, so two workers can use both cores
(and share them with wrk). For each worker count and target: a 3 s warm-up, then
``--duration`` seconds measured; requests/s, p50/p99 latency, errors (non-2xx answers and socket
errors) and the ratio of requests/s to /healthz of the same server.

Usage::

    python bench/serving.py [--workers 1,2] [--duration 15] [--connections 16] [--postgres URL]
        [--page-cache-mb 0]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_load import BBOX, UNITS, build_catalogue, free_port

TARGETS = ("healthz", "site_page", "api_bbox")


def start(
    db: str, workers: int, tmp: Path, cache_mb: int = 64
) -> tuple[subprocess.Popen[bytes], str]:
    """`redres serve` on a free port; returns once /healthz answers."""
    port = free_port()
    env = os.environ | {
        "REDRES_DATABASE_URL": db,
        "REDRES_SOLVER_WARM_UP": "false",
        "REDRES_SECRET_FILE": str(tmp / "secret"),
        "REDRES_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REDRES_PAGE_CACHE_MB": str(cache_mb),
        "REDRES_JOB_DIR": str(tmp / "jobs"),
    }
    cmd = [sys.executable, "-c", "from redres.cli import main; main()", "serve"]
    cmd += ["--port", str(port)]
    cmd += ["--workers", str(workers), "--no-access-log"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    time.sleep(2 if workers > 1 else 0.5)  # every worker up
                    return proc, base
        except OSError:
            time.sleep(0.2)
    stop(proc)
    msg = "the server did not start"
    raise SystemExit(msg)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (the master and its workers)."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wrk(url: str, *, duration: int, connections: int) -> dict[str, float]:
    """One wrk run: requests/s, p50/p99 in ms, and errors."""
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = {
        p: float(v) * UNITS[u]
        for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += sum(int(n) for n in sockets.groups()) if sockets else 0
    return {"rps": rps, "p50_ms": pct["50"], "p99_ms": pct["99"], "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--postgres", help="a PostgreSQL URL (an empty database) instead of SQLite")
    parser.add_argument(
        "--page-cache-mb", type=int, default=64, help="REDRES_PAGE_CACHE_MB (0: no page cache)"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        msg = "wrk is not installed (apt-get install wrk)"
        raise SystemExit(msg)
    rows = []
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db = args.postgres or f"sqlite:///{tmp / 'catalogue.db'}"
        slug = build_catalogue(db)
        paths = {
            "healthz": "/healthz",
            "site_page": f"/sites/{slug}",
            "api_bbox": f"/api/sites?bbox={BBOX}",
        }
        for workers in (int(w) for w in args.workers.split(",")):
            proc, base = start(db, workers, tmp, args.page_cache_mb)
            try:
                for target in TARGETS:
                    url = base + paths[target]
                    wrk(url, duration=3, connections=args.connections)  # warm-up
                    result = wrk(url, duration=args.duration, connections=args.connections)
                    rows.append({"workers": workers, "target": target, **result})
            finally:
                stop(proc)
    engine = "postgresql" if args.postgres else "sqlite"
    print(f"page cache: {args.page_cache_mb} MiB per worker")
    print("| engine | workers | target | path | req/s | p50 ms | p99 ms | errors | of /healthz |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        floor = next(r for r in rows if r["workers"] == row["workers"] and r["target"] == "healthz")
        print(
            f"| {engine} | {row['workers']} | {row['target']} | `{paths[str(row['target'])]}` "
            f"| {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} "
            f"| {row['errors']:.0f} | {row['rps'] / floor['rps']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
