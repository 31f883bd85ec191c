"""Benchmark: import and export of N synthetic sites (CSV and GeoPackage) into SQLite.

Each operation runs in a child process of its own, so its peak memory (ru_maxrss from wait4) is
the operation's alone; wall-clock seconds are measured around the child. Usage:

    .venv/bin/python bench/interchange.py [--n 100000] [--seed 0] [--workdir DIR]

    .venv/bin/python bench/interchange.py --ops import_csv --repeat 3 --baseline /tmp/old-tree

Prints one CSV line per operation and run: code,op,run,rows,seconds,cpu_seconds,peak_rss_mib
(cpu = user + system time of the child, which the machine's load inflates least), then medians
when `--repeat` is above 1. `--baseline DIR` runs every operation with the `redres` of another
source tree too (e.g. `git archive HEAD~3 | tar -x -C DIR`), interleaved with the current code,
so before and after share the machine's load. Record results in bench/INTERCHANGE.md together
with the command and the machine's load.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

CHARS = "中华人民共和国革命烈士纪念馆旧址故居会议红军新四军八路军抗日战争解放工农运动讲习所长江黄河东西南北山水城乡"
KINDS = [
    ("旧址", "former_site"),
    ("纪念馆", "memorial_hall"),
    ("烈士陵园", "martyrs_cemetery"),
    ("故居", "former_residence"),
    ("纪念碑", "monument"),
]
PERIODS = ["大革命时期", "土地革命战争时期", "抗日战争时期", "解放战争时期", "great_revolution"]
LEVELS = ["全国重点文物保护单位", "省级文物保护单位", "市级文物保护单位", "", "county"]
DISTRICTS = ["江岸区", "武昌区", "洪山区", "汉阳区", "青山区", "黄陂区", "新洲区"]


def generate_csv(path: Path, n: int, seed: int) -> None:
    """N sites with Chinese headers and names, distinct codes, points spread over China."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "编号",
                "名称",
                "类别",
                "时期",
                "保护级别",
                "区县",
                "详细地址",
                "经度",
                "纬度",
                "开放时间",
                "参观时长",
                "最大接待量",
            ]
        )
        for i in range(n):
            word, _ = rng.choice(KINDS)
            name = "".join(rng.choice(CHARS) for _ in range(rng.randint(3, 6))) + word
            w.writerow(
                [
                    f"BM{i:06d}",
                    name,
                    word if rng.random() < 0.8 else "other",
                    rng.choice(PERIODS),
                    rng.choice(LEVELS),
                    rng.choice(DISTRICTS),
                    f"武汉市{rng.choice(DISTRICTS)}{''.join(rng.choice(CHARS) for _ in range(3))}路{rng.randint(1, 999)}号",
                    round(rng.uniform(100.0, 120.0), 6),
                    round(rng.uniform(22.0, 40.0), 6),
                    "Tu-Su 09:00-17:00" if rng.random() < 0.5 else "",
                    rng.choice(["60", "90分钟", "1.5小时", ""]),
                    rng.choice(["", "200", "500人"]),
                ]
            )


def child(op: str, db: str, path: str) -> None:
    """One measured operation, in this (child) process."""
    from redres.catalog.io import export_file, import_file
    from redres.catalog.io.import_options import ImportOptions
    from redres.catalog.io.limits import ImportLimits
    from redres.db import init_db, make_engine, session_scope

    # the benchmark measures speed at any size; the default row limit (a province) is not its
    # subject, so it is lifted as `redres import --max-rows` lifts it
    options = ImportOptions(limits=ImportLimits(max_rows=10_000_000, max_file_bytes=2**32))

    engine = make_engine(db)
    init_db(engine)
    wall, cpu = time.perf_counter(), time.process_time()
    with session_scope(engine) as session:
        if op == "import":
            report = import_file(session, Path(path), options)
            assert report.ok, report.errors[:5]
            assert report.written
            rows = report.created
        else:
            rows = export_file(session, Path(path)).sites
    # the call alone (commit included), without starting Python, importing and creating the schema
    print(rows, time.perf_counter() - wall, time.process_time() - cpu)


def measure(
    op: str, db: str, path: Path, code: Path | None = None
) -> tuple[int, float, float, float, float, float]:
    """Run one operation in a child: rows, wall and CPU seconds of the whole child, peak RSS in
    MiB, and wall and CPU seconds of the import/export call alone.

    `code` is another checkout's root (e.g. `git archive` of an older commit) whose `redres`
    the child imports instead, for a before/after comparison in one run.
    """
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", op, db, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        msg = f"{op} {path} failed with status {status}"
        raise SystemExit(msg)
    cpu = usage.ru_utime + usage.ru_stime
    rows, call_wall, call_cpu = out.split()
    return int(rows), seconds, cpu, usage.ru_maxrss / 1024, float(call_wall), float(call_cpu)


OPS = ("import_csv", "export_csv", "export_gpkg", "import_gpkg")


def main() -> None:
    """Generate the file, then time import and export of CSV and GeoPackage."""
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--ops", default=",".join(OPS), help=f"comma-separated subset of {','.join(OPS)}"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each op; medians printed")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="root of another source tree to run each op with too (label 'base'), interleaved",
    )
    args = parser.parse_args()
    ops = [op for op in args.ops.split(",") if op]
    unknown = set(ops) - set(OPS)
    if unknown:
        parser.error(f"unknown ops: {sorted(unknown)}")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="redres-bench-io-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "sites.csv"
    generate_csv(src, args.n, args.seed)
    variants: list[tuple[str, Path | None]] = [("new", None)]
    if args.baseline is not None:
        variants.insert(0, ("base", args.baseline.resolve()))
    print("code,op,run,rows,seconds,cpu_seconds,peak_rss_mib,call_seconds,call_cpu_seconds")
    results: dict[tuple[str, str], list[tuple[float, ...]]] = {}
    for run in range(1, args.repeat + 1):
        for label, code in variants:
            for op in OPS:
                if op not in ops and not (op == "export_gpkg" and "import_gpkg" in ops):
                    continue
                kind, ext = op.split("_")
                db = work / f"{label}-{'gpkg' if op == 'import_gpkg' else 'csv'}.db"
                path = src if op == "import_csv" else work / f"{label}-out.{ext}"
                if op.startswith("import"):
                    for f in work.glob(f"{db.name}*"):
                        f.unlink()
                if op != "import_csv" and not db.with_name(f"{label}-csv.db").exists():
                    measure("import", f"sqlite:///{work / f'{label}-csv.db'}", src, code)
                rows, *figures = measure(kind, f"sqlite:///{db}", path, code)
                if op in ops:
                    results.setdefault((label, op), []).append(tuple(figures))
                    print(f"{label},{op},{run},{rows},{_cells(figures)}", flush=True)
    if args.repeat > 1:
        for (label, op), values in results.items():
            med = [statistics.median(v[i] for v in values) for i in range(len(values[0]))]
            print(f"{label},{op},median,{args.n},{_cells(med)}")


def _cells(figures: Sequence[float]) -> str:
    seconds, cpu, mib, call, call_cpu = figures
    return f"{seconds:.2f},{cpu:.2f},{mib:.0f},{call:.2f},{call_cpu:.2f}"


if __name__ == "__main__":
    main()
