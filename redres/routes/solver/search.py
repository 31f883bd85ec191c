"""Iterated local search for the TOPTW: perturb, repair greedily, tighten, accept; keep the best.

The loop body is compiled (numba) and run in chunks between clock checks, so the search is
anytime: the Python driver stops it at the time limit, at an iteration limit, or after a number
of iterations without a better solution. The random stream depends only on the seed, not on
chunk boundaries; with an iteration limit the acceptance threshold moves with the iterations
too, so the same seed and the same iteration limit give the same routes.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

import numpy as np
from numba import njit

from redres.routes.solver.arrays import Arrays, to_arrays
from redres.routes.solver.cross import cross
from redres.routes.solver.defaults import (
    default_accept,
    default_kmax,
    default_neighbours,
    default_pool,
    default_restart,
)
from redres.routes.solver.limits import Limits, to_limits
from redres.routes.solver.operators import perturb, replace, tighten
from redres.routes.solver.order import Order, penalty, to_order, untangle
from redres.routes.solver.pool import Pool, crossover, new_pool, offer
from redres.routes.solver.repair import repair
from redres.routes.solver.timing import refresh


class State(NamedTuple):
    """One solution as the kernels' arrays (see `redres.routes.solver.timing`)."""

    route: Any
    ln: Any
    st: Any
    la: Any
    day_of: Any


class Knobs(NamedTuple):
    """The search's settings as one numba tuple (see `run` for their meaning)."""

    accept: float
    accept_end: float
    accept_from: int
    accept_over: float
    symmetric: bool
    use_replace: bool
    kmax: int
    restart: int
    frac: float
    shake: int
    split: bool
    use_cross: bool
    pool: int


class SearchResult(NamedTuple):
    """The best routes found and how the search went."""

    routes: tuple[tuple[int, ...], ...]
    iterations: int
    seconds: float


