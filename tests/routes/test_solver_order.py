"""Soft precedence (historical order): the solver against brute force on the checker's objective."""

from __future__ import annotations

import dataclasses
from itertools import permutations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redres.routes.problem import ProblemData, is_feasible, objective, order_breaches, schedule
from redres.routes.solver import SolveParams, solve
from tests.routes.test_solver import make
from tests.routes.test_solver_properties import problems

OPEN = [(0.0, 1000.0)]
QUICK = SolveParams(time_limit=3600.0, seed=0, max_iterations=300)


def brute_objective(data: ProblemData) -> float:
    """The best `objective` over every feasible solution (ordered routes per day, n <= 5)."""
    n = data.num_nodes
    per_day = []
    for day in range(data.num_days):
        limit = n if data.max_stops is None else int(data.max_stops[day])
        routes = [
            route
            for k in range(min(n, limit) + 1)
            for route in permutations(range(n), k)
            if schedule(data, day, route) is not None
        ]
        per_day.append(routes)
    best = -np.inf
    mandatory = {i for i in range(n) if data.mandatory[i]}

    def walk(day: int, chosen: list[tuple[int, ...]], used: set[int]) -> None:
        nonlocal best
        if day == data.num_days:
            if mandatory <= used:
                best = max(best, objective(data, chosen))
            return
        for route in per_day[day]:
            if used.isdisjoint(route):
                walk(day + 1, [*chosen, route], used | set(route))

    walk(0, [], set())
    return float(best)


def with_order(data: ProblemData, pairs: list[tuple[int, int]], weight: float) -> ProblemData:
    return dataclasses.replace(
        data,
        precede=np.array(pairs, dtype=np.int64).reshape(-1, 2),
        precede_penalty=np.full(len(pairs), weight),
    )


def test_order_is_kept_when_it_costs_only_travel() -> None:
    # Three corners of a unit square around the depot: the shortest tours run round the edge
    # (0, 1, 2 or back); asked for 0 before 2 before 1, the solver crosses the square instead.
    data = make([1.0, 1.0, 1.0], [[OPEN] * 3], coords=[(1, 0), (1, 1), (0, 1), (0, 0)])
    ordered = with_order(data, [(0, 2), (2, 1), (0, 1)], 0.5)
    plain = solve(data, QUICK)
    assert order_breaches(ordered, plain.routes)
    found = solve(ordered, QUICK)
    assert found.routes == ((0, 2, 1),)
    assert is_feasible(ordered, found)
    assert objective(ordered, found.routes) == brute_objective(ordered) == 3.0


def test_windows_force_a_break_and_the_stop_is_kept() -> None:
    # Node 1 (the later event) closes before node 0 opens: both are worth more than the penalty.
    windows = [[[(50.0, 60.0)], [(0.0, 20.0)]]]
    data = with_order(make([2.0, 2.0], windows, coords=[(1, 0), (0, 1), (0, 0)]), [(0, 1)], 1.0)
    found = solve(data, QUICK)
    assert found.routes == ((1, 0),)
    assert order_breaches(data, found.routes) == [0]
    assert objective(data, found.routes) == brute_objective(data) == 3.0


def test_a_heavy_penalty_drops_the_stop_instead() -> None:
    windows = [[[(50.0, 60.0)], [(0.0, 20.0)]]]
    data = with_order(make([2.0, 1.0], windows, coords=[(1, 0), (0, 1), (0, 0)]), [(0, 1)], 5.0)
    found = solve(data, QUICK)
    assert found.routes == ((0,),)
    assert objective(data, found.routes) == brute_objective(data) == 2.0


def test_order_counts_across_days() -> None:
    # Two days, one stop a day: the earlier event goes on the first day.
    data = make([1.0, 1.0], [[OPEN] * 2] * 2, coords=[(1, 0), (0, 1), (0, 0)], max_stops=1)
    data = with_order(data, [(1, 0)], 0.5)
    found = solve(data, QUICK)
    assert found.routes == ((1,), (0,))
    assert objective(data, found.routes) == brute_objective(data) == 2.0


