"""The solver on tiny instances whose optimum brute force can certify, and its contract."""

from __future__ import annotations

import time
from collections.abc import Sequence
from itertools import permutations
from pathlib import Path

import numpy as np
import pytest

from redres.routes.problem import (
    ProblemData,
    Solution,
    is_feasible,
    limit_breaches,
    missing_mandatory,
    schedule,
)
from redres.routes.read import read
from redres.routes.solver import SolveParams, search, solve, warm_up
from redres.routes.solver.defaults import (
    default_accept,
    default_kmax,
    default_neighbours,
    default_pool,
    default_restart,
)
from redres.routes.solver.search import run

DATA = Path(__file__).resolve().parents[1] / "data"
QUICK = SolveParams(time_limit=30.0, seed=0, max_iterations=200)


def brute_force(data: ProblemData) -> tuple[float, bool]:
    """Optimum score, and whether any feasible solution holds every mandatory node.

    Enumerates every ordered route per day (n <= 7), then combines disjoint day subsets; the
    budget and kind caps are checked on the sets (`limit_breaches`, the checker's own rule).
    """
    n = data.num_nodes
    mandatory = sum(1 << i for i in range(n) if data.mandatory[i])
    reach: dict[tuple[int, ...], float] = {(): 0.0}
    for day in range(data.num_days):
        feasible = {0}
        limit = n if data.max_stops is None else int(data.max_stops[day])
        for k in range(1, min(n, limit) + 1):
            for route in permutations(range(n), k):
                mask = sum(1 << i for i in route)
                if mask not in feasible and schedule(data, day, route) is not None:
                    feasible.add(mask)
        nxt: dict[tuple[int, ...], float] = {}
        for have in reach:
            used = sum(have)
            for mask in feasible:
                if used & mask == 0:
                    both = (*have, mask)
                    nxt[both] = sum(
                        float(data.scores[i]) for i in range(n) if (used | mask) >> i & 1
                    )
        reach = nxt
    if data.budget is not None or data.kinds is not None:
        reach = {days: s for days, s in reach.items() if not limit_breaches(data, _nodes(days, n))}
    best = max((s for d, s in reach.items() if sum(d) & mandatory == mandatory), default=None)
    if best is None:
        return max(reach.values()), False
    return best, True


def _nodes(days: tuple[int, ...], n: int) -> list[list[int]]:
    return [[i for i in range(n) if mask >> i & 1] for mask in days]


def make(
    scores: Sequence[float],
    windows: Sequence[Sequence[Sequence[tuple[float, float]]]],
    *,
    coords: Sequence[tuple[float, float]],
    service: float = 10.0,
    day_window: tuple[float, float] = (0.0, 100.0),
    mandatory: Sequence[int] = (),
    max_stops: int | None = None,
) -> ProblemData:
    """A toy problem: the depot is the last coordinate, straight-line travel."""
    xy = np.array(coords, dtype=float)
    travel = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))
    n, days = len(scores), len(windows)
    flags = np.zeros(n, dtype=bool)
    flags[list(mandatory)] = True
    return ProblemData(
        scores=np.array(scores, dtype=float),
        service=np.full(n, service),
        windows=windows,
        travel=travel,
        day_start=np.full(days, n),
        day_end=np.full(days, n),
        day_window=np.tile(np.array(day_window), (days, 1)),
        mandatory=flags,
        max_stops=None if max_stops is None else np.full(days, max_stops),
    )


@pytest.mark.parametrize(
    ("name", "m", "optimum"),
    [("toptw/tiny6.txt", 1, 70.0), ("toptw/tiny6.txt", 2, 83.0), ("op/tiny7.txt", 1, 60.0)],
)
def test_known_optimum_on_tiny_files(name: str, m: int, optimum: float) -> None:
    inst = read(DATA / name, m=m)
    assert brute_force(inst.data) == (optimum, True)
    found = solve(inst.data, QUICK)
    assert is_feasible(inst.data, found)
    assert found.score == optimum


