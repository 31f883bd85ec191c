"""MCTOPMTW benchmark files (Souffriau et al. 2013): reader to `ProblemData`, and a checker.

Layout (``shared/bench/instances/mctopmtw/FORMAT.txt``): line 1 ``M N B E1..E10`` (tours,
vertices, fee budget, most visits of each of ten kinds); line 2 the depot ``0 x y d S O C``
(``C`` is Tmax); then per vertex ``i x y d S O1 O2 O3 O4 C4 E b e1..e10``: four consecutive
service-start windows ``[O1,O2] [O2,O3] [O3,O4] [O4,C4]``, of which tours 1 and 3 use windows
1 and 3 when ``E = 1`` (2 and 4 when ``E = 0``) and tours 2 and 4 the other two; fee ``b``;
kind flags. Vertices are numbered from 2 (1 is the depot again, as the end). Distances are
Euclidean rounded down to one decimal (Solomon) or two (Cordeau ``pr``).

The reader and the checker share no code: the checker re-reads the raw lines, so a reader bug
cannot hide an infeasible route.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from redres.routes.problem import ProblemData
from redres.routes.read import BenchInstance


class Infeasible(Exception):
    """A reported route breaks the instance's rules."""


def is_mctopmtw(path: Path) -> bool:
    """Whether the file's first line is ``M N B E1..E10`` (13 numbers)."""
    with path.open() as handle:
        return len(handle.readline().split()) == 13


def instance_key(path: Path) -> tuple[int, str]:
    """(m, instance) as the results sheet keys rows: ``MCTOPMTW-2-c101.txt`` -> (2, c101.txt)."""
    _, m, rest = path.name.split("-", 2)
    return int(m), rest


