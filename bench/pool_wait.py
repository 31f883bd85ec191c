"""Benchmark: how long 16 concurrent callers wait for a database connection, by pool size.

Sixteen threads (wrk's 16 connections, one request each in flight) loop for `--seconds`:
take a connection from `redres.db.make_engine`'s pool, run `SELECT 1`, hold it 2 ms more (a
request's own work), give it back. Compared: SQLAlchemy's default pool (5 kept, 10 more opened
and closed again) as `make_engine` had it, and `connections=16` (`REDRES_DB_CONNECTIONS` sized to
the callers). Reported: calls, and the time from asking for a connection to giving it back
(p50/p99/p99.9/max). Each pool runs twice, alternating.

Usage::

    python bench/pool_wait.py postgresql://postgres@127.0.0.1:5432/DB [--seconds 8]
"""

from __future__ import annotations

import argparse
import threading
import time

from sqlalchemy import text

from redres.db import make_engine


def run(url: str, seconds: float, connections: int | None) -> str:
    """One timed run; returns a table row."""
    engine = make_engine(url, connections=connections)
    waits: list[float] = []
    stop = time.perf_counter() + seconds

    def caller() -> None:
        while time.perf_counter() < stop:
            began = time.perf_counter()
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                time.sleep(0.002)
            waits.append((time.perf_counter() - began) * 1000)

    threads = [threading.Thread(target=caller) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    waits.sort()

    def at(q: float) -> float:
        return waits[min(len(waits) - 1, int(len(waits) * q))]

    pool = "default (5 + 10)" if connections is None else f"connections={connections} (+5)"
    return (
        f"| {pool} | {len(waits)} | {at(0.5):.1f} | {at(0.99):.1f} | {at(0.999):.1f} "
        f"| {waits[-1]:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    print("| pool | calls | p50 ms | p99 ms | p99.9 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for connections in (None, 16, None, 16):
        print(run(args.url, args.seconds, connections), flush=True)


if __name__ == "__main__":
    main()
