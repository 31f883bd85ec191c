"""Soft precedence inside the search: pairs of nodes that should be visited in a given order.

`ProblemData.precede` lists pairs ``(a, b)``: `a` should come before `b` (an earlier day, or
earlier on the same day); a pair both visited the other way round costs its
`precede_penalty`, taken off the score the search maximises. Nothing here is a hard rule: the
search may break the order when keeping it would cost more score than the penalty.

The penalty counts in `evaluate` (search.py) through `penalty`, and one move, `untangle`, fixes
broken pairs by swapping the two nodes or moving one next to the other, when the days stay
feasible, within the limits, and the total penalty falls. The other moves ignore the order (it
does not change which nodes fit); when `Order.active` is False nothing here runs, so plain
instances make the same moves and draw the same random numbers as before.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit
from numpy.typing import NDArray

from redres.routes.problem import ProblemData
from redres.routes.solver.arrays import Arrays
from redres.routes.solver.limits import Limits, usage
from redres.routes.solver.timing import INF, refresh


class Order(NamedTuple):
    """The precedence pairs as the kernels take them (one dummy pair when there are none)."""

    first: NDArray[np.int64]
    then: NDArray[np.int64]
    weight: NDArray[np.float64]
    active: bool


def to_order(data: ProblemData) -> Order:
    """Pack `data.precede` and its penalties (inactive when there are none)."""
    pairs, weights = data.precede, data.precede_penalty
    if pairs is None or weights is None or not len(pairs):
        zero = np.zeros(1, dtype=np.int64)
        return Order(zero, zero.copy(), np.zeros(1), False)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return Order(
        np.ascontiguousarray(pairs[:, 0]),
        np.ascontiguousarray(pairs[:, 1]),
        np.ascontiguousarray(np.asarray(weights, dtype=np.float64)),
        True,
    )


@njit(cache=True)
def ranks(route: Any, ln: Any, n: int) -> Any:
    """Each node's place in the trip (day, then position) as one number; -1 when unrouted."""
    rank = np.full(n, -1, dtype=np.int64)
    width = route.shape[1]
    for d in range(len(ln)):
        for q in range(ln[d]):
            rank[route[d, q]] = d * width + q
    return rank


@njit(cache=True)
def penalty(o: Order, route: Any, ln: Any, n: int) -> float:
    """The summed penalties of the pairs the routes visit the wrong way round (0 if inactive)."""
    if not o.active:
        return 0.0
    rank = ranks(route, ln, n)
    total = 0.0
    for k in range(len(o.first)):
        ra, rb = rank[o.first[k]], rank[o.then[k]]
        if ra >= 0 and rb >= 0 and rb < ra:
            total += o.weight[k]
    return total


@njit(cache=True)
def _position(route: Any, ln: Any, d: int, u: int) -> int:
    for q in range(ln[d]):
        if route[d, q] == u:
            return q
    return -1


@njit(cache=True)
def _relocate(route: Any, ln: Any, d: int, q: int, e: int, r: int) -> None:
    """Move the node at (d, q) to position r of day e (r counted after the removal)."""
    u = route[d, q]
    for k in range(q, ln[d] - 1):
        route[d, k] = route[d, k + 1]
    ln[d] -= 1
    for k in range(ln[e], r, -1):
        route[e, k] = route[e, k - 1]
    route[e, r] = u
    ln[e] += 1


@njit(cache=True)
def _feasible(p: Arrays, route: Any, ln: Any, st: Any, la: Any, a: int, b: int) -> bool:
    ok = refresh(p, route, ln, st, la, a) < INF and ln[a] <= p.max_stops[a]
    if b != a:
        ok = refresh(p, route, ln, st, la, b) < INF and ln[b] <= p.max_stops[b] and ok
    return ok


@njit(cache=True)
def _day_ok(lim: Limits, used: Any, u: int, d: int, v: int) -> bool:
    """Whether day `d` keeps its kind caps when `u` joins it (in place of `v` when ``v >= 0``).

    Moves between days keep the same nodes routed, so fees and trip totals do not change.
    """
    for k in range(lim.kinds.shape[1]):
        add = lim.kinds[u, k] - (lim.kinds[v, k] if v >= 0 else 0)
        if add > 0 and used.day[d, k] + add > lim.cap_day[d, k]:
            return False
    return True


@njit(cache=True)
def untangle(
    p: Arrays, lim: Limits, o: Order, route: Any, ln: Any, st: Any, la: Any, day_of: Any
) -> bool:
    """Fix broken pairs where a swap or a move keeps every day feasible and lowers the penalty.

    For each broken pair (`b` visited before `a`), try: swap `a` and `b`; move `a` just before
    `b`; move `b` just after `a`; drop the lower-scoring optional one of the two when its score
    is less than the penalty that goes with it (repair adds any node that fits, so without
    this a heavy penalty could never win over a stop). The first that helps is kept; returns
    whether any was.
    """
    if not o.active:
        return False
    n = len(day_of)
    changed = False
    current = penalty(o, route, ln, n)
    saved_route, saved_ln = route.copy(), ln.copy()
    for k in range(len(o.first)):
        a, b = o.first[k], o.then[k]
        da, db = day_of[a], day_of[b]
        if da < 0 or db < 0:
            continue
        qa, qb = _position(route, ln, da, a), _position(route, ln, db, b)
        if db * route.shape[1] + qb > da * route.shape[1] + qa:
            continue  # in order already
        used = usage(lim, route, ln)
        drop = b if p.scores[b] < p.scores[a] or p.mandatory[a] else a
        for move in range(4):
            if move == 3 and p.mandatory[drop]:
                break
            if da != db and lim.limited:
                if move == 0 and not (
                    _day_ok(lim, used, a, db, b) and _day_ok(lim, used, b, da, a)
                ):
                    continue
                if move == 1 and not _day_ok(lim, used, a, db, -1):
                    continue
                if move == 2 and not _day_ok(lim, used, b, da, -1):
                    continue
            saved_route[:] = route
            saved_ln[:] = ln
            if move == 0:
                route[da, qa], route[db, qb] = b, a
            elif move == 3:
                d = day_of[drop]
                _relocate(route, ln, d, _position(route, ln, d, drop), d, 0)
                ln[d] -= 1  # the node now first is shifted out
                for q in range(ln[d]):
                    route[d, q] = route[d, q + 1]
            elif move == 1:
                target = qb if not (da == db and qa < qb) else qb - 1
                _relocate(route, ln, da, qa, db, target)
            else:
                target = qa + 1 if not (da == db and qb < qa) else qa
                _relocate(route, ln, db, qb, da, target)
            after = penalty(o, route, ln, n)
            lost = p.scores[drop] if move == 3 else 0.0
            if after + lost < current - 1e-9 and _feasible(p, route, ln, st, la, da, db):
                current = after
                changed = True
                if move == 3:
                    day_of[drop] = -1
                for d in (da, db):
                    for q in range(ln[d]):
                        day_of[route[d, q]] = d
                break
            route[:] = saved_route
            ln[:] = saved_ln
            refresh(p, route, ln, st, la, da)
            if db != da:
                refresh(p, route, ln, st, la, db)
    return changed
