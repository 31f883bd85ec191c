"""Soak: minutes of mixed reads and writes at the measured capacity, a worker killed midway;
or, with ``--read-only``, minutes of reads only on a fixed catalogue, to see memory stay flat.

``redres serve --workers N`` runs in a child process on a fresh catalogue (the Wuhan demo, on a
SQLite file or ``--postgres URL``). The load generator first measures capacity (requests per
second with ``--clients`` closed-loop clients for ``--probe`` seconds), then runs open-loop at
that rate for ``--minutes``: reads (bbox and search on ``/api/sites``, site pages) and writes
(new sites, changes to them, each site changed by one client only, so the last acknowledged
value is known). Halfway, one worker is killed with SIGKILL; uvicorn starts another.

With ``--read-only`` nothing is written and no worker is killed; the reads vary their keys
(random boxes, searches, map tiles over China and site pages), so every cache fills to its
bound, and the workers' resident memory is sampled every ``--sample`` seconds.

At the end it reports: acknowledged writes and how many are missing or stale in the database
(the target is 0), errors outside the kill window (target 0) and inside it, the rate reached,
p50/p99 latency, and the resident memory of the master and workers at the start and the end.

Usage::

    python bench/soak.py [--minutes 10] [--workers 2] [--clients 16] [--postgres URL] [--seed 0]
    python bench/soak.py --read-only [--sample 30] ...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
from sqlmodel import Session, select

from redres.catalog.accounts import create_user
from redres.catalog.demo import load_demo
from redres.catalog.enums import Role
from redres.catalog.models import Site
from redres.db import init_db, make_engine

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "wuhan"
PASSWORD = "soak test password"
BBOX = "114.25,30.52,114.33,30.60"
QUERIES = ("八七", "wdhy", "烈士", "nongjiangsuo", "武昌")
KILL_WINDOW = 10.0
"""Seconds after the kill in which failed requests are counted as the kill's, not errors."""


@dataclass
class Tally:
    """What the clients saw; appended to under a lock."""

    latencies: list[float] = field(default_factory=list)
    errors: list[tuple[float, str]] = field(default_factory=list)
    sites: dict[str, str] = field(default_factory=dict)
    """Acknowledged sites and the last acknowledged address of each."""
    lock: threading.Lock = field(default_factory=threading.Lock)


def main() -> None:
    """Parse the options, run the soak, print and return the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--probe", type=float, default=20.0, help="seconds to measure capacity")
    ap.add_argument("--postgres", help="a PostgreSQL URL instead of a fresh SQLite file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="also write the figures as JSON")
    ap.add_argument("--read-only", action="store_true", help="reads only, no kill; memory")
    ap.add_argument("--sample", type=float, default=30.0, help="seconds between RSS samples")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="redres-soak-") as tmp:
        url = args.postgres or f"sqlite:///{tmp}/soak.db"
        slugs = _catalogue(url)
        port = _free_port()
        proc = _serve(url, port, Path(tmp), args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            if args.read_only:
                figures = _read_soak(args, base, proc, slugs)
            else:
                figures = _soak(args, base, proc, slugs, url)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")


def _soak(
    args: argparse.Namespace, base: str, proc: subprocess.Popen[bytes], slugs: list[str], url: str
) -> dict[str, object]:
    _wait_up(base)
    auth = _token(base)
    capacity = _measure(base, auth, slugs, args.clients, args.probe, args.seed)
    rss_start = _rss(proc.pid)
    tally = Tally()
    stop = threading.Event()
    start = time.monotonic()
    deadline = start + args.minutes * 60
    interval = args.clients / capacity  # each client's pace, so together they keep the rate
    threads = [
        threading.Thread(
            target=_client,
            args=(base, auth, slugs, tally, stop, deadline, interval, args.seed * 1000 + i, i),
        )
        for i in range(args.clients)
    ]
    for t in threads:
        t.start()
    time.sleep(args.minutes * 30)
    victims = sorted(_workers(proc.pid))
    killed_at = time.monotonic()
    os.kill(victims[0], signal.SIGKILL)
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    rss_end = _rss(proc.pid)
    missing, stale = _check(url, tally.sites)
    during = [e for t, e in tally.errors if killed_at <= t <= killed_at + KILL_WINDOW]
    outside = [e for t, e in tally.errors if not killed_at <= t <= killed_at + KILL_WINDOW]
    lat = sorted(tally.latencies)
    return {
        "engine": url.split(":", 1)[0],
        "workers": args.workers,
        "clients": args.clients,
        "seed": args.seed,
        "minutes": round(elapsed / 60, 2),
        "capacity_rps": round(capacity, 1),
        "achieved_rps": round(len(lat) / elapsed, 1),
        "requests": len(lat) + len(tally.errors),
        "p50_ms": round(1000 * statistics.median(lat), 1),
        "p99_ms": round(1000 * lat[int(0.99 * (len(lat) - 1))], 1),
        "acknowledged_writes_sites": len(tally.sites),
        "missing_sites": missing,
        "stale_changes": stale,
        "errors_outside_kill": len(outside),
        "error_samples": outside[:5],
        "errors_during_kill": len(during),
        "rss_mib_start": rss_start,
        "rss_mib_end": rss_end,
    }


def _read_soak(
    args: argparse.Namespace, base: str, proc: subprocess.Popen[bytes], slugs: list[str]
) -> dict[str, object]:
    """Reads at capacity for the given minutes; the workers' RSS sampled all along."""
    _wait_up(base)
    probe = Tally()
    deadline = time.monotonic() + args.probe
    _run_readers(base, slugs, probe, deadline, 0.0, args.clients, args.seed + 500)
    capacity = len(probe.latencies) / args.probe
    tally = Tally()
    samples: list[tuple[float, dict[str, float]]] = []
    start = time.monotonic()
    deadline = start + args.minutes * 60
    sampler = threading.Thread(
        target=_sample_rss, args=(proc.pid, samples, start, deadline, args.sample)
    )
    sampler.start()
    _run_readers(base, slugs, tally, deadline, args.clients / capacity, args.clients, args.seed)
    sampler.join()
    elapsed = time.monotonic() - start
    lat = sorted(tally.latencies)
    workers = sorted(k for k in samples[0][1] if k.startswith("worker"))
    return {
        "engine": "read-only",
        "workers": args.workers,
        "clients": args.clients,
        "seed": args.seed,
        "minutes": round(elapsed / 60, 2),
        "capacity_rps": round(capacity, 1),
        "achieved_rps": round(len(lat) / elapsed, 1),
        "requests": len(lat) + len(tally.errors),
        "errors": len(tally.errors),
        "error_samples": [e for _, e in tally.errors[:5]],
        "p50_ms": round(1000 * statistics.median(lat), 1),
        "p99_ms": round(1000 * lat[int(0.99 * (len(lat) - 1))], 1),
        "rss_mib": {k: [s.get(k) for _, s in samples] for k in ["master", *workers]},
        "rss_at_s": [round(t) for t, _ in samples],
    }


