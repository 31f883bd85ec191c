"""The elite pool and its route-based crossover: what the pool keeps, what a child may be."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redres.routes.problem import ProblemData, limit_breaches, schedule
from redres.routes.solver import search
from redres.routes.solver.arrays import to_arrays
from redres.routes.solver.limits import to_limits
from redres.routes.solver.pool import Pool, crossover, new_pool, offer
from redres.routes.solver.search import _empty
from tests.routes.test_solver import make
from tests.routes.test_solver_limits import limited

OPEN = [(0.0, 1000.0)]
# Six places on a line east and west of the depot (the last coordinate).
LINE = [(10.0, 0.0), (20.0, 0.0), (30.0, 0.0), (-10.0, 0.0), (-20.0, 0.0), (-30.0, 0.0), (0.0, 0.0)]


def _routes(days: list[list[int]], width: int) -> tuple[np.ndarray, np.ndarray]:
    route = np.zeros((len(days), width), dtype=np.int64)
    for d, nodes in enumerate(days):
        route[d, : len(nodes)] = nodes
    return route, np.array([len(r) for r in days], dtype=np.int64)


def _held(pool: Pool) -> list[tuple[int, float, float]]:
    size = int(pool.count[0])
    return sorted(
        (int(pool.kept[i]), float(pool.score[i]), float(pool.travel[i])) for i in range(size)
    )


def test_the_pool_keeps_distinct_solutions_and_drops_the_worst_when_full() -> None:
    pool = new_pool(2, 6, 2)
    route, ln = _routes([[0], [3]], 7)
    offer(pool, route, ln, 0, 5.0, 40.0)
    offer(pool, route, ln, 0, 5.0, 40.0)  # the same again: not a second member
    assert _held(pool) == [(0, 5.0, 40.0)]
    offer(pool, route, ln, 0, 4.0, 20.0)
    offer(pool, route, ln, 0, 3.0, 10.0)  # full, and worse than both: left out
    assert _held(pool) == [(0, 4.0, 20.0), (0, 5.0, 40.0)]
    offer(pool, route, ln, 0, 4.0, 15.0)  # as good, shorter: takes the worst's slot
    assert _held(pool) == [(0, 4.0, 15.0), (0, 5.0, 40.0)]
    offer(pool, route, ln, 1, 0.0, 99.0)  # one more mandatory stop outranks any score
    assert _held(pool) == [(0, 5.0, 40.0), (1, 0.0, 99.0)]


def _children(
    data: ProblemData, parents: list[list[list[int]]], tries: int
) -> list[list[list[int]]]:
    """Children of the `parents` (routes per day) that `crossover` makes in `tries` draws."""
    p, lim = to_arrays(data), to_limits(data)
    pool = new_pool(len(parents), data.num_nodes, data.num_days)
    for i, days in enumerate(parents):
        route, ln = _routes(days, data.num_nodes + 1)
        offer(pool, route, ln, 0, float(i), 0.0)
    search._seed(7)
    out = []
    for _ in range(tries):
        state = _empty(data.num_nodes, data.num_days)
        if crossover(p, lim, pool, *state):
            route, ln, _, _, day_of = state
            child = [[int(u) for u in route[d, : ln[d]]] for d in range(data.num_days)]
            for d, nodes in enumerate(child):
                assert all(day_of[u] == d for u in nodes)
            assert int((day_of >= 0).sum()) == sum(len(r) for r in child)
            out.append(child)
    return out


def _made_of(child: list[list[int]], first: list[list[int]], second: list[list[int]]) -> bool:
    """Whether `child` keeps some days of `first` whole and takes the others (at least one,
    not all) from `second`, less the nodes the kept days hold."""
    days = range(len(child))
    for kept in itertools.product((True, False), repeat=len(child)):
        if all(kept) or not any(kept):
            continue
        held = {u for d in days if kept[d] for u in first[d]}
        if all(
            child[d] == (first[d] if kept[d] else [u for u in second[d] if u not in held])
            for d in days
        ):
            return True
    return False


def test_a_child_takes_each_day_from_one_parent_and_each_node_once() -> None:
    data = make([1.0] * 6, [[OPEN] * 6] * 3, coords=LINE, service=0.0)
    a = [[0, 1], [3, 4], [2]]
    b = [[3, 5], [0], [1, 2, 4]]
    children = _children(data, [a, b], 40)
    assert children
    for child in children:
        nodes = [u for day in child for u in day]
        assert len(nodes) == len(set(nodes))
        assert _made_of(child, a, b) or _made_of(child, b, a)
        assert all(schedule(data, d, r) is not None for d, r in enumerate(child))
    assert len({str(c) for c in children}) > 1  # the draw of parents and days varies


def test_no_child_breaks_the_trip_cap() -> None:
    # Each parent holds two museums (0, 3), one a day; a trip cap of two. The children that
    # take day 0 from one parent and day 1 from the other would hold 0 and 3 twice over
    # (dropped as duplicates) or none: never more than two museums.
    data = make([1.0] * 6, [[OPEN] * 6] * 2, coords=LINE, service=0.0)
    capped = dataclasses.replace(
        data,
        kinds=np.array([[True], [False], [False], [True], [False], [False]]),
        kind_cap_trip=np.array([1]),
        cost=np.zeros(6),
    )
    a = [[0, 1], [4]]
    b = [[2], [3, 5]]  # a's day 0 with b's day 1 holds museums 0 and 3: over the cap
    children = _children(capped, [a, b], 60)
    assert children  # b's day 0 with a's day 1 is within it
    for child in children:
        assert limit_breaches(capped, child) == []
        assert child == [[2], [4]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=limited(), seed=st.integers(0, 3))
def test_a_pooled_search_keeps_every_rule(data: ProblemData, seed: int) -> None:
    # Epochs of three iterations, so the pool fills and crossover runs within the 80.
    found = search.run(data, time_limit=3600.0, seed=seed, max_iterations=80, pool=4, restart=3)
    assert limit_breaches(data, found.routes) == []
    seen = [u for route in found.routes for u in route]
    assert len(seen) == len(set(seen))
    for day, route in enumerate(found.routes):
        if data.max_stops is not None:
            assert len(route) <= data.max_stops[day]
        if route:
            assert schedule(data, day, route) is not None
