"""Quality benchmark of the route solver on the public OP, (T)OPTW and MCTOPMTW instances.

    python bench/orienteering.py [--time-limit S] [--m M] [--seed N] [--routes OUT.json]
                                 [--summary] [--peers [pyvrp,ortools]] [--bks FILE]
                                 INSTANCE_FILE...

Prints one CSV row per instance (``instance,param,score,seconds`` first, then the family, the
best-known score and the gap; with ``--peers`` also PyVRP's and OR-Tools' score and seconds on
the same model and time limit; ``--peers pyvrp`` runs PyVRP only). Every reported route, ours
and the peers', is re-checked by an independent checker written here against the file's own
conventions (it shares no code with ``redres.routes.read``); an infeasible route stops the run
with exit code 3. ``--summary`` writes a per-family table (mean gap, number at best-known,
mean seconds) to stderr.

MCTOPMTW files (first line ``M N B E1..E10``, see ``bench/mctopmtw.py``) are told apart by their
first line: ``m`` comes from the file (``--m`` is ignored), ``bks`` is the results sheet's
``benchmark``; ``python bench/mctopmtw.py OUT.csv`` adds the sheet's ``best`` (the published
heuristic to beat) in a table per family and m. Peers model neither fees nor kinds, so they
skip these files (empty cells).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

# bench/ is on sys.path when this file runs as a script, so its sibling imports by name.
from mctopmtw import Infeasible as McInfeasible
from mctopmtw import check_mctopmtw, instance_key, is_mctopmtw, read_mctopmtw

from redres.routes.read import BenchInstance, read
from redres.routes.solver import SolveParams, solve, warm_up

HERE = Path(__file__).resolve().parent
DEFAULT_BKS = HERE.parent.parent / "shared" / "bench" / "bks.csv"
MCTOPMTW_SHEET = HERE.parent.parent / "shared" / "bench" / "mctopmtw-results.csv"


class Infeasible(Exception):
    """A reported route breaks the instance's rules."""


def check_routes(path: Path, routes: list[list[int]], m: int) -> float:
    """Re-check routes (file numbering, depots left out) from the raw file; return the score.

    Raises
    ------
    Infeasible
        On a repeated or unknown node, a missed window, or a route over budget.
    """
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    seen: set[int] = set()
    total = 0.0
    if len(rows[0]) == 2:  # OP: Tmax P; x y S; start = point 0, end = point 1; plain Euclid
        tmax = float(rows[0][0])
        pts = [(float(r[0]), float(r[1]), float(r[2])) for r in rows[1:]]
        if len(routes) > m:
            msg = f"{len(routes)} routes for m={m}"
            raise Infeasible(msg)
        for route in routes:
            length, here = 0.0, 0
            for node in route:
                if node in seen or not 2 <= node < len(pts):
                    msg = f"node {node} repeated or not a candidate"
                    raise Infeasible(msg)
                length += math.dist(pts[here][:2], pts[node][:2])
                here = node
                seen.add(node)
                total += pts[node][2]
            length += math.dist(pts[here][:2], pts[1][:2])  # to the end point
            if length > tmax + 1e-6:
                msg = f"route length {length} over budget {tmax}"
                raise Infeasible(msg)
        return total
    places = 100 if path.name.lower().startswith("pr") else 10
    verts = [
        (float(r[1]), float(r[2]), float(r[3]), float(r[4]), float(r[-2]), float(r[-1]))
        for r in rows[2:]
    ]

    def dist(a: int, b: int) -> float:
        return math.floor(math.dist(verts[a][:2], verts[b][:2]) * places + 1e-7) / places

    if len(routes) > m:
        msg = f"{len(routes)} routes for m={m}"
        raise Infeasible(msg)
    for route in routes:
        t, here = verts[0][4], 0
        for node in route:
            if node in seen or not 1 <= node < len(verts):
                msg = f"node {node} repeated or not a customer"
                raise Infeasible(msg)
            seen.add(node)
            t = max(t + dist(here, node), verts[node][4])
            if t > verts[node][5] + 1e-6:
                msg = f"service at {node} starts at {t} after {verts[node][5]}"
                raise Infeasible(msg)
            t += verts[node][2]
            total += verts[node][3]
            here = node
        if t + dist(here, 0) > verts[0][5] + 1e-6:
            msg = f"route returns at {t + dist(here, 0)} after {verts[0][5]}"
            raise Infeasible(msg)
    return total


