"""Benchmark: requests per second and p50/p99 latency of the API and a site page under load.

The app is served by uvicorn (one worker, as ``redres serve`` runs it) in a child process pinned
to CPU 0; the load generator is wrk (Debian package ``wrk``) pinned to CPU 1, on loopback, so
the two do not fight for a core. Three targets, each run ``--repeat`` times, medians reported:

- ``ceiling``: a minimal FastAPI endpoint (a constant JSON object) on the same uvicorn settings,
  the most this server stack can do on this machine; the others are quoted as a ratio of it;
- ``api_bbox``: ``GET /api/sites?bbox=...`` over central Wuhan (first page of 50 features);
- ``site_page``: ``GET /sites/{slug}``, the visitor page of a demo site with stories, people,
  events, visiting information and nearby sites.

The catalogue is a SQLite file (or PostgreSQL with ``--postgres URL``) with the Wuhan demo
data plus the 5,060 national key units of ``../shared/data/national/`` as published sites,
so the bbox query runs against an index of realistic size.

Usage::

    python bench/http_load.py [--duration 10] [--connections 16] [--repeat 3] [--out FILE.csv]
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from maps_page import sites as national_sites

from redres.catalog.demo import load_demo
from redres.catalog.enums import Status
from redres.catalog.models import Site, StorySite
from redres.db import init_db, make_engine

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "wuhan"
BBOX = "114.25,30.52,114.33,30.60"
TARGETS = ("ceiling", "api_bbox", "site_page")


def build_catalogue(url: str) -> str:
    """Load the demo and the national units; return the slug of a demo site with a story."""
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        load_demo(session, DEMO)
        for i, record in enumerate(national_sites(5060)):
            record["slug"] = f"national-{i}"
            session.add(Site(**record, status=Status.published))
        session.commit()
        slug = session.exec(
            select(Site.slug)
            .join(StorySite, StorySite.site_id == Site.id)
            .where(Site.status == Status.published, Site.lon.is_not(None))  # type: ignore[union-attr]
            .order_by(Site.code)
        ).first()
    engine.dispose()
    if slug is None:
        msg = "the demo data has no published site with a story"
        raise SystemExit(msg)
    return slug


def ceiling_app() -> Any:
    """The smallest useful FastAPI app: one constant JSON endpoint."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/ceiling")
    def ceiling() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def run_server(app_name: str, db: str, port: int) -> None:
    """Child process: serve one app as `redres serve` would (one worker, no access log)."""
    import uvicorn

    if app_name == "ceiling":
        app = ceiling_app()
    else:
        from redres.api.app import create_app
        from redres.config import Settings

        app = create_app(Settings(database_url=db))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(app_name: str, db: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server child on CPU 0 and wait until /healthz answers."""
    port = free_port()
    cmd = [sys.executable, __file__, "--serve", app_name, "--db", db, "--port", str(port)]
    proc = subprocess.Popen(["taskset", "-c", "0", *cmd])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    msg = f"{app_name} server did not start"
    raise SystemExit(msg)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, duration: int, connections: int) -> dict[str, float]:
    """One wrk run on CPU 1: requests/s and the 50th/99th latency percentiles in ms."""
    out = subprocess.run(
        [
            "taskset",
            "-c",
            "1",
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in out:
        msg = f"{url} answered errors under load:\n{out}"
        raise SystemExit(msg)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = {
        p: float(v) * UNITS[u]
        for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    }
    return {"rps": rps, "p50_ms": pct["50"], "p99_ms": pct["99"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a SQLite file")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--serve", choices=["redres", "ceiling"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        run_server(args.serve, args.db, args.port)
        return 0
    if shutil.which("wrk") is None:
        msg = "wrk is not installed (apt-get install wrk)"
        raise SystemExit(msg)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.postgres or f"sqlite:///{Path(tmp) / 'catalogue.db'}"
        slug = build_catalogue(db)
        paths = {
            "ceiling": "/ceiling",
            "api_bbox": f"/api/sites?bbox={BBOX}",
            "site_page": f"/sites/{slug}",
        }
        runs: dict[str, list[dict[str, float]]] = {t: [] for t in TARGETS}
        for _ in range(args.repeat):
            for target in TARGETS:
                proc, base = start("ceiling" if target == "ceiling" else "redres", db)
                try:
                    url = base + paths[target]
                    wrk(url, duration=2, connections=args.connections)  # warm-up
                    runs[target].append(
                        wrk(url, duration=args.duration, connections=args.connections)
                    )
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
    ceiling = statistics.median(r["rps"] for r in runs["ceiling"])
    rows = []
    for target in TARGETS:
        row = {
            "target": target,
            "path": paths[target],
            "engine": "postgresql" if args.postgres else "sqlite",
            "connections": args.connections,
            "rps": round(statistics.median(r["rps"] for r in runs[target]), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in runs[target]), 2),
            "p99_ms": round(statistics.median(r["p99_ms"] for r in runs[target]), 2),
        }
        row["of_ceiling"] = round(row["rps"] / ceiling, 3)
        rows.append(row)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