def test_same_seed_same_routes() -> None:
    inst = read(DATA / "toptw/tiny6.txt", m=2)
    assert solve(inst.data, QUICK) == solve(inst.data, QUICK)


def test_perturbation_size_depends_on_days() -> None:
    # Two days take smaller kicks (bench/ROUTES.md, v5); one day and 3-4 days keep 30.
    assert [default_kmax(d) for d in (1, 2, 3, 4)] == [30, 15, 30, 30]
    inst = read(DATA / "toptw/tiny6.txt", m=2)
    explicit = run(inst.data, time_limit=60.0, seed=0, max_iterations=200, kmax=15)
    default = run(inst.data, time_limit=60.0, seed=0, max_iterations=200)
    assert explicit.routes == default.routes


def _random_instance(n: int, days: int, seed: int) -> ProblemData:
    """Seeded random TOPTW: one 60-minute window per node, a 240-minute day."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 50.0, (n + 1, 2))
    opens = rng.uniform(0.0, 150.0, n)
    return ProblemData(
        scores=rng.integers(1, 30, n).astype(float),
        service=np.full(n, 10.0),
        windows=[[[(float(o), float(o) + 60.0)] for o in opens] for _ in range(days)],
        travel=np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)),
        day_start=np.full(days, n),
        day_end=np.full(days, n),
        day_window=np.tile(np.array([0.0, 240.0]), (days, 1)),
    )


def test_short_searches_close_their_acceptance_as_they_go() -> None:
    # From 3 % down to 0 at 2 s or less with two days or more, 1 % with one day, 2 % throughout
    # beyond 2 s (bench/ROUTES.md, v15); the limit asked for decides, not the clock, so a 1 s
    # and a 10 s call with the same iterations differ only by that.
    short, long = (0.03, 0.0), (0.02, 0.02)
    assert [default_accept(t, 2) for t in (0.5, 1.0, 2.0, 2.5, 10.0)] == [short] * 3 + [long] * 2
    assert [default_accept(1.0, d) for d in (1, 2, 3, 4)] == [(0.01, 0.01)] + [short] * 3
    assert default_accept(10.0, 1) == long
    warm_up()  # compiled before the 1 s call, so its 300 iterations fit in the second
    data = _random_instance(40, 2, seed=1)
    one, ten = (
        solve(data, SolveParams(time_limit=t, max_iterations=300)).routes for t in (1.0, 10.0)
    )
    closing, wide, loose = (
        run(data, time_limit=60.0, seed=0, max_iterations=300, accept=a, pool=0).routes
        for a in (short, 0.03, 0.02)
    )
    assert closing != wide  # the instance tells a closing threshold from a fixed one
    assert one == closing
    assert ten == loose
    # With an iteration limit the threshold moves with the iterations, not the clock.
    assert solve(data, SolveParams(time_limit=0.5, max_iterations=300)).routes == one


class _Clock:
    """A clock that moves `step` seconds a reading: how often `run` reads it decides its chunks."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def perf_counter(self) -> float:
        self.now += self.step
        return self.now


def test_an_iteration_limit_fixes_the_routes_however_the_clock_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The closing threshold moves with each iteration, not with the chunks between clock
    # readings: one iteration a chunk (a slow clock) and growing chunks (a fast one) agree.
    warm_up()
    data = _random_instance(200, 3, seed=2)
    found = []
    for step in (0.05, 1e-7):
        monkeypatch.setattr(search, "time", _Clock(step))
        found.append(
            run(data, time_limit=60.0, seed=0, max_iterations=100, accept=(0.03, 0.0)).routes
        )
    assert found[0] == found[1]


def test_long_searches_restart_from_a_pool() -> None:
    # A pool of 8 and stretches of 40 beyond 2 s with three days or more, none at 2 s or less
    # or with fewer days (bench/ROUTES.md, v14), by the limit asked for: a 10 s call makes the
    # choices of any long one, pool and all.
    assert [default_pool(t, 3) for t in (0.5, 2.0, 2.5, 10.0)] == [0, 0, 8, 8]
    assert [default_pool(10.0, d) for d in (1, 2, 3, 4)] == [0, 0, 8, 8]
    assert [default_restart(k) for k in (0, 8)] == [150, 40]
    warm_up()
    data = _random_instance(60, 3, seed=4)
    ten = solve(data, SolveParams(time_limit=10.0, max_iterations=400)).routes
    pooled, alone = (
        run(data, time_limit=60.0, seed=0, max_iterations=400, pool=k).routes for k in (8, 0)
    )
    assert pooled != alone  # the instance tells the two apart
    assert ten == pooled


