"""Catalogue query latency at national scale, on SQLite and on PostGIS.

Why this exists: the registry is meant to hold every red-resource site in China (order of
100,000 records), and a map or search box calls `list_sites` on every pan, zoom and keystroke.
This benchmark builds a deterministic synthetic catalogue of that size — sites clustered around
provincial capitals and revolutionary base areas with a uniform background over China — and
times `list_sites` for the queries the front end makes: a bounding box holding about 200 sites,
a 5 km radius, a two-character Chinese search, a pinyin-prefix search and a plain filtered page.

It is a benchmark, not a test: it asserts nothing and prints a Markdown table (medians, p95,
result counts and the PostGIS/SQLite ratio). Absolute times depend on the machine; compare the
ratios measured within one run. Usage (see bench/README.md):

    .venv/bin/python bench/catalog_queries.py --sites 100000 --out /tmp/catalog_queries.json
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pypinyin import lazy_pinyin
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from redres.catalog import search_index
from redres.catalog.enums import Category, Period, Protection, Status
from redres.catalog.listing import SitePage, SiteQuery, list_sites
from redres.catalog.models import Site
from redres.catalog.search import SearchText, index_terms
from redres.db import analyze, init_db, make_engine, normalise_url
from redres.geo import BBox, LonLat

# Cluster centres: provincial capitals plus a few revolutionary base areas (name, lon, lat).
CITIES: tuple[tuple[str, float, float], ...] = (
    ("北京", 116.40, 39.90),
    ("天津", 117.20, 39.13),
    ("石家庄", 114.51, 38.04),
    ("太原", 112.55, 37.87),
    ("呼和浩特", 111.75, 40.84),
    ("沈阳", 123.43, 41.80),
    ("长春", 125.32, 43.82),
    ("哈尔滨", 126.53, 45.80),
    ("上海", 121.47, 31.23),
    ("南京", 118.80, 32.06),
    ("杭州", 120.16, 30.27),
    ("合肥", 117.23, 31.82),
    ("福州", 119.30, 26.08),
    ("南昌", 115.86, 28.68),
    ("济南", 117.00, 36.65),
    ("郑州", 113.63, 34.75),
    ("武汉", 114.31, 30.59),
    ("长沙", 112.94, 28.23),
    ("广州", 113.26, 23.13),
    ("南宁", 108.37, 22.82),
    ("海口", 110.35, 20.02),
    ("重庆", 106.55, 29.56),
    ("成都", 104.07, 30.57),
    ("贵阳", 106.63, 26.65),
    ("昆明", 102.83, 24.88),
    ("拉萨", 91.11, 29.65),
    ("西安", 108.94, 34.34),
    ("兰州", 103.83, 36.06),
    ("西宁", 101.78, 36.62),
    ("银川", 106.23, 38.49),
    ("乌鲁木齐", 87.62, 43.83),
    ("延安", 109.49, 36.59),
    ("瑞金", 116.03, 25.89),
    ("井冈山", 114.17, 26.57),
    ("遵义", 106.93, 27.73),
)
CHINA = BBox(73.0, 18.0, 135.0, 53.0)
BACKGROUND_SHARE = 0.10
SPREAD_DEG = (0.12, 0.50)  # each cluster's Gaussian sigma, drawn once per run from this range

# Place names are FIRST x SECOND (1,024 of them), so a two-character place query matches ~100
# sites at 100,000; the theme and kind words are shared by thousands and are not queried.
FIRST = "东西南北青白黄金石龙凤长安新平永兴太高清宁福嘉宝云松桃柳杨马鹤双"
SECOND = "山水田坪溪岭坝桥口村镇沟湾塘家庄岗洲港坡寨堡源冲垸铺店圩集场营关"
PLACES = tuple(a + b for a in FIRST for b in SECOND)
COMMON_WORDS = ("革命", "烈士", "红军", "纪念", "旧址")  # thousands to tens of thousands of hits
THEMES = (
    "革命",
    "红军",
    "烈士",
    "农民运动",
    "苏维埃",
    "抗日",
    "新四军",
    "八路军",
    "会议",
    "起义",
    "游击队",
    "工农",
)
KINDS: tuple[tuple[str, Category], ...] = (
    ("旧址", Category.former_site),
    ("遗址", Category.former_site),
    ("纪念馆", Category.memorial_hall),
    ("故居", Category.former_residence),
    ("纪念碑", Category.monument),
    ("陵园", Category.martyrs_cemetery),
    ("展览馆", Category.museum),
    ("教育基地", Category.education_base),
)
STAMP = datetime(2025, 1, 1, tzinfo=UTC)
BATCH = 2_000
RADIUS_M = 5_000.0
BOX_SITES = 200
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/redres_bench"
ENGINE_LABELS = {
    "sqlite": "SQLite",
    "sqlite-unanalyzed": "SQLite without ANALYZE",
    "postgres": "PostGIS",
}


@dataclass
class Measurement:
    """Latencies and result sizes of one query type on one engine."""

    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    """This process's CPU time per query: on a shared, loaded machine wall time mostly measures
    waiting for a core (SQLite runs in-process; PostgreSQL's work is not in it)."""
    returned: list[int] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    approximate: list[bool] = field(default_factory=list)
    pages: list[list[int]] = field(default_factory=list)

    def add(self, elapsed_ms: float, page: SitePage, cpu_ms: float = 0.0) -> None:
        """Record one timed query."""
        self.times_ms.append(elapsed_ms)
        self.cpu_ms.append(cpu_ms)
        self.returned.append(len(page.items))
        self.totals.append(page.total)
        self.approximate.append(getattr(page, "total_approximate", False))
        self.pages.append([hit.site.id or 0 for hit in page.items])

    def summary(self) -> dict[str, float]:
        """Median, p95 and mean counts, as reported."""
        return {
            "median_ms": statistics.median(self.times_ms),
            "p95_ms": _p95(self.times_ms),
            "cpu_median_ms": statistics.median(self.cpu_ms),
            "cpu_p95_ms": _p95(self.cpu_ms),
            "mean_returned": statistics.fmean(self.returned),
            "mean_total": statistics.fmean(self.totals),
        }


@dataclass
class EngineRun:
    """One loaded database and everything measured on it."""

    engine: str
    build_s: float
    sites: int
    search_terms: int
    results: dict[str, Measurement] = field(default_factory=dict)


def _p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


# --- the synthetic catalogue -------------------------------------------------------------------


def make_sites(n: int, seed: int) -> list[dict[str, Any]]:
    """`n` published site rows for a core insert, identical for a given seed."""
    rng = random.Random(seed)
    spreads = [rng.uniform(*SPREAD_DEG) for _ in CITIES]
    return [_site_row(i + 1, rng, spreads) for i in range(n)]


def _site_row(site_id: int, rng: random.Random, spreads: Sequence[float]) -> dict[str, Any]:
    lon, lat, city = _position(rng, spreads)
    place = rng.choice(PLACES)
    kind, category = rng.choice(KINDS)
    return {
        "id": site_id,
        "slug": f"bench-{site_id:06d}",
        "name": f"{place}{rng.choice(THEMES)}{kind}",
        "aliases": [],
        "designations": [],
        "category": category.value,
        "period": rng.choice(list(Period)).value,
        "protection": rng.choice(list(Protection)).value,
        "district": city,
        "address": f"{city or ''}{place}村",
        "lon": round(lon, 6),
        "lat": round(lat, 6),
        "status": Status.published.value,
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def _position(rng: random.Random, spreads: Sequence[float]) -> tuple[float, float, str | None]:
    """A clustered point near a city, or (one in ten) a uniform point inside China's box."""
    if rng.random() < BACKGROUND_SHARE:
        return (
            rng.uniform(CHINA.min_lon, CHINA.max_lon),
            rng.uniform(CHINA.min_lat, CHINA.max_lat),
            None,
        )
    k = rng.randrange(len(CITIES))
    name, lon, lat = CITIES[k]
    sigma = spreads[k]
    dlon = rng.gauss(0.0, sigma) / math.cos(math.radians(lat))
    return lon + dlon, lat + rng.gauss(0.0, sigma), name


def search_texts(sites: Sequence[dict[str, Any]]) -> list[tuple[int, SearchText]]:
    """What the catalogue indexes for each of `sites`."""
    return [(s["id"], SearchText(name=s["name"], address=s["address"])) for s in sites]


def load(
    engine: Engine, sites: Sequence[dict[str, Any]], *, analyze_sqlite: bool = False
) -> tuple[float, int]:
    """Bulk-insert sites and their search terms in one transaction; (seconds, terms).

    PostgreSQL is then vacuumed and analysed, as autovacuum soon would be. SQLite gets
    `redres.db.analyze`, as after redres's own bulk writes, except for the `sqlite-unanalyzed`
    engine, which shows what the statistics change.
    """
    started = time.perf_counter()
    n_terms = 0
    site_table = Site.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        if conn.execute(text("SELECT count(*) FROM site")).scalar_one():
            sys.exit(f"{engine.url!r} already holds sites; give the benchmark an empty database")
        for start in range(0, len(sites), BATCH):
            batch = sites[start : start + BATCH]
            texts = search_texts(batch)
            conn.execute(insert(site_table), list(batch))
            search_index.insert_new(conn, texts)
            n_terms += sum(len(index_terms(t)) for _, t in texts)
    if engine.dialect.name == "postgresql":
        _settle_postgres(engine)
    elif analyze_sqlite:
        analyze(engine)  # what redres's bulk writers (demo, import) do after loading
    return time.perf_counter() - started, n_terms


def _settle_postgres(engine: Engine) -> None:
    """What autovacuum would soon do: sequences past the explicit ids, statistics, visibility."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("site", "searchterm"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )
        conn.execute(text("VACUUM ANALYZE site"))
        conn.execute(text("VACUUM ANALYZE searchterm"))


# --- the workload ------------------------------------------------------------------------------


def make_workload(
    sites: Sequence[dict[str, Any]], seed: int, count: int, *, common_words: bool = False
) -> dict[str, list[SiteQuery]]:
    """`count` deterministic queries of each type (the first ones are used to warm up)."""
    rng = random.Random(seed + 1)
    workload = _base_workload(rng, sites, count)
    if common_words:
        workload["zh common-word search"] = [
            SiteQuery(q=COMMON_WORDS[i % len(COMMON_WORDS)], limit=50) for i in range(count)
        ]
    return workload


def _base_workload(
    rng: random.Random, sites: Sequence[dict[str, Any]], count: int
) -> dict[str, list[SiteQuery]]:
    points = [(s["lon"], s["lat"]) for s in sites]
    categories = sorted({c for _, c in KINDS})
    places = [rng.choice(PLACES) for _ in range(count)]
    return {
        "bbox ~200 sites": [
            SiteQuery(bbox=box_holding(points, _near_city(rng, 0.1), BOX_SITES), limit=500)
            for _ in range(count)
        ],
        "radius 5 km": [
            SiteQuery(near=_near_city(rng, 0.2), radius_m=RADIUS_M, limit=500) for _ in range(count)
        ],
        "zh two-char search": [SiteQuery(q=p, limit=50) for p in places],
        "pinyin prefix search": [
            SiteQuery(q="".join(lazy_pinyin(rng.choice(PLACES))), limit=50) for _ in range(count)
        ],
        "category list page": [
            SiteQuery(category=rng.choice(categories), limit=50, offset=50 * rng.randrange(10))
            for _ in range(count)
        ],
    }


def _near_city(rng: random.Random, sigma_deg: float) -> LonLat:
    _, lon, lat = rng.choice(CITIES)
    return LonLat(lon + rng.gauss(0.0, sigma_deg), lat + rng.gauss(0.0, sigma_deg))


def box_holding(points: Sequence[tuple[float, float]], centre: LonLat, k: int) -> BBox:
    """The square (in ground distance) box around `centre` that holds the `k` nearest points."""
    cx, cy = centre
    c = math.cos(math.radians(cy))
    h = heapq.nsmallest(k, (max(abs(lat - cy), abs(lon - cx) * c) for lon, lat in points))[-1]
    h += 1e-7  # keep the k-th point inside despite rounding
    return BBox(cx - h / c, cy - h, cx + h / c, cy + h)


# --- measuring ---------------------------------------------------------------------------------


def timed(engine: Engine, query: SiteQuery) -> tuple[float, SitePage, float]:
    """One `list_sites` call in a fresh session, as one API request makes it; (ms, page, CPU ms)."""
    with Session(engine) as session:
        started, cpu = time.perf_counter(), time.process_time()
        page = list_sites(session, query)
        elapsed = (time.perf_counter() - started) * 1000.0
        return elapsed, page, (time.process_time() - cpu) * 1000.0


def measure(
    engines: Sequence[tuple[EngineRun, Engine]],
    workload: dict[str, list[SiteQuery]],
    warmup: int,
) -> None:
    """Run every query on every engine in turn, so load on a shared machine hits all alike."""
    for kind, queries in workload.items():
        for run, _ in engines:
            run.results[kind] = Measurement()
        for i, query in enumerate(queries):
            for run, engine in engines:
                elapsed, page, cpu = timed(engine, query)
                if i >= warmup:
                    run.results[kind].add(elapsed, page, cpu)
        print(f"# measured {kind}", file=sys.stderr)


def prepare(name: str, url: str, sites: Sequence[dict[str, Any]]) -> tuple[EngineRun, Engine]:
    """Migrate and load one database; the engine stays open for measuring.

    A database that already holds exactly these sites (a kept one, `--sqlite-path`) is reused
    as it is: building a million sites takes minutes, measuring them less.
    """
    engine = make_engine(url)
    init_db(engine)
    with engine.connect() as conn:
        held = conn.execute(text("SELECT count(*) FROM site")).scalar_one()
    if held == len(sites):
        print(f"# {name}: reusing {held} sites already loaded", file=sys.stderr)
        if name != "sqlite-unanalyzed":
            analyze(engine)  # statistics for any index a newer migration added
        return EngineRun(name, 0.0, held, 0), engine
    build_s, n_terms = load(engine, sites, analyze_sqlite=name != "sqlite-unanalyzed")
    print(
        f"# {name}: built {len(sites)} sites, {n_terms} search terms in {build_s:.1f} s",
        file=sys.stderr,
    )
    return EngineRun(name, build_s, len(sites), n_terms), engine


# --- databases ---------------------------------------------------------------------------------


@contextmanager
def sqlite_database(keep: bool) -> Iterator[str]:
    """A fresh SQLite file under the temporary directory, removed afterwards unless kept."""
    directory = Path(tempfile.mkdtemp(prefix="redres-bench-"))
    path = directory / "catalog.db"
    try:
        yield f"sqlite:///{path}"
    finally:
        if keep:
            print(f"# kept {path}", file=sys.stderr)
        else:
            shutil.rmtree(directory)


@contextmanager
def postgres_database(url: str, keep: bool) -> Iterator[str]:
    """The database of `url`, created if missing and then dropped again unless kept."""
    parsed = make_url(normalise_url(url))
    name = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        created = found.first() is None
        if created:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.render_as_string(hide_password=False)
    finally:
        if created and not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def environment() -> dict[str, str]:
    """Machine, Python and SQLite versions, for the record."""
    return {
        "cpus": str(os.cpu_count()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def postgres_versions(engine: Engine) -> dict[str, str]:
    """PostgreSQL and PostGIS versions of a migrated database."""
    with engine.connect() as conn:
        return {
            "postgresql": str(conn.execute(text("SHOW server_version")).scalar_one()),
            "postgis": str(conn.execute(text("SELECT postgis_lib_version()")).scalar_one()),
        }


# --- reporting ---------------------------------------------------------------------------------


def markdown(runs: Sequence[EngineRun]) -> str:
    """The results table: per query type, median/p95 per engine, the ratio, and result sizes."""
    labels = [ENGINE_LABELS[r.engine] for r in runs]
    head = ["query"]
    for label in labels:
        head += [f"{label} median ms", f"{label} p95 ms", f"{label} CPU median / p95 ms"]
    head += [f"{label}/{labels[0]} median" for label in labels[1:]]
    head += ["mean returned", "mean total", "approximate totals"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kind in runs[0].results:
        sums = [r.results[kind].summary() for r in runs]
        cells = [kind]
        for s in sums:
            cells += [
                f"{s['median_ms']:.1f}",
                f"{s['p95_ms']:.1f}",
                f"{s['cpu_median_ms']:.1f} / {s['cpu_p95_ms']:.1f}",
            ]
        cells += [f"{s['median_ms'] / sums[0]['median_ms']:.2f}" for s in sums[1:]]
        cells.append(
            " / ".join(f"{s['mean_returned']:.1f}" for s in _distinct(sums, "mean_returned"))
        )
        cells.append(" / ".join(f"{s['mean_total']:.1f}" for s in _distinct(sums, "mean_total")))
        cells.append(" / ".join(str(sum(r.results[kind].approximate)) for r in runs))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _distinct(sums: Sequence[dict[str, float]], key: str) -> list[dict[str, float]]:
    """One summary when engines agree on `key`, else all of them (shown as a / b)."""
    return list(sums) if len({s[key] for s in sums}) > 1 else [sums[0]]


def mismatches(runs: Sequence[EngineRun]) -> dict[str, int]:
    """How many queries of each type returned a page differing from the first engine's."""
    first, rest = runs[0], runs[1:]
    return {
        kind: sum(
            any(other.results[kind].pages[i] != page for other in rest)
            for i, page in enumerate(m.pages)
        )
        for kind, m in first.results.items()
    }


def targets(runs: Sequence[EngineRun], limit_ms: float) -> list[str]:
    """The spatial and Chinese-search medians on SQLite against the target."""
    out = []
    for run in runs:
        if not run.engine.startswith("sqlite"):
            continue
        label = ENGINE_LABELS[run.engine]
        for kind in ("bbox ~200 sites", "radius 5 km", "zh two-char search"):
            median = run.results[kind].summary()["median_ms"]
            verdict = "met" if median < limit_ms else "MISSED"
            out.append(
                f"- {kind}: {median:.1f} ms median on {label}, target {limit_ms:g} ms: {verdict}"
            )
    return out


def write_json(
    path: Path, args: argparse.Namespace, env: dict[str, str], runs: Sequence[EngineRun]
) -> None:
    """The raw figures: every latency and count, per engine and query type."""
    doc = {
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "environment": env,
        "runs": [
            {
                **{k: v for k, v in asdict(r).items() if k != "results"},
                "results": {
                    kind: {
                        **m.summary(),
                        "times_ms": m.times_ms,
                        "returned": m.returned,
                        "totals": m.totals,
                    }
                    for kind, m in r.results.items()
                },
            }
            for r in runs
        ],
        "page_mismatches": mismatches(runs),
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


# --- entry point -------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sites", type=int, default=100_000, help="catalogue size (default 100000)")
    p.add_argument("--seed", type=int, default=0, help="seed of catalogue and queries")
    p.add_argument("--queries", type=int, default=50, help="measured queries per type")
    p.add_argument("--warmup", type=int, default=5, help="unrecorded queries per type first")
    p.add_argument(
        "--engines",
        default="sqlite,postgres",
        help="comma-separated, first is the ratios' base: sqlite, sqlite-unanalyzed "
        "(SQLite without statistics), postgres (default sqlite,postgres)",
    )
    p.add_argument(
        "--pg-url",
        default=DEFAULT_PG_URL,
        help="PostgreSQL database to use; created and dropped if it does not exist",
    )
    p.add_argument(
        "--common-words",
        action="store_true",
        help="also time searches for common words (thousands of hits; slow)",
    )
    p.add_argument("--target-ms", type=float, default=20.0, help="median target on SQLite")
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument(
        "--sqlite-path",
        type=Path,
        help="SQLite file for the `sqlite` engine, kept: loaded if empty, reused if it already "
        "holds the same --sites and --seed",
    )
    p.add_argument("--out", type=Path, help="write the raw figures as JSON here")
    args = p.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINE_LABELS)
    if unknown or not args.engines or len(set(args.engines)) != len(args.engines):
        p.error(f"--engines takes distinct names among {sorted(ENGINE_LABELS)}, not {args.engines}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Build, measure, report."""
    args = parse_args(argv)
    started = time.perf_counter()
    sites = make_sites(args.sites, args.seed)
    workload = make_workload(
        sites, args.seed, args.warmup + args.queries, common_words=args.common_words
    )
    print(
        f"# generated catalogue and workload in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    env = environment()
    with ExitStack() as stack:
        loaded = []
        for name in args.engines:
            url = stack.enter_context(database(name, args))
            run, engine = prepare(name, url, sites)
            stack.callback(engine.dispose)
            loaded.append((run, engine))
            if name == "postgres":
                env.update(postgres_versions(engine))
        measure(loaded, workload, args.warmup)
    runs = [run for run, _ in loaded]
    print(report(args, env, runs))
    if args.out is not None:
        write_json(args.out, args, env, runs)
    return 0


def database(name: str, args: argparse.Namespace) -> AbstractContextManager[str]:
    """The database an engine name stands for."""
    if name == "postgres":
        return postgres_database(args.pg_url, args.keep)
    if name == "sqlite" and args.sqlite_path is not None:
        return nullcontext(f"sqlite:///{args.sqlite_path}")
    return sqlite_database(args.keep)


def report(args: argparse.Namespace, env: dict[str, str], runs: Sequence[EngineRun]) -> str:
    """The Markdown printed to stdout."""
    lines = [
        f"Catalogue of {args.sites:,} sites (seed {args.seed}); {args.queries} queries per type "
        f"after {args.warmup} warm-up, engines interleaved query by query; "
        f"{env['cpus']} CPUs, Python {env['python']}, SQLite {env['sqlite']}"
        + (
            f", PostgreSQL {env['postgresql']} / PostGIS {env['postgis']}"
            if "postgis" in env
            else ""
        ),
        "",
        markdown(runs),
        "",
        "Build (not the subject): "
        + "; ".join(
            f"{ENGINE_LABELS[r.engine]} {r.build_s:.0f} s for {r.search_terms:,} search terms"
            for r in runs
        ),
        *targets(runs, args.target_ms),
    ]
    bad = {k: v for k, v in mismatches(runs).items() if v}
    if bad:
        lines.append(
            f"- pages differing from {ENGINE_LABELS[runs[0].engine]} (of {args.queries}): {bad}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