def read_mctopmtw(path: Path) -> BenchInstance:
    """The file as a problem with one day per tour (day-dependent windows), fees and kind caps."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    head = [float(v) for v in rows[0]]
    m, budget, caps = int(head[0]), head[2], np.array(head[3:13], dtype=np.int64)
    depot = [float(v) for v in rows[1]]
    verts = [[float(v) for v in r] for r in rows[2:]]
    n = len(verts)
    xy = np.array([[v[1], v[2]] for v in verts] + [[depot[1], depot[2]]])
    places = 100.0 if "pr" in path.name.lower() else 10.0
    exact = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))
    travel = np.floor(exact * places + 1e-7) / places
    windows = []
    for day in range(m):
        odd_tour = day % 2 == 0  # tours 1 and 3
        per_node = []
        for v in verts:
            spans = [(v[5], v[6]), (v[6], v[7]), (v[7], v[8]), (v[8], v[9])]
            first_third = (v[10] == 1) == odd_tour
            per_node.append([spans[0], spans[2]] if first_third else [spans[1], spans[3]])
        windows.append(per_node)
    data = ProblemData(
        scores=np.array([v[4] for v in verts]),
        service=np.array([v[3] for v in verts]),
        windows=windows,
        travel=travel,
        day_start=np.full(m, n),
        day_end=np.full(m, n),
        day_window=np.array([[depot[5], depot[6]]] * m),
        cost=np.array([v[11] for v in verts]),
        budget=budget,
        kinds=np.array([[v[12 + k] == 1 for k in range(10)] for v in verts]),
        kind_cap_trip=caps,
    )
    node_ids = np.array([int(v[0]) for v in verts], dtype=np.int64)
    return BenchInstance(path.name, "mctopmtw", float(m), data, node_ids)


def check_mctopmtw(path: Path, routes: list[list[int]]) -> float:
    """Re-check routes (file numbering) against the raw file; return their score.

    Raises
    ------
    Infeasible
        On a repeated or unknown vertex, a missed window, a late return, the fee budget or a
        kind limit exceeded, or more routes than tours.
    """
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    tours, budget = int(lines[0][0]), float(lines[0][2])
    limits = [int(x) for x in lines[0][3:13]]
    depot = lines[1]
    sites = {int(r[0]): r for r in lines[2:]}
    scale = 100 if "pr" in path.name.lower() else 10

    def where(v: int) -> tuple[float, float]:
        row = depot if v == 0 else sites[v]
        return float(row[1]), float(row[2])

    def dist(a: int, b: int) -> float:
        return math.floor(math.dist(where(a), where(b)) * scale + 1e-7) / scale

    if len(routes) > tours:
        msg = f"{len(routes)} routes for {tours} tours"
        raise Infeasible(msg)
    seen: set[int] = set()
    score = fees = 0.0
    kinds = [0] * 10
    for tour, route in enumerate(routes, start=1):
        t, here = float(depot[5]), 0
        for v in route:
            if v in seen or v not in sites:
                msg = f"vertex {v} repeated or unknown"
                raise Infeasible(msg)
            seen.add(v)
            r = sites[v]
            o = [float(x) for x in r[5:10]]
            swap = (int(r[10]) == 1) != (tour % 2 == 1)
            opens = [(o[1], o[2]), (o[3], o[4])] if swap else [(o[0], o[1]), (o[2], o[3])]
            t += dist(here, v)
            start = next((max(t, a) for a, b in opens if t <= b + 1e-6), None)
            if start is None:
                msg = f"tour {tour}: vertex {v} reached at {t:g}, after its windows {opens}"
                raise Infeasible(msg)
            t = start + float(r[3])
            score += float(r[4])
            fees += float(r[11])
            for k in range(10):
                kinds[k] += int(r[12 + k])
            here = v
        if t + dist(here, 0) > float(depot[6]) + 1e-6:
            msg = f"tour {tour} returns at {t + dist(here, 0):g} after {depot[6]}"
            raise Infeasible(msg)
    if fees > budget + 1e-6:
        msg = f"fees {fees:g} over budget {budget:g}"
        raise Infeasible(msg)
    over = [k + 1 for k in range(10) if kinds[k] > limits[k]]
    if over:
        msg = f"kind limits exceeded for types {over}"
        raise Infeasible(msg)
    return score


def table(results: Path, sheet: Path) -> str:
    """Markdown table per family and m from `orienteering.py` CSV output and the results sheet.

    Columns: instances, mean score / ``best`` (the published heuristic), the lowest such ratio,
    mean score / ``benchmark`` (best known when the sheet was made), rows above ``benchmark``,
    mean seconds.
    """
    import csv
    from collections import defaultdict

    with sheet.open() as handle:
        ref = {(int(r["m"]), r["instance"]): r for r in csv.DictReader(handle)}
    groups: dict[tuple[str, int], list[tuple[float, float, float]]] = defaultdict(list)
    above: dict[tuple[str, int], list[str]] = defaultdict(list)
    with results.open() as handle:
        for row in csv.DictReader(handle):
            m, name = instance_key(Path(row["instance"]))
            r = ref[(m, name)]
            score, best, bench = float(row["score"]), float(r["best"]), float(r["benchmark"])
            key = ("pr" if name.startswith("pr") else "c1/r1/rc1", m)
            groups[key].append((score / best, score / bench, float(row["seconds"])))
            if score > bench + 1e-6:
                above[key].append(f"{name} {score:g} > {bench:g}")
    lines = [
        "| family | m | n | score/best (mean) | score/best (min) | score/benchmark | > benchmark | s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(groups):
        rows = groups[key]
        mean = sum(a for a, _, _ in rows) / len(rows)
        low = min(a for a, _, _ in rows)
        vs_bench = sum(b for _, b, _ in rows) / len(rows)
        secs = sum(s for _, _, s in rows) / len(rows)
        lines.append(
            f"| {key[0]} | {key[1]} | {len(rows)} | {mean:.4f} | {low:.4f} | {vs_bench:.4f} "
            f"| {len(above[key])} | {secs:.2f} |"
        )
    extra = [f"- m={k[1]} {k[0]}: {', '.join(v)}" for k, v in sorted(above.items()) if v]
    return "\n".join(lines + extra)


if __name__ == "__main__":
    import sys

    here = Path(__file__).resolve().parent
    default_sheet = here.parent.parent / "shared" / "bench" / "mctopmtw-results.csv"
    print(table(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else default_sheet))