def peer_model(
    inst: BenchInstance,
) -> tuple[list[list[int]], list[int], list[int], list[tuple[int, int]], int, int, int, int]:
    """Integer model shared by the peers: matrix (candidates, start, end), service, prize, windows.

    Times are scaled to integers: exactly for TOPTW (truncated distances), rounded up for OP
    (so a peer route is never shorter than its true length). Prizes outweigh any travel, so
    score comes first and the shortest route second, as in the bench README's peer table.
    """
    data = inst.data
    scale = 1000 if inst.family == "op" else (100 if inst.name.lower().startswith("pr") else 10)
    n = data.num_nodes
    locs = [*range(n), int(data.day_start[0]), int(data.day_end[0])]
    conv = math.ceil if inst.family == "op" else round
    matrix = [
        [int(conv(data.travel[a, b] * scale - (1e-6 if inst.family == "op" else 0))) for b in locs]
        for a in locs
    ]
    service = [round(s * scale) for s in data.service]
    windows = [(round(w[0][0] * scale), round(w[0][1] * scale)) for w in data.windows[0]]
    big = sum(max(row) for row in matrix) + 1
    prizes = [round(s) * big for s in data.scores]
    open_, close = (round(v * scale) for v in data.day_window[0])
    return matrix, service, prizes, windows, open_, close, n, len(data.day_start)


def run_pyvrp(inst: BenchInstance, limit: float, seed: int) -> list[list[int]]:
    """PyVRP 0.14 prize-collecting VRPTW on the peer model; routes in candidate indices."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    began = time.perf_counter()
    matrix, service, prizes, windows, open_, close, n, m = peer_model(inst)
    model = Model()
    locs = [model.add_location(0, 0) for _ in matrix]
    start, end = model.add_depot(locs[n]), model.add_depot(locs[n + 1])
    model.add_vehicle_type(m, start_depot=start, end_depot=end, tw_early=open_, tw_late=close)
    for i in range(n):
        model.add_client(
            locs[i],
            service_duration=service[i],
            tw_early=windows[i][0],
            tw_late=windows[i][1],
            prize=prizes[i],
            required=False,
        )
    for a, row in enumerate(matrix):
        for b, value in enumerate(row):
            model.add_edge(locs[a], locs[b], distance=value, duration=value)
    left = max(0.01, limit - (time.perf_counter() - began))
    with warnings.catch_warnings():  # penalty-bound warnings are noise here
        warnings.simplefilter("ignore")
        result = model.solve(MaxRuntime(left), seed=seed, display=False)
    if not result.is_feasible():
        return []
    return [[act.idx for act in route if act.is_client()] for route in result.best.routes()]


def run_ortools(inst: BenchInstance, limit: float, seed: int) -> list[list[int]]:
    """OR-Tools routing with optional nodes (disjunctions) and guided local search."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    del seed  # OR-Tools routing is deterministic
    began = time.perf_counter()
    matrix, service, prizes, windows, open_, close, n, m = peer_model(inst)
    manager = pywrapcp.RoutingIndexManager(n + 2, m, [n] * m, [n + 1] * m)
    routing = pywrapcp.RoutingModel(manager)
    with_service = [
        [matrix[a][b] + (service[a] if a < n else 0) for b in range(n + 2)] for a in range(n + 2)
    ]
    cost = routing.RegisterTransitMatrix(matrix)
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    transit = routing.RegisterTransitMatrix(with_service)
    routing.AddDimension(transit, close, close, False, "time")
    dim = routing.GetDimensionOrDie("time")
    for i in range(n):
        index = manager.NodeToIndex(i)
        dim.CumulVar(index).SetRange(windows[i][0], windows[i][1])
        routing.AddDisjunction([index], prizes[i])
    for v in range(m):
        dim.CumulVar(routing.Start(v)).SetRange(open_, close)
        dim.CumulVar(routing.End(v)).SetRange(open_, close)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    left = max(0.01, limit - (time.perf_counter() - began))
    params.time_limit.FromMilliseconds(int(left * 1000))
    found = routing.SolveWithParameters(params)
    if found is None:
        return []
    routes = []
    for v in range(m):
        index, route = found.Value(routing.NextVar(routing.Start(v))), []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = found.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def group(inst: BenchInstance) -> str:
    """The family groups the bench README reports separately."""
    name = inst.name.lower()
    if inst.family == "mctopmtw":
        kind = "pr" if "-pr" in name else "c1/r1/rc1"
        return f"mctopmtw {kind} m={int(inst.param)}"
    if inst.family == "op":
        return "op-tsiligirides" if name.startswith("tsil") else "op-chao"
    if name.startswith("pr"):
        return f"pr{'01-10' if int(name[2:4]) <= 10 else '11-20'} m={int(inst.param)}"
    return f"{'c1/r1/rc1' if Path(name).stem[-3] == '1' else 'c2/r2/rc2'} m={int(inst.param)}"


def load_sheet(path: Path) -> dict[tuple[int, str], tuple[float, float]]:
    """MCTOPMTW results sheet: (m, instance) -> (benchmark, best of the published heuristic)."""
    if not path.exists():
        return {}
    with path.open() as handle:
        return {
            (int(r["m"]), r["instance"]): (float(r["benchmark"]), float(r["best"]))
            for r in csv.DictReader(handle)
        }