def test_short_searches_try_more_neighbours() -> None:
    # 60 candidates per place at 2 s or less except with two days, else 40 (bench/ROUTES.md,
    # v12), by the limit asked for: a 2 s call (short, and room for its 100 iterations on a
    # busy machine) makes the choices of a long one told to use 60.
    assert [default_neighbours(t, 3) for t in (0.5, 2.0, 2.5, 10.0)] == [60, 60, 40, 40]
    assert [default_neighbours(1.0, d) for d in (1, 2, 3, 4)] == [60, 40, 60, 60]
    warm_up()
    data = _random_instance(200, 3, seed=2)
    short = run(data, time_limit=2.0, seed=0, max_iterations=100).routes
    wide, narrow = (
        run(
            data,
            time_limit=60.0,
            seed=0,
            max_iterations=100,
            accept=default_accept(1.0, 3),
            neighbours=k,
            pool=0,
        ).routes
        for k in (60, 40)
    )
    assert wide != narrow  # the instance tells the two apart
    assert short == wide


def test_several_windows_per_node_are_used() -> None:
    # Node 0 opens at 0-5 and 60-70; node 1 only at 20-30: the best day is 1 then 0 (late window).
    data = make(
        [5.0, 5.0],
        [[[(0.0, 5.0), (60.0, 70.0)], [(20.0, 30.0)]]],
        coords=[(10.0, 0.0), (0.0, 10.0), (0.0, 0.0)],
    )
    found = solve(data, QUICK)
    assert found.routes == ((1, 0),)
    visits = schedule(data, 0, found.routes[0])
    assert visits is not None
    assert 60.0 <= visits[1].start <= 70.0


def test_node_closed_on_a_day_goes_to_another_day() -> None:
    # Node 0 is worth the most but only open on day 1; day 0 can hold one node only.
    data = make(
        [9.0, 5.0],
        [[[], [(0.0, 100.0)]], [[(0.0, 100.0)], []]],
        coords=[(10.0, 0.0), (-10.0, 0.0), (0.0, 0.0)],
    )
    found = solve(data, QUICK)
    assert found.routes == ((1,), (0,))


def test_mandatory_node_is_kept_over_a_better_one() -> None:
    # Only one of the two fits; the mandatory low-scoring one wins.
    data = make(
        [1.0, 50.0],
        [[[(0.0, 100.0)], [(0.0, 100.0)]]],
        coords=[(20.0, 0.0), (-20.0, 0.0), (0.0, 0.0)],
        day_window=(0.0, 60.0),
        mandatory=[0],
    )
    found = solve(data, QUICK)
    assert found.routes == ((0,),)
    assert is_feasible(data, found)


def test_impossible_mandatory_node_is_left_out_not_raised() -> None:
    data = make(
        [1.0, 5.0],
        [[[(500.0, 600.0)], [(0.0, 100.0)]]],
        coords=[(20.0, 0.0), (-20.0, 0.0), (0.0, 0.0)],
        mandatory=[0],
    )
    found = solve(data, QUICK)
    assert found.routes == ((1,),)
    assert 0 not in found.visited


def test_mandatory_nodes_go_where_they_delay_least() -> None:
    # Node 0 fits day 0 (waiting until 50) or day 1; node 1 fits only day 0, and not beside
    # node 0 there. Taking node 0's first feasible day (the old ``1e30 - delay``, equal for
    # every delay) shut node 1 out; least delay puts node 0 on day 1 and keeps both.
    data = make(
        [0.0, 0.0],
        [[[(50.0, 60.0)], [(0.0, 10.0)]], [[(0.0, 60.0)], []]],
        coords=[(5, 0), (0, 5), (0, 0)],
        service=50.0,
        day_window=(0.0, 200.0),
        mandatory=[0, 1],
    )
    assert brute_force(data)[1]
    found = solve(data, QUICK)
    assert found.visited == {0, 1}
    assert missing_mandatory(data, found) == {}


