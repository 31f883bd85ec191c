"""Repair's scan of a day: its shortcuts skip only nodes that cannot fit (same choices)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from redres.routes.problem import ProblemData
from redres.routes.solver import search
from redres.routes.solver.arrays import detour_slack, to_arrays
from redres.routes.solver.limits import to_limits
from redres.routes.solver.operators import perturb, replace
from redres.routes.solver.repair import _scan_day, repair
from redres.routes.solver.timing import INF


def _instance(
    n: int, days: int, seed: int, *, symmetric: bool = True, metric: bool = True
) -> ProblemData:
    """Seeded random TOPTW large enough for the granular scan (more than 80 open nodes).

    Not `metric`: each travel time (both ways alike) is scaled by 0.5-1.0, so the triangle
    inequality fails by up to half a trip.
    """
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 50.0, (n + 1, 2))
    travel = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))
    if not symmetric:
        travel = travel * rng.uniform(1.0, 1.3, travel.shape)
    if not metric:
        factor = rng.uniform(0.5, 1.0, travel.shape)
        travel = travel * np.triu(factor) + (travel * np.triu(factor, 1)).T
    opens = rng.uniform(0.0, 150.0, n)
    return ProblemData(
        scores=rng.integers(1, 30, n).astype(float),
        service=np.full(n, 5.0),
        windows=[[[(float(o), float(o) + 60.0)] for o in opens] for _ in range(days)],
        travel=travel,
        day_start=np.full(days, n),
        day_end=np.full(days, n),
        day_window=np.tile(np.array([0.0, 240.0]), (days, 1)),
    )


def test_near_lists_count_as_sorted_only_for_symmetric_travel() -> None:
    assert to_arrays(_instance(100, 2, 0)).near_sorted
    assert not to_arrays(_instance(100, 2, 0, symmetric=False)).near_sorted


def test_detour_slack_is_how_far_the_triangle_inequality_fails() -> None:
    assert 0.0 < to_arrays(_instance(200, 2, 0)).detour_slack <= 1e-5  # Euclidean
    assert to_arrays(_instance(200, 2, 0, metric=False)).detour_slack > 1.0
    # Truncated to two places, distances break it by less than 0.02.
    exact = to_arrays(_instance(200, 2, 1))
    travel = np.floor(exact.travel * 100.0) / 100.0
    assert 0.0 < detour_slack(travel, exact.near) < 0.02 + 1e-6
    assert to_arrays(_instance(200, 2, 0, symmetric=False)).detour_slack >= INF  # no cut


def _scans(p: Any, state: Any, todo: Any) -> tuple[Any, Any]:
    """Every day's least delays and positions of the `todo` nodes (granular)."""
    n, days = len(todo), len(state.ln)
    listed = np.flatnonzero(todo).astype(np.int64)
    shift = np.full((n, days), INF)
    pos = np.zeros((n, days), dtype=np.int64)
    for d in range(days):
        _scan_day(p, *state[:4], d, todo, listed, len(listed),
                  np.zeros(n, dtype=np.int64), 0, True, shift, pos)  # fmt: skip
    return shift, pos


@pytest.mark.parametrize(("seed", "metric"), [(0, True), (1, True), (2, True), (3, False)])
def test_scan_with_the_cuts_equals_the_full_granular_scan(seed: int, metric: bool) -> None:
    # Both cuts (the arrival, then the detour), the arrival alone, and no cut find the same
    # delays; a slack too small on purpose (the detour cut wrong) does not, so the test bites.
    data = _instance(200, 3, seed, metric=metric)
    p, lim = to_arrays(data), to_limits(data)
    state = search._empty(data.num_nodes, data.num_days)
    search._seed(seed)
    search.construct(p, lim, state, True)
    n = data.num_nodes
    blocked = np.zeros(n, dtype=np.bool_)
    perturb(p, *state[:4], state.day_of, blocked, 6, True)  # gaps with some slack
    todo = state.day_of < 0
    assert todo.sum() > 2 * p.near.shape[1]  # the granular scan
    assert p.detour_slack < INF
    full_shift, full_pos = _scans(p._replace(near_sorted=False), state, todo)
    assert (full_shift < INF).sum() > 20  # enough nodes fit somewhere for the test to bite
    for arrays in (p, p._replace(detour_slack=INF)):
        cut_shift, cut_pos = _scans(arrays, state, todo)
        np.testing.assert_array_equal(cut_shift, full_shift)
        np.testing.assert_array_equal(cut_pos[full_shift < INF], full_pos[full_shift < INF])
    wrong, _ = _scans(p._replace(detour_slack=p.detour_slack - 20.0), state, todo)
    assert not np.array_equal(wrong, full_shift)