def load_bks(path: Path) -> dict[tuple[str, str, float], float]:
    """Best-known scores keyed by (family, instance stem, param)."""
    if not path.exists():
        return {}
    with path.open() as handle:
        return {
            (r["family"], r["instance"], float(r["param"])): float(r["bks"])
            for r in csv.DictReader(handle)
        }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; the exit code is 3 when any reported route is infeasible."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, metavar="INSTANCE_FILE")
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--m", type=int, default=1, help="routes for TOPTW files (default 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--routes", type=Path, help="write {file name: routes} JSON here")
    parser.add_argument("--summary", action="store_true", help="per-family table on stderr")
    parser.add_argument(
        "--peers",
        nargs="?",
        const="pyvrp,ortools",
        default="",
        help="also run these peers (comma-separated; alone: pyvrp,ortools)",
    )
    parser.add_argument("--bks", type=Path, default=DEFAULT_BKS)
    args = parser.parse_args(argv)
    bks = load_bks(args.bks)
    sheet = load_sheet(MCTOPMTW_SHEET)
    peers = [p for p in args.peers.split(",") if p]
    if any(p not in ("pyvrp", "ortools") for p in peers):
        parser.error(f"--peers takes pyvrp and/or ortools, not {args.peers!r}")
    solvers = ["redres", *peers]
    out = csv.writer(sys.stdout, lineterminator="\n")
    header = ["instance", "param", "score", "seconds", "family", "group", "bks", "gap_pct"]
    for peer in solvers[1:]:
        header += [f"{peer}_score", f"{peer}_seconds", f"{peer}_gap_pct"]
    out.writerow(header)
    all_routes: dict[str, list[list[int]]] = {}
    warm_up()  # compile or load every kernel before the first instance is timed
    stats: dict[tuple[str, str], list[tuple[float, bool, float]]] = defaultdict(list)
    for path in args.files:
        multi = is_mctopmtw(path)
        if multi:
            inst = read_mctopmtw(path)
            best = sheet.get(instance_key(path), (None, None))[0]
        else:
            inst = read(path, m=args.m if not _is_op(path) else None)
            best = bks.get((inst.family, path.stem, inst.param))
        row: list[object] = [inst.name, f"{inst.param:g}"]
        for solver in solvers:
            if multi and solver != "redres":
                row += ["", "", ""]
                continue
            began = time.perf_counter()
            if solver == "redres":
                found = solve(inst.data, SolveParams(time_limit=args.time_limit, seed=args.seed))
                routes = inst.file_routes(found.routes)
                all_routes[inst.name] = routes
            else:
                run = run_pyvrp if solver == "pyvrp" else run_ortools
                routes = inst.file_routes(
                    tuple(tuple(r) for r in run(inst, args.time_limit, args.seed))
                )
            seconds = time.perf_counter() - began
            try:
                if multi:
                    score = check_mctopmtw(path, routes)
                else:
                    score = check_routes(path, routes, len(inst.data.day_start))
            except (Infeasible, McInfeasible) as error:
                print(f"INFEASIBLE {solver} route on {inst.name}: {error}", file=sys.stderr)
                return 3
            gap = 100.0 * (best - score) / best if best else float("nan")
            outcome = (gap, best is not None and score >= best - 1e-6, seconds)
            stats[(group(inst), solver)].append(outcome)
            stats[(_overall(inst), solver)].append(outcome)
            cells = [f"{score:g}", f"{seconds:.3f}"]
            if solver == "redres":
                row += [
                    *cells,
                    inst.family,
                    group(inst),
                    "" if best is None else f"{best:g}",
                    f"{gap:.2f}",
                ]
            else:
                row += [*cells, f"{gap:.2f}"]
        out.writerow(row)
        sys.stdout.flush()
    if args.routes:
        lines = [f"{json.dumps(name)}: {json.dumps(r)}" for name, r in all_routes.items()]
        args.routes.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    if args.summary:
        _summary(stats, solvers)
    return 0


def _overall(inst: BenchInstance) -> str:
    if inst.family == "mctopmtw":
        return f"all mctopmtw m={int(inst.param)}"
    return "all op" if inst.family == "op" else f"all toptw m={int(inst.param)}"


def _is_op(path: Path) -> bool:
    with path.open() as handle:
        return len(handle.readline().split()) == 2


def _summary(
    stats: dict[tuple[str, str], list[tuple[float, bool, float]]], solvers: list[str]
) -> None:
    print("group,solver,instances,mean_gap_pct,at_bks,mean_seconds", file=sys.stderr)
    for name in sorted({g for g, _ in stats}):
        for solver in solvers:
            rows = stats[(name, solver)]
            gaps = [g for g, _, _ in rows if not math.isnan(g)]
            mean_gap = sum(gaps) / len(gaps) if gaps else float("nan")
            print(
                f"{name},{solver},{len(rows)},{mean_gap:.2f},{sum(b for _, b, _ in rows)},"
                f"{sum(s for _, _, s in rows) / len(rows):.3f}",
                file=sys.stderr,
            )


if __name__ == "__main__":
    sys.exit(main())
