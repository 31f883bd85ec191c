"""An elite pool and a route-based crossover: restarts from a mix of good solutions.

The iterated local search alone returns to its best solution when it stalls, so on large
instances with several days it circles one basin. Here every stalled stretch leaves its best
solution in a small pool of distinct ones, and a restart may begin from a child of two of them:
some days as one parent has them, the others as the other parent has them (a day keeps its
index, so the day's own windows and caps still hold), nodes already routed by the first parent
dropped from the second parent's days. The search then repairs and tightens the child.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit

from redres.routes.solver.arrays import Arrays
from redres.routes.solver.limits import EPS, Limits, usage
from redres.routes.solver.timing import INF, refresh


class Pool(NamedTuple):
    """Up to ``len(score)`` distinct solutions: routes, lengths, and how each compares."""

    route: Any
    """(size, days, nodes + 1) routes."""
    ln: Any
    """(size, days) route lengths."""
    kept: Any
    """Mandatory nodes visited."""
    score: Any
    travel: Any
    count: Any
    """``count[0]``: how many slots hold a solution."""


def new_pool(size: int, n: int, days: int) -> Pool:
    """An empty pool of `size` slots for `n` nodes over `days` days."""
    return Pool(
        route=np.zeros((size, days, n + 1), dtype=np.int64),
        ln=np.zeros((size, days), dtype=np.int64),
        kept=np.zeros(size, dtype=np.int64),
        score=np.zeros(size),
        travel=np.zeros(size),
        count=np.zeros(1, dtype=np.int64),
    )


@njit(cache=True)
def _worse(m: int, s: float, t: float, bm: int, bs: float, bt: float) -> bool:
    if m != bm:
        return m < bm
    if abs(s - bs) > 1e-9:
        return s < bs
    return t > bt + 1e-9


@njit(cache=True)
def offer(pool: Pool, route: Any, ln: Any, m: int, s: float, t: float) -> None:
    """Keep a solution unless the pool holds an equal one or is full of better ones.

    Equal means the same mandatory count, score and travel: cheap, and a pool of near-copies
    of one solution is what the pool is there to avoid.
    """
    size = pool.count[0]
    for i in range(size):
        if pool.kept[i] == m and abs(pool.score[i] - s) <= 1e-9 and abs(pool.travel[i] - t) <= 1e-9:
            return
    slot = size
    if size == len(pool.score):
        slot = 0
        for i in range(1, size):
            if _worse(pool.kept[i], pool.score[i], pool.travel[i],
                      pool.kept[slot], pool.score[slot], pool.travel[slot]):  # fmt: skip
                slot = i
        if not _worse(pool.kept[slot], pool.score[slot], pool.travel[slot], m, s, t):
            return
    else:
        pool.count[0] = size + 1
    pool.route[slot] = route
    pool.ln[slot] = ln
    pool.kept[slot], pool.score[slot], pool.travel[slot] = m, s, t


@njit(cache=True)
def crossover(
    p: Arrays, lim: Limits, pool: Pool, route: Any, ln: Any, st: Any, la: Any, day_of: Any
) -> bool:
    """Write a child of two random pool members into the state; False if none could be made.

    On False the state is undefined and the caller restores it.
    """
    size, days = pool.count[0], len(ln)
    if size < 2 or days < 2:
        return False
    a = np.random.randint(size)
    b = np.random.randint(size - 1)
    b += 1 if b >= a else 0
    take = np.zeros(days, dtype=np.bool_)
    taken = 0
    while taken == 0 or taken == days:
        taken = 0
        for d in range(days):
            take[d] = np.random.random() < 0.5
            taken += 1 if take[d] else 0
    day_of[:] = -1
    for d in range(days):
        if not take[d]:
            ln[d] = pool.ln[a, d]
            route[d, : ln[d]] = pool.route[a, d, : ln[d]]
            for q in range(ln[d]):
                day_of[route[d, q]] = d
    for d in range(days):
        if take[d]:
            k = 0
            for q in range(pool.ln[b, d]):
                u = pool.route[b, d, q]
                if day_of[u] < 0:
                    route[d, k] = u
                    k += 1
            ln[d] = k
            for q in range(k):
                day_of[route[d, q]] = d
    for d in range(days):
        if refresh(p, route, ln, st, la, d) >= INF:
            return False  # a dropped node had kept the next stop on time (no triangle inequality)
    if lim.limited:
        used = usage(lim, route, ln)
        if used.spent[0] > lim.budget + EPS:
            return False
        for k in range(len(lim.cap_trip)):
            if used.trip[k] > lim.cap_trip[k]:
                return False
    return True
