"""Trip-wide budget and kind caps (per trip and per day) inside the search.

Unlike windows these do not depend on the order of a route, only on which nodes each day holds,
so they are checked when a move is chosen, not in the timing: `Usage` counts what the current
routes spend, and `allowed` says whether adding a node to a day (in place of another, for a
swap) keeps every limit. When `Arrays.limited` is False (plain TOPTW) every check returns at
once, so instances without limits run the same moves as before.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit

from redres.routes.solver.arrays import NO_LIMIT, Arrays

EPS = 1e-7


class Usage(NamedTuple):
    """Fees spent (``spent[0]``) and visits per kind over the trip (K,) and per day (D, K)."""

    spent: Any
    trip: Any
    day: Any


@njit(cache=True)
def usage(p: Arrays, route: Any, ln: Any) -> Usage:
    """What the routes spend and how many of each kind they visit (zeros when not limited)."""
    k = p.kinds.shape[1]
    used = Usage(np.zeros(1), np.zeros(k, dtype=np.int64), np.zeros((len(ln), k), dtype=np.int64))
    if p.limited:
        for d in range(len(ln)):
            for q in range(ln[d]):
                account(p, used, route[d, q], d, 1)
    return used


@njit(cache=True)
def account(p: Arrays, used: Usage, u: int, d: int, sign: int) -> None:
    """Add (`sign` 1) or take away (-1) node `u` on day `d`."""
    if not p.limited:
        return
    used.spent[0] += sign * p.cost[u]
    for k in range(p.kinds.shape[1]):
        if p.kinds[u, k]:
            used.trip[k] += sign
            used.day[d, k] += sign


@njit(cache=True)
def allowed(p: Arrays, used: Usage, u: int, d: int, v: int) -> bool:
    """Whether node `u` may join day `d` (in place of `v` on that day when ``v >= 0``)."""
    if not p.limited:
        return True
    extra = p.cost[u] - (p.cost[v] if v >= 0 else 0.0)
    if used.spent[0] + extra > p.budget + EPS:
        return False
    for k in range(p.kinds.shape[1]):
        add = p.kinds[u, k] - (p.kinds[v, k] if v >= 0 else 0)
        if add > 0 and (
            used.trip[k] + add > p.cap_trip[k] or used.day[d, k] + add > p.cap_day[d, k]
        ):
            return False
    return True


@njit(cache=True)
def tails_allowed(p: Arrays, route: Any, ln: Any, a: int, i: int, b: int, j: int) -> bool:
    """Whether swapping day `a`'s stops from `i` on with day `b`'s from `j` on keeps the day caps.

    The trip's totals do not change (the same nodes stay routed), only the two days' counts.
    """
    if not p.limited:
        return True
    for k in range(p.kinds.shape[1]):
        if p.cap_day[a, k] >= NO_LIMIT and p.cap_day[b, k] >= NO_LIMIT:
            continue
        head_a = 0
        for q in range(i):
            head_a += p.kinds[route[a, q], k]
        tail_a = 0
        for q in range(i, ln[a]):
            tail_a += p.kinds[route[a, q], k]
        head_b = 0
        for q in range(j):
            head_b += p.kinds[route[b, q], k]
        tail_b = 0
        for q in range(j, ln[b]):
            tail_b += p.kinds[route[b, q], k]
        if head_a + tail_b > p.cap_day[a, k] or head_b + tail_a > p.cap_day[b, k]:
            return False
    return True
