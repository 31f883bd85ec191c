"""Benchmark: one large CSV import into a fresh database, with the memory after each step.

The CSV is `interchange.generate_csv`'s (seeded). Run it under `/usr/bin/time -v` for the
process's peak resident size; the lines it prints say where the memory goes:

    .venv/bin/python bench/import_scale.py --generate /tmp/s1m.csv --n 1000000 --seed 0
    /usr/bin/time -v .venv/bin/python bench/import_scale.py sqlite:////tmp/s1m.db /tmp/s1m.csv

Each line: the step, resident and peak resident MiB so far, and this process's CPU seconds.
The row limit (200,000 by default, `ImportLimits`) is lifted: the subject is speed and memory.
Record results in bench/SCALE.md with the command and the machine's load (`uptime`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from interchange import generate_csv


def _memory() -> str:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    rss, peak = (int(fields[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
    return (
        f"rss {rss} MiB, peak {peak} MiB, cpu {time.process_time():.1f} s, "
        f"wall {time.perf_counter() - _STARTED:.1f} s"
    )


_STARTED = time.perf_counter()


def _progress(done: int, total: int) -> None:
    """A line every 100,000 sites written (a slow load can be extrapolated while it runs)."""
    if done // 100_000 != (done - bulk_batch()) // 100_000 or done == total:
        print("wrote", done, "of", total, _memory(), flush=True)


def bulk_batch() -> int:
    from redres.catalog import bulk

    return bulk.BATCH


def _timed_copies() -> dict[str, float]:
    """Wall seconds spent in PostgreSQL's COPY statements, per table (server work included)."""
    from redres.catalog import pg_copy

    spent: dict[str, float] = {}
    real = pg_copy.copy_rows

    def copy_rows(conn: Any, table: Any, *args: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        real(conn, table, *args, **kwargs)
        spent[table.name] = spent.get(table.name, 0.0) + time.perf_counter() - start

    pg_copy.copy_rows = copy_rows  # type: ignore[assignment]
    return spent


def run(url: str, path: Path, *, published: bool = False, analyze: bool = False) -> None:
    """The import's steps as `import_file` runs them, one transaction, memory after each;
    then, with `analyze`, the `db.analyze` that `redres import` runs after committing."""
    from redres.catalog.io.import_classify import classify
    from redres.catalog.io.import_index import index_registry
    from redres.catalog.io.import_open import open_file
    from redres.catalog.io.import_options import ImportOptions
    from redres.catalog.io.import_plan import plan_import
    from redres.catalog.io.import_write import write_plan
    from redres.catalog.io.limits import ImportLimits
    from redres.db import analyze as analyze_db
    from redres.db import init_db, make_engine, session_scope

    engine = make_engine(url)
    init_db(engine)
    from redres.catalog.enums import Status

    options = ImportOptions(
        limits=ImportLimits(max_rows=10_000_000, max_file_bytes=2**32),
        status=Status.published if published else Status.draft,
    )
    copies = _timed_copies()
    wall = time.perf_counter()
    print("start", _memory(), flush=True)
    with session_scope(engine) as session:
        opened = open_file(path, options)
        related = opened.table.related
        registry = index_registry(session, related, radius_m=options.duplicate_radius_m)
        rows = classify(opened, registry, options=options)
        print("classified", rows.rows, "rows;", _memory(), flush=True)
        plan = plan_import(session, rows, registry=registry, opened=opened, options=options)
        assert not plan.errors, plan.errors[:5]
        print("planned", len(plan.creates), "new;", _memory(), flush=True)
        write_plan(session, plan, actor="bench", progress=_progress)
        print("written", _memory(), flush=True)
        rows.close()
    print("committed", _memory(), f"wall {time.perf_counter() - wall:.1f} s", flush=True)
    if copies:
        print("COPY wall s by table:", {t: round(s, 1) for t, s in copies.items()}, flush=True)
    if analyze:
        started = time.perf_counter()
        analyze_db(engine)
        print(f"analyzed in {time.perf_counter() - started:.1f} s;", _memory(), flush=True)


def main() -> None:
    """Generate a file, or import one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", help="database URL (a fresh SQLite file or PG db)")
    parser.add_argument("csv", nargs="?", type=Path)
    parser.add_argument("--generate", type=Path, help="write the CSV here and stop")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--published", action="store_true", help="import the sites as published (for searching)"
    )
    parser.add_argument(
        "--analyze", action="store_true", help="then run `db.analyze` as `redres import` does"
    )
    args = parser.parse_args()
    if args.generate:
        generate_csv(args.generate, args.n, args.seed)
        return
    if not (args.url and args.csv):
        parser.error("give a database URL and a CSV file, or --generate")
    run(args.url, args.csv, published=args.published, analyze=args.analyze)


if __name__ == "__main__":
    main()