def random_instance(seed: int) -> ProblemData:
    """Five nodes over two days, wide windows, events in a random order (penalty: half the
    lower score of a pair, as the planner sets it)."""
    rng = np.random.default_rng(seed)
    n, days = 5, 2
    coords = [tuple(float(v) for v in rng.integers(0, 30, 2)) for _ in range(n + 1)]
    windows = [[[(float(a), float(a) + 60.0)] for a in rng.integers(0, 60, n)] for _ in range(days)]
    data = make(
        [float(s) for s in rng.integers(1, 6, n)],
        windows,
        coords=coords,
        day_window=(0.0, 110.0),
        max_stops=3,
    )
    dates = rng.permutation(n)
    pairs = [(a, b) for a in range(n) for b in range(n) if dates[a] < dates[b]]
    return dataclasses.replace(
        data,
        precede=np.array(pairs, dtype=np.int64),
        precede_penalty=np.array([0.5 * min(data.scores[a], data.scores[b]) for a, b in pairs]),
    )


def test_random_small_instances_against_the_brute_force_optimum() -> None:
    """The optimum on all 8 (seed 1 needs two stops swapped between days and a third dropped
    to make room at once: 16.0, where the first-improvement order move stopped at 15.5)."""
    exact = 0
    for seed in range(8):
        data = random_instance(seed)
        found = solve(data, SolveParams(time_limit=3600.0, seed=seed, max_iterations=400))
        assert is_feasible(data, found)
        best = brute_objective(data)
        got = objective(data, found.routes)
        assert got <= best + 1e-9
        assert got >= 0.95 * best, f"seed {seed}: {got} for {best}"
        exact += abs(got - best) < 1e-9
    assert exact == 8


def test_the_checker_names_broken_pairs_and_scores_them() -> None:
    data = make([3.0, 2.0, 1.0], [[OPEN] * 3] * 2, coords=[(1, 0), (0, 1), (1, 1), (0, 0)])
    data = with_order(data, [(0, 1), (1, 2), (0, 2)], 0.5)
    assert order_breaches(data, [[2, 1], [0]]) == [0, 1, 2]
    assert objective(data, [[2, 1], [0]]) == 6.0 - 1.5
    assert order_breaches(data, [[0], [1]]) == []
    assert order_breaches(data, [[1], []]) == []  # a pair counts only when both are visited


def test_the_arrays_are_validated() -> None:
    data = make([1.0], [[OPEN]], coords=[(1, 0), (0, 0)])
    with pytest.raises(ValueError, match="go together"):
        dataclasses.replace(data, precede=np.zeros((1, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="does not exist"):
        with_order(data, [(0, 3)], 1.0)
    with pytest.raises(ValueError, match="non-negative"):
        with_order(data, [(0, 0)], -1.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=problems(), draw=st.data())
def test_precedence_never_breaks_feasibility(data: ProblemData, draw: st.DataObject) -> None:
    n = data.num_nodes
    pairs = draw.draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=8).map(
            lambda ps: [(a, b) for a, b in ps if a != b]
        )
    )
    weight = draw.draw(st.floats(0.0, 5.0))
    ordered = with_order(data, pairs, weight)
    found = solve(ordered, SolveParams(time_limit=3600.0, seed=1, max_iterations=60))
    seen = [node for route in found.routes for node in route]
    assert len(seen) == len(set(seen))
    for day, route in enumerate(found.routes):
        if schedule(data, day, ()) is None:  # even going straight to the end is too late
            assert route == ()
        else:
            assert schedule(data, day, route) is not None
        assert data.max_stops is None or len(route) <= data.max_stops[day]
    plain = solve(data, SolveParams(time_limit=3600.0, seed=1, max_iterations=60))
    # the order is soft: the same mandatory nodes are kept whatever the penalties
    assert set(np.flatnonzero(data.mandatory)) & found.visited == (
        set(np.flatnonzero(data.mandatory)) & plain.visited
    )


def test_no_pairs_solve_exactly_as_without_the_arrays() -> None:
    rng = np.random.default_rng(3)
    coords = [tuple(float(v) for v in rng.integers(0, 30, 2)) for _ in range(7)]
    data = make([float(s) for s in rng.integers(1, 9, 6)], [[OPEN] * 6] * 2, coords=coords)
    empty = dataclasses.replace(
        data, precede=np.zeros((0, 2), dtype=np.int64), precede_penalty=np.zeros(0)
    )
    assert solve(empty, QUICK).routes == solve(data, QUICK).routes