def _run_readers(
    base: str,
    slugs: list[str],
    tally: Tally,
    deadline: float,
    interval: float,
    clients: int,
    seed: int,
) -> None:
    threads = [
        threading.Thread(
            target=_reader, args=(base, slugs, tally, deadline, interval, seed * 1000 + i)
        )
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _reader(
    base: str, slugs: list[str], tally: Tally, deadline: float, interval: float, seed: int
) -> None:
    """One reading client: a request every `interval` seconds (0: back to back), each with
    keys drawn afresh, so caches see many distinct requests and must keep to their bounds."""
    rng = random.Random(seed)
    next_at = time.monotonic() + rng.random() * interval
    with httpx.Client(base_url=base, timeout=30) as c:
        while (now := time.monotonic()) < deadline:
            if now < next_at:
                time.sleep(next_at - now)
            next_at += interval
            roll = rng.random()
            t0 = time.monotonic()
            try:
                if roll < 0.3:
                    lon, lat = 114.2 + rng.random() * 0.2, 30.5 + rng.random() * 0.15
                    box = f"{lon:.4f},{lat:.4f},{lon + 0.05:.4f},{lat + 0.05:.4f}"
                    r = c.get("/api/sites", params={"bbox": box})
                elif roll < 0.55:
                    q = rng.choice(QUERIES) + rng.choice(
                        ("", "", "馆", "址", str(rng.randrange(99)))
                    )
                    r = c.get("/api/sites", params={"q": q})
                elif roll < 0.75:
                    z = rng.randrange(3, 12)
                    # tiles over China: x in 0.70-0.875 of the world, y in 0.32-0.45
                    x = int((0.70 + rng.random() * 0.175) * 2**z)
                    y = int((0.32 + rng.random() * 0.13) * 2**z)
                    r = c.get("/api/map/clusters", params={"z": z, "x": x, "y": y})
                else:
                    r = c.get(f"/sites/{rng.choice(slugs)}")
                ok = r.status_code == 200
                detail = f"{r.request.method} {r.request.url} -> {r.status_code}"
            except httpx.HTTPError as exc:
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            with tally.lock:
                if ok:
                    tally.latencies.append(time.monotonic() - t0)
                else:
                    tally.errors.append((time.monotonic(), detail))


def _sample_rss(
    master: int,
    samples: list[tuple[float, dict[str, float]]],
    start: float,
    deadline: float,
    every: float,
) -> None:
    """Append (seconds since start, RSS by process) every `every` seconds until the deadline."""
    while True:
        now = time.monotonic()
        samples.append((now - start, _rss(master)))
        if now >= deadline:
            return
        time.sleep(min(every, max(deadline - now, 0.0)))


def _client(
    base: str,
    auth: dict[str, str],
    slugs: list[str],
    tally: Tally,
    stop: threading.Event,
    deadline: float,
    interval: float,
    seed: int,
    who: int,
) -> None:
    """One client: a request every `interval` seconds, 1 in 10 a write."""
    rng = random.Random(seed)
    mine: list[str] = []
    n = 0
    next_at = time.monotonic() + rng.random() * interval
    with httpx.Client(base_url=base, timeout=30) as c:
        while (now := time.monotonic()) < deadline and not stop.is_set():
            if now < next_at:
                time.sleep(next_at - now)
            next_at += interval
            n += 1
            roll = rng.random()
            t0 = time.monotonic()
            try:
                if roll < 0.05 or (roll < 0.10 and not mine):
                    slug = f"soak-{who}-{n}"
                    body = {
                        "name": f"压测旧址{who}-{n}",
                        "category": "other",
                        "lon": 114.3,
                        "lat": 30.55,
                        "slug": slug,
                    }
                    r = c.post("/api/sites", json=body, headers=auth)
                    ok = r.status_code == 201
                    if ok:
                        mine.append(slug)
                        with tally.lock:
                            tally.sites[slug] = ""
                elif roll < 0.10:
                    slug = rng.choice(mine)
                    address = f"测试路{n}号"
                    r = c.patch(f"/api/sites/{slug}", json={"address": address}, headers=auth)
                    ok = r.status_code == 200
                    if ok:
                        with tally.lock:
                            tally.sites[slug] = address
                elif roll < 0.40:
                    r = c.get("/api/sites", params={"bbox": BBOX})
                    ok = r.status_code == 200
                elif roll < 0.70:
                    r = c.get("/api/sites", params={"q": rng.choice(QUERIES)})
                    ok = r.status_code == 200
                else:
                    r = c.get(f"/sites/{rng.choice(slugs)}")
                    ok = r.status_code == 200
                detail = f"{r.request.method} {r.request.url.path} -> {r.status_code}"
            except httpx.HTTPError as exc:
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            with tally.lock:
                if ok:
                    tally.latencies.append(time.monotonic() - t0)
                else:
                    tally.errors.append((time.monotonic(), detail))


def _measure(
    base: str, auth: dict[str, str], slugs: list[str], clients: int, seconds: float, seed: int
) -> float:
    """Requests per second that `clients` closed-loop clients get through (the capacity)."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(base, auth, slugs, tally, threading.Event(), deadline, 0.0, seed + i, 900 + i),
        )
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(tally.latencies) / seconds


def _catalogue(url: str) -> list[str]:
    """The demo catalogue and an editor; returns the slugs of the published sites."""
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as s:
        load_demo(s, DEMO)
        create_user(s, "soak", PASSWORD, Role.editor)
        s.commit()
        slugs = [site.slug for site in s.exec(select(Site))]
    engine.dispose()
    return slugs


def _check(url: str, acknowledged: dict[str, str]) -> tuple[int, int]:
    """Acknowledged sites missing from the database, and sites whose last change is lost."""
    engine = make_engine(url)
    with Session(engine) as s:
        stored = {site.slug: site.address or "" for site in s.exec(select(Site))}
    engine.dispose()
    missing = sum(1 for slug in acknowledged if slug not in stored)
    stale = sum(1 for slug, a in acknowledged.items() if a and stored.get(slug) != a)
    return missing, stale


def _serve(url: str, port: int, tmp: Path, workers: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "REDRES_SECRET_FILE": str(tmp / "secret"),
        "REDRES_SOLVER_WARM_UP": "false",
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-c", "from redres.cli import main; main()", "serve"]
    cmd += ["--db", url, "--port", str(port), "--workers", str(workers)]
    quiet = subprocess.DEVNULL
    return subprocess.Popen(cmd, env=env, cwd=tmp, stdout=quiet, stderr=quiet)


def _token(base: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/auth/token", data={"username": "soak", "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _wait_up(base: str) -> None:
    for _ in range(1200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    msg = "the server did not start"
    raise SystemExit(msg)


def _workers(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {int(p) for p in children if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()}


def _rss(master: int) -> dict[str, float]:
    """Resident memory (MiB) of the master and of each worker, by pid (a killed worker's
    replacement has a new pid, so a surviving worker is compared with itself)."""

    def one(pid: int) -> float:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    return {"master": one(master)} | {f"worker {p}": one(p) for p in sorted(_workers(master))}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
