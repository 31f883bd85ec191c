"""Trip budget and kind caps: the solver against brute force and the independent checker."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redres.routes.problem import (
    ProblemData,
    is_feasible,
    limit_breaches,
    missing_mandatory,
    schedule,
)
from redres.routes.solver import SolveParams, solve
from tests.routes.test_solver import brute_force, make
from tests.routes.test_solver_cross import COORDS, run_cross
from tests.routes.test_solver_properties import problems

OPEN = [(0.0, 1000.0)]
# Bounded by iterations, not the clock: a first call compiles the kernels inside the time
# limit, and on a loaded machine that alone can take minutes (then no iteration would run).
QUICK = SolveParams(time_limit=3600.0, seed=0, max_iterations=200)


def test_budget_picks_the_best_affordable_set() -> None:
    # Node 0 scores most but costs the whole budget; nodes 1 and 2 together score more.
    data = dataclasses.replace(
        make([10.0, 6.0, 6.0], [[OPEN] * 3], coords=[(1, 0), (0, 1), (-1, 0), (0, 0)]),
        cost=np.array([10.0, 5.0, 5.0]),
        budget=10.0,
    )
    found = solve(data, QUICK)
    assert found.visited == {1, 2}
    assert found.score == brute_force(data)[0] == 12.0
    assert is_feasible(data, found)


def test_day_cap_spreads_a_kind_over_days() -> None:
    # Two museums (kind 0) next to each other: at most one a day puts them on different days.
    data = dataclasses.replace(
        make([5.0, 5.0, 1.0], [[OPEN] * 3] * 2, coords=[(1, 0), (1, 1), (-1, 0), (0, 0)]),
        kinds=np.array([[True], [True], [False]]),
        kind_cap_day=np.array([[1], [1]]),
    )
    found = solve(data, QUICK)
    assert found.score == brute_force(data)[0] == 11.0
    assert {found.routes[0].count(0) + found.routes[0].count(1)} == {1}
    assert is_feasible(data, found)


def test_trip_cap_and_budget_together() -> None:
    kinds = np.array([[1, 0], [1, 1], [0, 1], [1, 0], [0, 0]], dtype=bool)
    coords = [(1, 0), (0, 1), (-1, 0), (0, -1), (2, 2), (0, 0)]
    data = dataclasses.replace(
        make([4.0, 7.0, 3.0, 5.0, 2.0], [[OPEN] * 5] * 2, coords=coords, max_stops=2),
        cost=np.array([1.0, 4.0, 1.0, 2.0, 3.0]),
        budget=6.0,
        kinds=kinds,
        kind_cap_trip=np.array([2, 1]),
        kind_cap_day=np.array([[1, 1], [1, 1]]),
    )
    found = solve(data, QUICK)
    assert is_feasible(data, found)
    assert found.score == brute_force(data)[0]


def test_checker_names_each_breach() -> None:
    data = dataclasses.replace(
        make([1.0, 1.0], [[OPEN] * 2], coords=[(1, 0), (0, 1), (0, 0)]),
        kinds=np.array([[True], [True]]),
        kind_cap_trip=np.array([1]),
    )
    assert limit_breaches(data, [[0, 1]]) == ["2 of kind 0 over trip cap 1"]
    assert limit_breaches(data, [[1]]) == []


def test_mandatory_over_budget_is_missing_alone() -> None:
    data = dataclasses.replace(
        make([1.0, 1.0], [[OPEN] * 2], coords=[(1, 0), (0, 1), (0, 0)], mandatory=[0, 1]),
        cost=np.array([20.0, 1.0]),
        budget=10.0,
    )
    found = solve(data, QUICK)
    assert found.visited == {1}
    assert missing_mandatory(data, found) == {0: "alone"}


def test_limits_must_match_the_problem() -> None:
    base = make([1.0], [[OPEN]], coords=[(1, 0), (0, 0)])
    with pytest.raises(ValueError, match="kind caps need kinds"):
        dataclasses.replace(base, kind_cap_trip=np.array([1]))
    with pytest.raises(ValueError, match="kind_cap_day"):
        dataclasses.replace(base, kinds=np.array([[True]]), kind_cap_day=np.array([1]))


def test_cross_keeps_day_caps() -> None:
    # The crossing of test_solver_cross: untangling puts a1 and a2 (east) on one day. Make
    # both museums capped at one a day and that move is barred; at two a day it is made.
    data = make([1.0] * 4, [[OPEN] * 4] * 2, coords=COORDS, service=0.0)
    kinds = np.array([[True], [True], [False], [False]])
    for cap, moves in ((2, True), (1, False)):
        capped = dataclasses.replace(data, kinds=kinds, kind_cap_day=np.array([[cap], [cap]]))
        after, changed = run_cross(capped, [[0, 3], [2, 1]])
        assert changed == moves
        assert limit_breaches(capped, after) == []


@st.composite
def limited(draw: st.DrawFn) -> ProblemData:
    """A random small problem with fees, a budget, two kinds and caps per trip and per day."""
    data = draw(problems())
    n, days = data.num_nodes, data.num_days
    return dataclasses.replace(
        data,
        cost=np.array([draw(st.integers(0, 5)) for _ in range(n)], dtype=float),
        budget=float(draw(st.integers(0, 15))),
        kinds=np.array([[draw(st.booleans()) for _ in range(2)] for _ in range(n)]),
        kind_cap_trip=np.array([draw(st.integers(0, 3)) for _ in range(2)]),
        kind_cap_day=np.array([[draw(st.integers(0, 2)) for _ in range(2)] for _ in range(days)]),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=limited(), seed=st.integers(0, 3))
def test_limited_solutions_are_feasible(data: ProblemData, seed: int) -> None:
    found = solve(data, SolveParams(time_limit=3600.0, seed=seed, max_iterations=60))
    assert limit_breaches(data, found.routes) == []
    optimum, mandatory_possible = brute_force(data)
    assert found.score <= optimum
    if mandatory_possible:
        assert all(i in found.visited for i in np.flatnonzero(data.mandatory))
        if all(schedule(data, d, ()) is not None for d in range(data.num_days)):
            assert is_feasible(data, found)  # (else even an empty day is late: end too far)
