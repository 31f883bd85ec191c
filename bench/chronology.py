"""What asking for historical order costs: each Wuhan demo theme planned with and without it.

For every theme of the demo catalogue (one theme a plan), for 1 and 2 days and several seeds,
plan the same request twice, the second with ``chronological``, and compare the score, the
travel minutes and the pairs of dated stops visited out of order. The search runs a fixed
number of iterations, so the figures do not depend on the machine's speed.

    python bench/chronology.py --seeds 0 1 2 3 4 --iterations 1500

Writes a Markdown table to stdout (see bench/ROUTES.md, "Historical order").
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import statistics
import sys
import tempfile
from pathlib import Path

from sqlmodel import Session, select

from redres.catalog.demo import load_demo
from redres.catalog.models import Theme
from redres.db import init_db, make_engine
from redres.hours.holidays_cn import default_calendar
from redres.routes.answer import Itinerary
from redres.routes.candidates import plan_catalog
from redres.routes.model import Place, PlanRequest
from redres.routes.planner import PlannerParams
from redres.routes.solver import SolveParams, warm_up

MIXED = "1911-revolution+great-revolution+workers-movement+war-of-resistance"
"""Four themes at once: a course through Wuhan's history from 1911 to 1945."""
DEMO = Path(__file__).resolve().parent.parent / "data" / "wuhan"
START = Place(114.2944, 30.58899, "start")
"""A school near Jianghan Road: the demo's usual start point."""


def inversions(itinerary: Itinerary) -> int:
    """Pairs of dated stops visited against the order of their events."""
    dates = [s.event.date for s in itinerary.stops if s.event is not None]
    return sum(
        1
        for a, b in itertools.combinations(dates, 2)
        if b[: min(len(a), len(b))] < a[: min(len(a), len(b))]
    )


def travel(itinerary: Itinerary) -> float:
    """Minutes on the road over all days."""
    return sum(leg.minutes for day in itinerary.days for leg in day.legs)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--iterations", type=int, default=1500)
    parser.add_argument("--days", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        init_db(engine)
        with Session(engine) as session:
            load_demo(session, DEMO)
            session.commit()
            themes = [t.slug for t in session.exec(select(Theme).order_by(Theme.slug))]
            themes.append(MIXED)
            print("| theme | days | stops | score | score ordered | travel min | travel ordered "
                  "| out of order | out of order, ordered | broken (cause) |")  # fmt: skip
            print("|---|---|---|---|---|---|---|---|---|---|")
            for theme, days in itertools.product(themes, args.days):
                rows = []
                for seed in args.seeds:
                    params = PlannerParams(
                        solve=SolveParams(
                            time_limit=3600.0, seed=seed, max_iterations=args.iterations
                        )
                    )
                    got = []
                    for chrono in (False, True):
                        request = PlanRequest(
                            themes=dict.fromkeys(theme.split("+"), 1.0),
                            date=dt.date(2025, 6, 10),
                            days=days,
                            start=START,
                            mode="bus",
                            lunch=None,
                            chronological=chrono,
                        )
                        got.append(
                            plan_catalog(
                                session, request, calendar=default_calendar(), params=params
                            )
                        )
                    rows.append(got)
                _row(theme, days, rows)
    return 0


def _row(theme: str, days: int, rows: list[list[Itinerary]]) -> None:
    def mean(values: list[float]) -> str:
        spread = max(values) - min(values)
        return f"{statistics.mean(values):.1f}" + (f" (±{spread / 2:.1f})" if spread else "")

    plain, ordered = [r[0] for r in rows], [r[1] for r in rows]
    causes = sorted({b.cause for it in ordered for b in it.chronology or ()})
    broken = [float(len(it.chronology or ())) for it in ordered]
    print(
        f"| {theme} | {days} | {mean([float(len(it.stops)) for it in ordered])} "
        f"| {mean([it.score for it in plain])} | {mean([it.score for it in ordered])} "
        f"| {mean([travel(it) for it in plain])} | {mean([travel(it) for it in ordered])} "
        f"| {mean([float(inversions(it)) for it in plain])} "
        f"| {mean([float(inversions(it)) for it in ordered])} "
        f"| {mean(broken)} {'/'.join(causes)} |"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