def run(
    data: Any,
    *,
    time_limit: float,
    seed: int,
    max_iterations: int | None = None,
    max_no_improve: int | None = None,
    accept: float | tuple[float, float] | None = None,
    neighbours: int | None = None,
    use_replace: bool = True,
    kmax: int | None = None,
    restart: int | None = None,
    frac: float = 0.5,
    shake: int = 3,
    split: bool = True,
    use_cross: bool = True,
    pool: int | None = None,
) -> SearchResult:
    """Construct, then iterate until a limit is hit; return the best routes.

    Parameters
    ----------
    data
        The `ProblemData`.
    time_limit
        Seconds of wall-clock time for the whole call, construction included.
    seed
        Seeds the kernels' random stream.
    max_iterations, max_no_improve
        Optional iteration limits: in total, and since the last new best.
    accept
        A worse solution becomes the current one when its score is within this fraction of the
        best score (record-to-record travel), which lets the search cross plateaus. A pair
        ``(first, last)`` moves the fraction linearly from the first to the last over the
        search: over the iteration limit when there is one, else over the time limit. Defaults
        to `default_accept` of the time limit and the number of days.
    neighbours
        Granularity of repair on large instances (see `to_arrays`). Defaults to
        `default_neighbours` of the time limit and the number of days.
    use_replace
        Also try swapping routed stops for better unrouted nodes in place after each repair.
    kmax, frac
        A perturbation removes 1..min(frac * routed + 1, kmax) stops, drawn uniformly. `kmax`
        defaults to `default_kmax` of the number of days.
    pool, restart, shake
        Without a pool (`pool` 0), every `restart` iterations without a new best the search
        goes back to the best; every `shake`-th such time it first removes half of its stops
        and rebuilds with noise. With a pool of `pool` solutions, a stretch ends after
        `restart` iterations without a better solution than the stretch's best, which joins
        the pool (`redres.routes.solver.pool`); the next stretch starts from a child of two
        pooled solutions, or every `shake`-th time from the shaken best. `pool` defaults to
        `default_pool` of the time limit and the days, `restart` to `default_restart`.
    split
        A perturbation that cuts a segment from every day shares the k stops among the days
        instead of taking k from each (with 3-4 days that was close to a restart).
    use_cross
        After tightening, try 2-opt* (swap the tails of two days) on the days that changed.

    The defaults were chosen on the TOPTW benchmark (``bench/ROUTES.md``).
    """
    began = time.perf_counter()
    kmax = default_kmax(data.num_days) if kmax is None else kmax
    pool = default_pool(time_limit, data.num_days) if pool is None else pool
    restart = default_restart(pool) if restart is None else restart
    accept = default_accept(time_limit, data.num_days) if accept is None else accept
    first, last = (accept, accept) if isinstance(accept, float | int) else accept
    neighbours = default_neighbours(time_limit, data.num_days) if neighbours is None else neighbours
    limit = max_iterations if max_iterations is not None else 1 << 62
    p, lim, order = to_arrays(data, neighbours=neighbours), to_limits(data), to_order(data)
    symmetric = bool(np.array_equal(p.travel, p.travel.T))
    knobs = Knobs(
        accept=float(first), accept_end=float(last), accept_from=0, accept_over=float(limit),
        symmetric=symmetric, use_replace=bool(use_replace), kmax=int(kmax),
        restart=int(restart), frac=float(frac), shake=int(shake), split=bool(split),
        use_cross=bool(use_cross), pool=int(pool),
    )  # fmt: skip
    cur = _empty(data.num_nodes, data.num_days)
    _seed(seed)
    construct(p, lim, cur, symmetric)
    best = State(*(a.copy() for a in cur))
    elite = new_pool(max(pool, 1), data.num_nodes, data.num_days)
    epoch = State(*(a.copy() for a in cur))
    # since-improve counter, best score, best travel, since the epoch's best, restarts
    stats = np.zeros(5)
    done, chunk = 0, 1
    stall = max_no_improve if max_no_improve is not None else 1 << 62
    while done < limit and stats[0] < stall and data.num_nodes:
        left = time_limit - (time.perf_counter() - began)
        if left <= 0:
            break
        size = min(chunk, limit - done)
        if first != last and max_iterations is not None:
            knobs = knobs._replace(accept_from=done)  # the kernel moves it every iteration
        elif first != last:  # by the clock: one threshold for the chunk
            now = float(first + (last - first) * min(1.0 - left / time_limit, 1.0))
            knobs = knobs._replace(accept=now, accept_end=now)
        tick = time.perf_counter()
        iterate(p, lim, order, cur, best, stats, size, knobs, elite, epoch)
        took = time.perf_counter() - tick
        done += size
        # Aim for chunks of ~10 ms (or what is left), so the clock is read often enough.
        per = max(took / size, 1e-7)
        chunk = max(1, min(int(min(0.01, left - took) / per), 4 * chunk + 1))
    routes = tuple(tuple(int(x) for x in best.route[d, : best.ln[d]]) for d in range(len(best.ln)))
    return SearchResult(routes=routes, iterations=done, seconds=time.perf_counter() - began)


def _empty(n: int, days: int) -> State:
    return State(
        route=np.zeros((days, n + 1), dtype=np.int64),
        ln=np.zeros(days, dtype=np.int64),
        st=np.zeros((days, n + 1)),
        la=np.zeros((days, n + 2)),
        day_of=np.full(n, -1, dtype=np.int64),
    )


@njit(cache=True)
def _seed(seed: int) -> None:
    np.random.seed(seed)


@njit(cache=True)
def construct(p: Arrays, lim: Limits, cur: State, symmetric: bool) -> None:
    """Greedy insertion (mandatory nodes first), tightening, and a second insertion pass."""
    route, ln, st, la, day_of = cur
    for d in range(len(ln)):
        refresh(p, route, ln, st, la, d)
    fill(p, lim, cur, symmetric, np.zeros(len(day_of), dtype=np.bool_))


@njit(cache=True)
def fill(p: Arrays, lim: Limits, cur: State, symmetric: bool, blocked: Any) -> None:
    """Insert what fits, tighten every day, insert again: a start's (or a restart's) finish."""
    route, ln, st, la, day_of = cur
    repair(p, lim, route, ln, st, la, day_of, blocked, 0.0)
    for d in range(len(ln)):
        tighten(p, route, ln, st, la, d, symmetric)
    repair(p, lim, route, ln, st, la, day_of, blocked, 0.0)


