"""Benchmark: `catalog_queries.py`'s query table on a database that is already loaded.

`catalog_queries.py` builds its own synthetic catalogue and draws its queries from it; this
draws the same kinds of query from whatever catalogue a database holds (one a large import
loaded, `import_scale.py`), so a million-site load is measured without a second load:

- bbox ~200 sites and radius 5 km around random sites;
- a two-character search: the first two characters of a random site's name;
- a pinyin prefix search: the pinyin of those two characters;
- a category list page (random category, one of the first ten pages);
- common words: the five most frequent Chinese bigrams of site names (PostgreSQL: counted
  from `searchterm`; the words can also be given with `--words`).

    .venv/bin/python bench/search_probe.py postgresql://postgres@127.0.0.1:5432/db \
        --queries 20 --warmup 3 --out probe.json

Each query is one `list_sites` call in a fresh session (`catalog_queries.timed`); the table
gives wall and this process's CPU milliseconds (PostgreSQL's own work is only in the wall).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from catalog_queries import RADIUS_M, Measurement, timed
from pypinyin import lazy_pinyin
from sqlalchemy import text

from redres.catalog.enums import Category
from redres.catalog.listing import SiteQuery
from redres.db import make_engine
from redres.geo import BBox, LonLat


def common_words(engine: Any, n: int) -> list[str]:
    """The `n` bigrams most sites hold (PostgreSQL's term rows)."""
    sql = (
        "SELECT term FROM searchterm WHERE kind = 'zh' AND length(term) = 2 "
        "GROUP BY term ORDER BY count(*) DESC LIMIT :n"
    )
    with engine.connect() as conn:
        return [str(t) for t in conn.execute(text(sql), {"n": n}).scalars()]


def workload(
    engine: Any, count: int, seed: int, words: list[str], half: float = 0.01
) -> dict[str, list[SiteQuery]]:
    """`count` queries of each kind, drawn from random sites of the database (seeded); the
    boxes reach `half` degrees each way from a random site."""
    rng = random.Random(seed)
    with engine.connect() as conn:
        top = int(conn.execute(text("SELECT max(id) FROM site")).scalar_one())
        picked: list[tuple[str, float, float]] = []
        while len(picked) < 3 * count:
            row = conn.execute(
                text("SELECT name, lon, lat FROM site WHERE id = :i AND lon IS NOT NULL"),
                {"i": rng.randint(1, top)},
            ).first()
            if row is not None:
                picked.append((str(row[0]), float(row[1]), float(row[2])))
    names = [p[0] for p in picked[:count]]
    points = [(p[1], p[2]) for p in picked[count : 2 * count]]
    near = [(p[1], p[2]) for p in picked[2 * count :]]
    # 0.01: about 1 km each way, a town's sites in a clustered catalogue of a million
    box = "bbox ~1 km box" if half == 0.01 else f"bbox {2 * half:g} degree square"
    return {
        box: [
            SiteQuery(bbox=BBox(x - half, y - half, x + half, y + half), limit=500)
            for x, y in points
        ],
        "radius 5 km": [
            SiteQuery(near=LonLat(x, y), radius_m=RADIUS_M, limit=500) for x, y in near
        ],
        "zh two-char search": [SiteQuery(q=n[:2], limit=50) for n in names],
        "pinyin prefix search": [SiteQuery(q="".join(lazy_pinyin(n[:2])), limit=50) for n in names],
        "category list page": [
            SiteQuery(category=rng.choice(list(Category)), limit=50, offset=50 * rng.randrange(10))
            for _ in range(count)
        ],
        "zh common word": [SiteQuery(q=words[i % len(words)], limit=50) for i in range(count)],
    }


def main() -> None:
    """Measure every query kind on one database and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--words", help="common words, comma-separated (default: counted)")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--bbox-half",
        type=float,
        default=0.01,
        help="degrees each way of the bbox queries (0.134: ~200 of import_scale's 1,000,000)",
    )
    args = parser.parse_args()
    engine = make_engine(args.url)
    words = args.words.split(",") if args.words else common_words(engine, 5)
    print("# common words:", ",".join(words), file=sys.stderr)
    table: dict[str, dict[str, Any]] = {}
    for kind, queries in workload(
        engine, args.warmup + args.queries, args.seed, words, args.bbox_half
    ).items():
        m = Measurement()
        for i, query in enumerate(queries):
            elapsed, page, cpu = timed(engine, query)
            if i >= args.warmup:
                m.add(elapsed, page, cpu)
        table[kind] = {**m.summary(), "approximate": sum(m.approximate)}
        s = table[kind]
        print(
            f"| {kind} | {s['median_ms']:.1f} | {s['p95_ms']:.1f} | "
            f"{s['cpu_median_ms']:.1f} / {s['cpu_p95_ms']:.1f} | {s['mean_returned']:.1f} | "
            f"{s['mean_total']:.1f} | {s['approximate']} |",
            flush=True,
        )
    if args.out:
        args.out.write_text(json.dumps({"words": words, "table": table}, ensure_ascii=False))


if __name__ == "__main__":
    main()
