"""Hypothesis: on random small instances every solution obeys every rule of the problem."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from redres.routes.problem import ProblemData, schedule
from redres.routes.solver import SolveParams, solve
from tests.routes.test_solver import brute_force


@st.composite
def problems(draw: st.DrawFn) -> ProblemData:
    """Up to 6 nodes and 3 days; 0-2 windows per node and day; some mandatory; stop limits."""
    n = draw(st.integers(1, 6))
    days = draw(st.integers(1, 3))
    coord = st.integers(0, 30)
    xy = np.array([[draw(coord), draw(coord)] for _ in range(n + 2)], dtype=float)
    travel = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))
    windows = []
    for _ in range(days):
        day = []
        for _ in range(n):
            spans, t = [], 0.0
            for _ in range(draw(st.integers(0, 2))):
                open_ = t + draw(st.integers(0, 40))
                close = open_ + draw(st.integers(0, 40))
                spans.append((open_, close))
                t = close + 1
            day.append(spans)
        windows.append(day)
    same_end = draw(st.booleans())
    return ProblemData(
        scores=np.array([draw(st.integers(0, 10)) for _ in range(n)], dtype=float),
        service=np.array([draw(st.integers(0, 15)) for _ in range(n)], dtype=float),
        windows=windows,
        travel=travel,
        day_start=np.full(days, n),
        day_end=np.full(days, n if same_end else n + 1),
        day_window=np.array([[0.0, float(draw(st.integers(20, 150)))] for _ in range(days)]),
        mandatory=np.array([draw(st.integers(0, 4)) == 0 for _ in range(n)]),
        max_stops=draw(st.none() | st.just(np.array([draw(st.integers(1, 4))] * days))),
    )


def _group_xy() -> NDArray[np.float64]:
    """Nodes 0, 1, 3, 4 and the end at one point, 2 and 5 apart, the start next to 5."""
    xy = np.array([[0, 0], [0, 0], [4, 7], [0, 0], [0, 0], [0, 19], [2, 19], [0, 0]], float)
    return np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))


# Found by a hunt (REDRES_HYPOTHESIS_PROFILE=hunt): all five mandatory stops fit (day 0: 1, 4,
# 3; day 1: 5, 2), but repair ranked mandatory insertions by ``1e30 - delay``, which is 1e30
# for every delay, so node 2 went to day 0 (its first feasible day) and shut out node 4.
DROPPED_MANDATORY = ProblemData(
    scores=np.zeros(6),
    service=np.zeros(6),
    windows=[
        [
            [(0.0, 0.0), (1.0, 1.0)],
            [(0.0, 22.0)],
            [(12.0, 12.0), (13.0, 13.0)],
            [(14.0, 22.0), (23.0, 23.0)],
            [(0.0, 0.0), (9.0, 21.0)],
            [],
        ],
        [[], [(1.0, 1.0)], [(0.0, 14.0), (15.0, 15.0)], [], [], [(2.0, 2.0)]],
    ],
    travel=_group_xy(),
    day_start=np.array([6, 6]),
    day_end=np.array([7, 7]),
    day_window=np.array([[0.0, 29.0], [0.0, 27.0]]),
    mandatory=np.array([False, True, True, True, True, True]),
)


# Found by the next hunt: nodes 0 and 5 fit only day 0, node 4 day 0 or day 2, two stops a
# day. Least delay alone (all zero) put node 4 on day 0 and shut node 5 out; the node with
# fewer good days (largest regret) goes first now.
FULL_DAY = ProblemData(
    scores=np.zeros(6),
    service=np.zeros(6),
    windows=[
        [[(0.0, 0.0)], [], [], [], [(0.0, 0.0)], [(0.0, 0.0)]],
        [[], [], [], [], [], []],
        [[], [], [], [], [(0.0, 0.0)], []],
    ],
    travel=np.zeros((8, 8)),
    day_start=np.array([6, 6, 6]),
    day_end=np.array([7, 7, 7]),
    day_window=np.array([[0.0, 20.0]] * 3),
    mandatory=np.array([True, False, False, False, True, True]),
    max_stops=np.array([2, 2, 2]),
)


# The "ci" Hypothesis profile (tests/conftest.py) keeps the examples fixed; hunt with
# REDRES_HYPOTHESIS_PROFILE=hunt (docs/dev) and add what it finds as an @example. Known, not
# fixed: "exact without mandatory nodes" is a heuristic's claim, and about 1 fresh example in
# 4000-8000 breaks it (a 3-day, 6-node instance at 20 against 21 with 60 iterations; some seeds
# stay at 20 after 5000), so a hunt may stop there before reaching a mandatory-stop failure.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=problems(), seed=st.integers(0, 3))
@example(data=DROPPED_MANDATORY, seed=0)
@example(data=FULL_DAY, seed=0)
def test_solutions_obey_every_rule(data: ProblemData, seed: int) -> None:
    found = solve(data, SolveParams(time_limit=30.0, seed=seed, max_iterations=60))
    assert len(found.routes) == data.num_days
    seen = [node for route in found.routes for node in route]
    assert len(seen) == len(set(seen))  # each node at most once
    assert found.score == sum(float(data.scores[i]) for i in seen)
    for day, route in enumerate(found.routes):
        if data.max_stops is not None:
            assert len(route) <= data.max_stops[day]
        if schedule(data, day, ()) is None:  # even going straight to the end is too late
            assert route == ()
            continue
        visits = schedule(data, day, route)
        assert visits is not None  # the day window is respected
        for visit in visits:
            assert visit.start >= visit.arrive >= data.day_window[day][0]
            assert any(a <= visit.start <= b + 1e-9 for a, b in data.windows[day][visit.node])
    optimum, mandatory_possible = brute_force(data)
    if mandatory_possible:
        assert all(i in found.visited for i in np.flatnonzero(data.mandatory))
        assert found.score <= optimum
    if not data.mandatory.any():
        assert found.score == optimum  # tiny instances: the search should be exact


def _xy_travel(points: list[tuple[float, float]]) -> NDArray[np.float64]:
    xy = np.array(points, dtype=float)
    return np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))


def test_mandatory_stops_that_fit_only_in_a_costly_order() -> None:
    # Found by a 20000-example hunt after the regret fix: one usable day, mandatory 0, 2, 3.
    # Only 2, 0, 3 fits (0 just before its window closes at 48, 3 in its one-minute window at
    # 58). Repair put 2 in, then 0 *before* 2 (less delay), after which 3 fit nowhere, and
    # the perturbation reinserted them the same way; now a noisy repair puts a freed
    # mandatory node at a random feasible position.
    data = ProblemData(
        scores=np.zeros(6),
        service=np.zeros(6),
        windows=[
            [
                [(19.0, 19.0), (20.0, 48.0)],
                [(0.0, 0.0)],
                [(24.0, 58.0)],
                [(28.0, 57.0), (58.0, 58.0)],
                [],
                [],
            ],
            [[], [], [], [], [], []],
        ],
        travel=_xy_travel(
            [(6, 0), (16, 0), (-5, 21), (16, 0), (16, 0), (16, 0), (0, 0), (-10, 21)]
        ),
        day_start=np.array([6, 6]),
        day_end=np.array([7, 7]),
        day_window=np.array([[0.0, 92.0], [0.0, 20.0]]),
        mandatory=np.array([True, False, True, True, False, False]),
    )
    assert brute_force(data)[1]
    assert schedule(data, 0, [2, 0, 3]) is not None
    found = solve(data, SolveParams(time_limit=3600.0, seed=0, max_iterations=200))
    assert {0, 2, 3} <= found.visited