@njit(cache=True)
def evaluate(p: Arrays, o: Order, route: Any, ln: Any) -> tuple[int, float, float]:
    """Mandatory nodes visited, score (less any order penalty) and travel of a solution
    (compared in that order)."""
    scores, travel = p.scores, p.travel
    kept = 0
    score = 0.0
    total = 0.0
    for d in range(len(ln)):
        here = p.start[d]
        for q in range(ln[d]):
            u = route[d, q]
            score += scores[u]
            kept += 1 if p.mandatory[u] else 0
            total += travel[here, u]
            here = u
        total += travel[here, p.end[d]]
    if o.active:
        score -= penalty(o, route, ln, len(scores))
    return kept, score, total


@njit(cache=True)
def _changed(route: Any, ln: Any, t_route: Any, t_ln: Any, d: int) -> bool:
    if ln[d] != t_ln[d]:
        return True
    for q in range(ln[d]):  # noqa: SIM110 - a plain loop compiles without a generator
        if route[d, q] != t_route[d, q]:
            return True
    return False


@njit(cache=True)
def _better(m: int, s: float, t: float, bm: int, bs: float, bt: float) -> bool:
    if m != bm:
        return m > bm
    if abs(s - bs) > 1e-9:
        return s > bs
    return t < bt - 1e-9


@njit(cache=True)
def _copy(
    route: Any, ln: Any, st: Any, la: Any, day_of: Any,
    route2: Any, ln2: Any, st2: Any, la2: Any, day_of2: Any,
) -> None:  # fmt: skip
    route2[:] = route
    ln2[:] = ln
    st2[:] = st
    la2[:] = la
    day_of2[:] = day_of