@pytest.mark.parametrize("metric", [True, False])
def test_search_chooses_the_same_with_and_without_the_cuts(
    monkeypatch: pytest.MonkeyPatch, metric: bool
) -> None:
    # near_sorted=False turns off every cut: the scan's two and replace's.
    data = _instance(200, 2, 5, metric=metric)
    cut = search.run(data, time_limit=600.0, seed=3, max_iterations=150)
    plain = search.to_arrays
    monkeypatch.setattr(
        search, "to_arrays", lambda d, **kw: plain(d, **kw)._replace(near_sorted=False)
    )
    full = search.run(data, time_limit=600.0, seed=3, max_iterations=150)
    assert cut.routes == full.routes


@pytest.mark.parametrize(("days", "seed"), [(2, 0), (3, 1), (4, 2), (4, 3)])
def test_repair_keeping_each_days_best_chooses_as_the_full_pass(days: int, seed: int) -> None:
    # Without limits or mandatory nodes repair keeps each day's best node; a `Limits` marked
    # limited (with nothing limited) takes the pass over every node and day instead.
    data = _instance(200, days, seed)
    p, lim = to_arrays(data), to_limits(data)
    start = search._empty(data.num_nodes, days)
    search._seed(seed)
    search.construct(p, lim, start, True)
    for kick in (3, 10, 25):
        blocked = np.zeros(data.num_nodes, dtype=np.bool_)
        perturb(p, *start[:4], start.day_of, blocked, kick, False)
        found = []
        for limits in (lim, lim._replace(limited=True)):
            state = search.State(*(a.copy() for a in start))
            search._seed(seed + kick)  # the same noise for both
            repair(p, limits, *state, blocked.copy(), 0.5)
            repair(p, limits, *state, np.zeros_like(blocked), 0.0)
            found.append([state.route[d, : state.ln[d]].tolist() for d in range(days)])
        assert found[0] == found[1]
        assert sum(map(len, found[0])) > sum(start.ln)  # it did insert


@pytest.mark.parametrize("metric", [True, False])
def test_replace_with_the_cut_swaps_as_without_it(metric: bool) -> None:
    # From states after a kick and a repair that ignored the kicked nodes, `replace` makes the
    # same swaps with its sorted lists cut short as with every neighbour tried.
    data = _instance(200, 3, 7, metric=metric)
    p, lim = to_arrays(data), to_limits(data)
    start = search._empty(data.num_nodes, data.num_days)
    search._seed(7)
    search.construct(p, lim, start, True)
    swaps = 0
    for kick in range(2, 40, 3):
        blocked = np.zeros(data.num_nodes, dtype=np.bool_)
        kicked = search.State(*(a.copy() for a in start))
        perturb(p, *kicked[:4], kicked.day_of, blocked, kick, False)
        repair(p, lim, *kicked, blocked, 0.0)
        found = []
        for arrays in (p, p._replace(near_sorted=False)):
            state = search.State(*(a.copy() for a in kicked))
            changed = replace(arrays, lim, *state, np.zeros_like(blocked))
            found.append((changed, [state.route[d, : state.ln[d]].tolist() for d in range(3)]))
        assert found[0] == found[1]
        swaps += found[0][0]
    assert swaps >= 2  # enough swaps for the test to bite
