"""The 2-opt* move between days (`cross`) on hand-made crossing routes."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import numpy as np

from redres.routes.problem import ProblemData, schedule
from redres.routes.solver.arrays import to_arrays
from redres.routes.solver.cross import cross
from redres.routes.solver.limits import to_limits
from redres.routes.solver.search import _empty
from redres.routes.solver.timing import refresh
from tests.routes.test_solver import make

# East a1 (10, 0), a2 (20, 0); west b1 (-10, 0), b2 (-20, 0); depot at the origin.
COORDS = [(10.0, 0.0), (20.0, 0.0), (-10.0, 0.0), (-20.0, 0.0), (0.0, 0.0)]
OPEN = [(0.0, 200.0)]


def run_cross(data: ProblemData, days: list[list[int]]) -> tuple[list[list[int]], bool]:
    """Set up the routes `days`, apply `cross` to days 0 and 1, return the routes after."""
    p = to_arrays(data)
    state = _empty(data.num_nodes, data.num_days)
    route, ln, st, la, day_of = state
    for d, nodes in enumerate(days):
        for q, u in enumerate(nodes):
            route[d, q] = u
            day_of[u] = d
        ln[d] = len(nodes)
        refresh(p, route, ln, st, la, d)
    changed = cross(p, to_limits(data), route, ln, st, la, day_of, 0, 1)
    after = [[int(u) for u in route[d, : ln[d]]] for d in range(len(days))]
    for d, nodes in enumerate(after):
        assert all(day_of[u] == d for u in nodes)
    return after, bool(changed)


def travel(data: ProblemData, routes: list[list[int]]) -> float:
    total = 0.0
    for d, nodes in enumerate(routes):
        stops = [int(data.day_start[d]), *nodes, int(data.day_end[d])]
        total += sum(float(data.travel[a, b]) for a, b in pairwise(stops))
    return total


def test_crossing_routes_are_untangled() -> None:
    data = make([1.0] * 4, [[OPEN] * 4, [OPEN] * 4], coords=COORDS, service=0.0)
    before = [[0, 3], [2, 1]]  # a1 then b2, b1 then a2: both cross the depot
    after, changed = run_cross(data, before)
    assert changed
    assert sorted(u for r in after for u in r) == [0, 1, 2, 3]
    assert travel(data, after) < travel(data, before) - 1.0
    assert all(schedule(data, d, r) is not None for d, r in enumerate(after) if r)


def test_no_tail_moves_to_a_day_it_is_closed_or_over_the_stop_limit() -> None:
    # As above, but a2 is closed on day 0 and day 1 holds 3 stops at most: every move that
    # cuts travel either puts a2 on day 0 or 4 stops on day 1, so nothing may change.
    windows = [[OPEN, [], OPEN, OPEN], [OPEN] * 4]
    data = replace(make([1.0] * 4, windows, coords=COORDS, service=0.0), max_stops=np.array([2, 3]))
    after, changed = run_cross(data, [[0, 3], [2, 1]])
    assert not changed
    assert after == [[0, 3], [2, 1]]
    open_days = replace(data, windows=[[OPEN] * 4, [OPEN] * 4], max_stops=None)
    assert run_cross(open_days, [[0, 3], [2, 1]])[1]