@njit(cache=True)
def iterate(
    p: Arrays, lim: Limits, o: Order, cur: State, best: State, stats: Any, count: int,
    knobs: Knobs, elite: Pool, epoch: State,
) -> None:  # fmt: skip
    """Run `count` iterations from the current solution `cur`, updating `best` in place.

    With a pool (`Knobs.pool`), `epoch` holds the best solution since the last restart.
    """
    route, ln, st, la, day_of = cur
    b_route, b_ln, b_st, b_la, b_day_of = best
    e_route, e_ln, e_st, e_la, e_day_of = epoch
    ep_m, ep_s, ep_t = evaluate(p, o, e_route, e_ln)
    t_route, t_ln, t_st, t_la, t_day = route.copy(), ln.copy(), st.copy(), la.copy(), day_of.copy()
    blocked = np.zeros(len(day_of), dtype=np.bool_)
    touched = np.zeros(len(ln), dtype=np.bool_)
    cur_m, cur_s, _ = evaluate(p, o, route, ln)
    best_m, best_s, best_t = evaluate(p, o, b_route, b_ln)
    for it in range(count):
        accept = knobs.accept  # moves from `accept` to `accept_end` over `accept_over` iterations
        if knobs.accept_end != knobs.accept:
            went = min((knobs.accept_from + it) / knobs.accept_over, 1.0)
            accept = knobs.accept + (knobs.accept_end - knobs.accept) * went
        _copy(route, ln, st, la, day_of, t_route, t_ln, t_st, t_la, t_day)
        blocked[:] = False
        routed = t_ln.sum()
        k = 1 + np.random.randint(max(1, min(int(routed * knobs.frac) + 1, knobs.kmax)))
        perturb(p, t_route, t_ln, t_st, t_la, t_day, blocked, k, knobs.split)
        repair(p, lim, t_route, t_ln, t_st, t_la, t_day, blocked, 0.5)
        days = len(t_ln)
        for d in range(days):
            touched[d] = _changed(route, ln, t_route, t_ln, d)
            if touched[d]:  # the others are tight already
                tighten(p, t_route, t_ln, t_st, t_la, d, knobs.symmetric)
        if knobs.use_cross and days > 1:
            for a in range(days):
                for b in range(a + 1, days):
                    if (touched[a] or touched[b]) and cross(
                        p, lim, t_route, t_ln, t_st, t_la, t_day, a, b
                    ):
                        tighten(p, t_route, t_ln, t_st, t_la, a, knobs.symmetric)
                        tighten(p, t_route, t_ln, t_st, t_la, b, knobs.symmetric)
                        touched[a] = touched[b] = True
        blocked[:] = False
        repair(p, lim, t_route, t_ln, t_st, t_la, t_day, blocked, 0.0)
        if knobs.use_replace and replace(p, lim, t_route, t_ln, t_st, t_la, t_day, blocked):
            repair(p, lim, t_route, t_ln, t_st, t_la, t_day, blocked, 0.0)
        if o.active:
            untangle(p, lim, o, t_route, t_ln, t_st, t_la, t_day)
        m, s, t = evaluate(p, o, t_route, t_ln)
        if _better(m, s, t, best_m, best_s, best_t):
            best_m, best_s, best_t = m, s, t
            _copy(t_route, t_ln, t_st, t_la, t_day, b_route, b_ln, b_st, b_la, b_day_of)
            stats[0] = 0
        else:
            stats[0] += 1
        if m >= cur_m and (s >= cur_s - 1e-9 or s >= best_s - accept * abs(best_s)):
            cur_m, cur_s = m, s
            _copy(t_route, t_ln, t_st, t_la, t_day, route, ln, st, la, day_of)
        if knobs.pool > 0:
            if _better(m, s, t, ep_m, ep_s, ep_t):
                ep_m, ep_s, ep_t = m, s, t
                _copy(t_route, t_ln, t_st, t_la, t_day, e_route, e_ln, e_st, e_la, e_day_of)
                stats[3] = 0
            else:
                stats[3] += 1
            if stats[3] >= knobs.restart:
                _restart(p, lim, o, cur, best, epoch, elite, stats, knobs, blocked)
                cur_m, cur_s, cur_t = evaluate(p, o, route, ln)
                if _better(cur_m, cur_s, cur_t, best_m, best_s, best_t):
                    best_m, best_s, best_t = cur_m, cur_s, cur_t
                    _copy(route, ln, st, la, day_of, b_route, b_ln, b_st, b_la, b_day_of)
                    stats[0] = 0
                ep_m, ep_s, ep_t = evaluate(p, o, e_route, e_ln)
            continue
        if stats[0] > 0 and stats[0] % knobs.restart == 0:
            _copy(b_route, b_ln, b_st, b_la, b_day_of, route, ln, st, la, day_of)
            if knobs.shake > 0 and (stats[0] // knobs.restart) % knobs.shake == 0:
                # Long stall: a big kick from the best (half its stops) before going on.
                blocked[:] = False
                perturb(p, route, ln, st, la, day_of, blocked, max(1, ln.sum() // 2), False)
                repair(p, lim, route, ln, st, la, day_of, blocked, 1.0)
                blocked[:] = False
                repair(p, lim, route, ln, st, la, day_of, blocked, 0.0)
            cur_m, cur_s, _ = evaluate(p, o, route, ln)
    stats[1], stats[2] = best_s, best_t


@njit(cache=True)
def _restart(
    p: Arrays, lim: Limits, o: Order, cur: State, best: State, epoch: State, elite: Pool,
    stats: Any, knobs: Knobs, blocked: Any,
) -> None:  # fmt: skip
    """End an epoch: pool its best, then go on from a child of two pool members (repaired
    and tightened), or every `shake`-th time from the best with half its stops shaken out."""
    route, ln, st, la, day_of = cur
    e_route, e_ln = epoch.route, epoch.ln
    m, s, t = evaluate(p, o, e_route, e_ln)
    offer(elite, e_route, e_ln, m, s, t)
    stats[4] += 1
    shake = knobs.shake > 0 and int(stats[4]) % knobs.shake == 0
    blocked[:] = False
    if shake or not crossover(p, lim, elite, route, ln, st, la, day_of):
        _copy(best.route, best.ln, best.st, best.la, best.day_of, route, ln, st, la, day_of)
        if shake:
            perturb(p, route, ln, st, la, day_of, blocked, max(1, ln.sum() // 2), False)
            repair(p, lim, route, ln, st, la, day_of, blocked, 1.0)
            blocked[:] = False
    fill(p, lim, cur, knobs.symmetric, blocked)
    _copy(route, ln, st, la, day_of, epoch.route, epoch.ln, epoch.st, epoch.la, epoch.day_of)
    stats[3] = 0
