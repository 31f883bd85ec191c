"""2-opt* between two days: swap their tails where that cuts travel (a move of its own file).

Works in place on the state arrays described in `redres.routes.solver.timing`; a tail moved to
another day is re-timed with that day's windows, start, end, stop limit and kind caps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from redres.routes.solver.arrays import Arrays
from redres.routes.solver.limits import Limits, tails_allowed
from redres.routes.solver.timing import EPS, INF, departure, first_start, refresh


@njit(cache=True)
def _tail_fits(p: Arrays, route: Any, ln: Any, st: Any, d: int, q: int, e: int, r: int) -> bool:
    """Whether day `d`, kept up to position `q`, can go on with day `e`'s stops from `r` on."""
    travel, service = p.travel, p.service
    t, here = departure(p, route, st, d, q)
    for k in range(r, ln[e]):
        u = route[e, k]
        s = first_start(p, d, u, t + travel[here, u])
        if s >= INF:
            return False
        t = s + service[u]
        here = u
    return bool(t + travel[here, p.end[d]] <= p.day_close[d] + EPS)


@njit(cache=True)
def cross(
    p: Arrays, lim: Limits, route: Any, ln: Any, st: Any, la: Any, day_of: Any, a: int, b: int
) -> bool:
    """2-opt* between days `a` and `b`: swap their tails where that cuts travel; True if any.

    Within-day moves cannot untangle two routes that cross; the travel saved here is time the
    next repair can fill with more score. Each day keeps its own start, end and windows, so a
    moved tail is re-timed on its new day (O(tail)), only for moves that cut travel.
    """
    travel, end, max_stops = p.travel, p.end, p.max_stops
    buf = np.empty(route.shape[1], dtype=np.int64)
    changed = False
    improved = True
    while improved:
        improved = False
        na, nb = ln[a], ln[b]
        for i in range(na + 1):
            x = p.start[a] if i == 0 else route[a, i - 1]
            x2 = route[a, i] if i < na else end[a]
            tail_a = 0.0
            if i < na:
                last = route[a, na - 1]
                tail_a = travel[last, end[b]] - travel[last, end[a]]
            for j in range(nb + 1):
                if i + nb - j > max_stops[a] or j + na - i > max_stops[b]:
                    continue
                y = p.start[b] if j == 0 else route[b, j - 1]
                y2 = route[b, j] if j < nb else end[b]
                delta = tail_a - travel[x, x2] - travel[y, y2]
                delta += travel[x, route[b, j] if j < nb else end[a]]
                delta += travel[y, route[a, i] if i < na else end[b]]
                if j < nb:
                    last = route[b, nb - 1]
                    delta += travel[last, end[a]] - travel[last, end[b]]
                if delta >= -EPS:
                    continue
                if lim.limited and not tails_allowed(lim, route, ln, a, i, b, j):
                    continue
                if not _tail_fits(p, route, ln, st, a, i, b, j):
                    continue
                if not _tail_fits(p, route, ln, st, b, j, a, i):
                    continue
                m = na - i
                buf[:m] = route[a, i:na]
                route[a, i : i + nb - j] = route[b, j:nb]
                route[b, j : j + m] = buf[:m]
                ln[a], ln[b] = i + nb - j, j + m
                for k in range(i, ln[a]):
                    day_of[route[a, k]] = a
                for k in range(j, ln[b]):
                    day_of[route[b, k]] = b
                refresh(p, route, ln, st, la, a)
                refresh(p, route, ln, st, la, b)
                improved = changed = True
                break
            if improved:
                break
    return changed
