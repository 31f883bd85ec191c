"""Soft precedence inside the search: pairs of nodes that should be visited in a given order.

`ProblemData.precede` lists pairs ``(a, b)``: `a` should come before `b` (an earlier day, or
earlier on the same day); a pair both visited the other way round costs its
`precede_penalty`, taken off the score the search maximises. Nothing here is a hard rule: the
search may break the order when keeping it would cost more score than the penalty.

The penalty counts in `evaluate` (search.py) through `penalty`, and one move, `untangle`, fixes
broken pairs by swapping the two nodes or moving one next to the other (dropping a third stop
of the same days when that is what makes it fit), or by dropping one of the two, when the days
stay feasible, within the limits, and the score less penalties rises. The other moves ignore
the order (it does not change which nodes fit); when `Order.active` is False nothing here runs, so plain
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
def _make_room(
    p: Arrays, o: Order, route: Any, ln: Any, st: Any, la: Any, da: int, db: int, a: int, b: int,
    current: float, n: int,
) -> int:  # fmt: skip
    """Drop the optional node of day `da` or `db` (not `a` or `b`) whose removal makes both days
    feasible at the largest net gain (penalty saved less its score); return it, or -1.

    A swap that would fix the order may not fit only because a third, cheaper stop is in the
    way (brute force found such an optimum: swap two stops between days and drop a third).
    Dropping a node frees fees and kind room, so the limits still hold. On -1 the routes are
    as they came in.
    """
    saved_route, saved_ln = route.copy(), ln.copy()
    best_u, best_d, best_gain = -1, -1, 1e-9
    for d in (da, db):
        for q in range(ln[d]):
            u = route[d, q]
            if u == a or u == b or p.mandatory[u]:  # noqa: SIM109 - plain for numba
                continue
            for k in range(q, ln[d] - 1):
                route[d, k] = route[d, k + 1]
            ln[d] -= 1
            gain = current - penalty(o, route, ln, n) - p.scores[u]
            if gain > best_gain and _feasible(p, route, ln, st, la, da, db):
                best_u, best_d, best_gain = u, d, gain
            route[:] = saved_route
            ln[:] = saved_ln
        if da == db:
            break
    if best_u >= 0:
        q = _position(route, ln, best_d, best_u)
        for k in range(q, ln[best_d] - 1):
            route[best_d, k] = route[best_d, k + 1]
        ln[best_d] -= 1
        _feasible(p, route, ln, st, la, da, db)
    return best_u


@njit(cache=True)
def _attempt(
    p: Arrays, lim: Limits, o: Order, route: Any, ln: Any, st: Any, la: Any, day_of: Any,
    used: Any, k: int, move: int, current: float,
) -> tuple[float, float, int]:  # fmt: skip
    """Make `move` on the broken pair `k` in place when the days stay feasible and the penalty
    plus the score given up is below `current`; return (penalty after, score given up, the
    node dropped to make room or -1). Otherwise leave the routes as they were and return
    (INF, 0, -1). `day_of` is not updated here.

    Moves: 0 swap `a` and `b`; 1 move `a` just before `b`; 2 move `b` just after `a`; 3 drop
    the lower-scoring optional one of the two. A move of 0-2 that does not fit may drop one
    other optional stop of the two days to make room (`_make_room`).
    """
    n = len(day_of)
    a, b = o.first[k], o.then[k]
    da, db = day_of[a], day_of[b]
    qa, qb = _position(route, ln, da, a), _position(route, ln, db, b)
    drop = b if p.scores[b] < p.scores[a] or p.mandatory[a] else a
    if move == 3 and p.mandatory[drop]:
        return INF, 0.0, -1
    if da != db and lim.limited:
        if move == 0 and not (_day_ok(lim, used, a, db, b) and _day_ok(lim, used, b, da, a)):
            return INF, 0.0, -1
        if move == 1 and not _day_ok(lim, used, a, db, -1):
            return INF, 0.0, -1
        if move == 2 and not _day_ok(lim, used, b, da, -1):
            return INF, 0.0, -1
    saved_route, saved_ln = route.copy(), ln.copy()
    if move == 0:
        route[da, qa], route[db, qb] = b, a
    elif move == 3:
        d = day_of[drop]
        for q in range(_position(route, ln, d, drop), ln[d] - 1):
            route[d, q] = route[d, q + 1]
        ln[d] -= 1
    elif move == 1:
        target = qb if not (da == db and qa < qb) else qb - 1
        _relocate(route, ln, da, qa, db, target)
    else:
        target = qa + 1 if not (da == db and qb < qa) else qa
        _relocate(route, ln, db, qb, da, target)
    after = penalty(o, route, ln, n)
    lost = p.scores[drop] if move == 3 else 0.0
    if after + lost < current - 1e-9:
        if _feasible(p, route, ln, st, la, da, db):
            return after, lost, -1
        if move < 3:  # a third stop may be all that is in the way
            freed = _make_room(p, o, route, ln, st, la, da, db, a, b, current, n)
            if freed >= 0:
                return penalty(o, route, ln, n), p.scores[freed], freed
    route[:] = saved_route
    ln[:] = saved_ln
    refresh(p, route, ln, st, la, da)
    if db != da:
        refresh(p, route, ln, st, la, db)
    return INF, 0.0, -1


@njit(cache=True)
def untangle(
    p: Arrays, lim: Limits, o: Order, route: Any, ln: Any, st: Any, la: Any, day_of: Any
) -> bool:
    """Fix broken pairs by the best move over all of them, again while one helps.

    For each broken pair (`b` visited before `a`) `_attempt` tries: swap `a` and `b`; move `a`
    just before `b`; move `b` just after `a` (each, when it does not fit, with one other
    optional stop of the two days dropped to make room); drop the lower-scoring optional one
    of the two (repair adds any node that fits, so without the drops a heavy penalty could
    never win over a stop). The move that raises the score less penalties the most is made;
    then the broken pairs are scanned again. Taking the first move that helped instead
    trapped the search: a stop that repair had put last was dropped for one pair before
    another pair's move (it to the front, a cheaper stop dropped) was seen. Returns whether
    any move was made.
    """
    if not o.active:
        return False
    n = len(day_of)
    width = route.shape[1]
    changed = False
    saved_route, saved_ln = route.copy(), ln.copy()
    while True:
        current = penalty(o, route, ln, n)
        used = usage(lim, route, ln)
        best_gain, best_k, best_move = 1e-9, -1, -1
        for k in range(len(o.first)):
            a, b = o.first[k], o.then[k]
            da, db = day_of[a], day_of[b]
            if da < 0 or db < 0:
                continue
            qa, qb = _position(route, ln, da, a), _position(route, ln, db, b)
            if db * width + qb > da * width + qa:
                continue  # in order already
            for move in range(4):
                saved_route[:] = route
                saved_ln[:] = ln
                after, lost, _ = _attempt(
                    p, lim, o, route, ln, st, la, day_of, used, k, move, current
                )
                if after < INF:
                    if current - after - lost > best_gain:
                        best_gain, best_k, best_move = current - after - lost, k, move
                    route[:] = saved_route
                    ln[:] = saved_ln
                    refresh(p, route, ln, st, la, da)
                    if db != da:
                        refresh(p, route, ln, st, la, db)
        if best_k < 0:
            return changed
        a, b = o.first[best_k], o.then[best_k]
        da, db = day_of[a], day_of[b]
        drop = b if p.scores[b] < p.scores[a] or p.mandatory[a] else a
        _, _, freed = _attempt(
            p, lim, o, route, ln, st, la, day_of, used, best_k, best_move, current
        )
        if best_move == 3:
            day_of[drop] = -1
        if freed >= 0:
            day_of[freed] = -1
        for d in (da, db):
            for q in range(ln[d]):
                day_of[route[d, q]] = d
        changed = True