def test_missing_mandatory_says_why() -> None:
    # Node 0 cannot be reached in its window on any day; nodes 1 and 2 each fit alone but
    # not together (one day, both only at minute 20, far apart).
    data = make(
        [1.0, 1.0, 1.0],
        [[[(500.0, 510.0)], [(20.0, 20.0)], [(20.0, 20.0)]]],
        coords=[(1, 0), (10, 0), (-10, 0), (0, 0)],
        service=0.0,
        mandatory=[0, 1, 2],
    )
    found = solve(data, QUICK)
    missing = missing_mandatory(data, found)
    assert missing[0] == "alone"
    assert len(missing) == 2  # one of 1 and 2 is in, the other out
    assert set(missing.values()) == {"alone", "with_others"}


def test_max_stops_per_day() -> None:
    data = make(
        [1.0, 2.0, 3.0],
        [[[(0.0, 100.0)]] * 3],
        coords=[(1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (0.0, 0.0)],
        service=0.0,
        max_stops=2,
    )
    found = solve(data, QUICK)
    assert sorted(found.routes[0]) == [1, 2]


def test_empty_problem() -> None:
    data = make([], [[]], coords=[(0.0, 0.0)])
    assert solve(data) == Solution(routes=((),), score=0.0)


@pytest.mark.parametrize("kwargs", [{"time_limit": 0.0}, {"max_iterations": -1}, {"accept": 1.0}])
def test_bad_params_are_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        SolveParams(**kwargs)  # type: ignore[arg-type]


def test_params_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "solver.toml"
    path.write_text("[solve]\ntime_limit = 2.5\nseed = 7\n")
    assert SolveParams.from_toml(path) == SolveParams(time_limit=2.5, seed=7)
    path.write_text("[solve]\ntime_limt = 2.5\n")
    with pytest.raises(ValueError, match="time_limt"):
        SolveParams.from_toml(path)


def test_real_size_plan_is_fast() -> None:
    """500 candidates, 3 days, two windows per node on some days: a plan well inside 2 s."""
    rng = np.random.default_rng(7)
    n, days = 500, 3
    xy = rng.uniform(0, 20_000, size=(n + 1, 2))  # metres
    travel = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)) * 1.3 / 400.0  # minutes by bus
    windows = [
        [
            []
            if rng.random() < 0.15
            else [(540.0, 690.0), (780.0, 1020.0)]
            if rng.random() < 0.5
            else [(510.0, 1020.0)]
            for _ in range(n)
        ]
        for _ in range(days)
    ]
    data = ProblemData(
        scores=rng.integers(1, 10, size=n).astype(float),
        service=rng.choice([30.0, 45.0, 60.0, 90.0], size=n),
        windows=windows,
        travel=travel,
        day_start=np.full(days, n),
        day_end=np.full(days, n),
        day_window=np.tile([510.0, 1050.0], (days, 1)),
        max_stops=np.full(days, 8),
    )
    solve(data, SolveParams(max_iterations=1))  # compile or load the kernels outside the timing
    began = time.perf_counter()
    found = solve(data, SolveParams(time_limit=1.0))
    assert time.perf_counter() - began < 1.9
    assert is_feasible(data, found)
    assert all(4 <= len(r) <= 8 for r in found.routes)


def test_warm_up_reaches_every_kernel() -> None:
    """`warm_up` (run when the server starts) compiles or loads the kernels that the search
    calls from Python, `iterate` included (a short time limit used to stop before it); the
    kernels these call are compiled into them."""
    from redres.routes.solver import search, warm_up

    warm_up()
    entry = [search._seed, search.construct, search.iterate]
    assert [k.py_func.__name__ for k in entry if not k.signatures] == []
