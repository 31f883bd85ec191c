"""Trip-wide budget and kind caps (per trip and per day) inside the search.

Unlike windows these do not depend on the order of a route, only on which nodes each day holds,
so they are checked when a move is chosen, not in the timing: `Usage` counts what the current
routes spend, and `allowed` says whether adding a node to a day (in place of another, for a
swap) keeps every limit. The arrays travel apart from `Arrays` (a `Limits` tuple, passed only
to the moves that add nodes to days): numba passes tuples by value, and six more fields on
`Arrays` made every timing call dearer (TOPTW iterations 5-12 % slower). When `Limits.limited`
is False (plain TOPTW) the callers skip the checks, so such instances make the same moves.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numba import njit
from numpy.typing import NDArray

from redres.routes.problem import ProblemData
from redres.routes.solver.arrays import NO_LIMIT

EPS = 1e-7


class Limits(NamedTuple):
    """Fees, budget, kinds (0/1, at least one column) and caps as the kernels take them."""

    cost: NDArray[np.float64]
    budget: float
    kinds: NDArray[np.int64]
    cap_trip: NDArray[np.int64]
    cap_day: NDArray[np.int64]
    limited: bool
    """Whether a budget or kind cap is set (else the callers skip the checks)."""


def to_limits(data: ProblemData) -> Limits:
    """Pack the budget and caps of `data` (no limit: an infinite budget, NO_LIMIT caps)."""
    n, days = data.num_nodes, data.num_days
    kinds = np.zeros((n, 1), dtype=np.int64)
    cap_trip = np.full(1, NO_LIMIT, dtype=np.int64)
    cap_day = np.full((days, 1), NO_LIMIT, dtype=np.int64)
    if data.kinds is not None and data.kinds.shape[1]:
        kinds = data.kinds.astype(np.int64)
        width = kinds.shape[1]
        cap_trip = np.full(width, NO_LIMIT, dtype=np.int64)
        cap_day = np.full((days, width), NO_LIMIT, dtype=np.int64)
        if data.kind_cap_trip is not None:
            cap_trip = np.minimum(np.asarray(data.kind_cap_trip, dtype=np.int64), NO_LIMIT)
        if data.kind_cap_day is not None:
            cap_day = np.minimum(np.asarray(data.kind_cap_day, dtype=np.int64), NO_LIMIT)
    cost = np.zeros(n) if data.cost is None else np.asarray(data.cost, dtype=np.float64)
    budget = np.inf if data.budget is None or data.cost is None else float(data.budget)
    return Limits(
        cost=np.ascontiguousarray(cost),
        budget=budget,
        kinds=np.ascontiguousarray(kinds),
        cap_trip=np.ascontiguousarray(cap_trip),
        cap_day=np.ascontiguousarray(cap_day),
        limited=bool(budget < np.inf or (cap_trip < NO_LIMIT).any() or (cap_day < NO_LIMIT).any()),
    )


class Usage(NamedTuple):
    """Fees spent (``spent[0]``) and visits per kind over the trip (K,) and per day (D, K)."""

    spent: Any
    trip: Any
    day: Any


@njit(cache=True)
def usage(p: Limits, route: Any, ln: Any) -> Usage:
    """What the routes spend and how many of each kind they visit (zeros when not limited)."""
    k = p.kinds.shape[1]
    used = Usage(np.zeros(1), np.zeros(k, dtype=np.int64), np.zeros((len(ln), k), dtype=np.int64))
    if p.limited:
        for d in range(len(ln)):
            for q in range(ln[d]):
                account(p, used, route[d, q], d, 1)
    return used


@njit(cache=True)
def account(p: Limits, used: Usage, u: int, d: int, sign: int) -> None:
    """Add (`sign` 1) or take away (-1) node `u` on day `d`."""
    if not p.limited:
        return
    used.spent[0] += sign * p.cost[u]
    for k in range(p.kinds.shape[1]):
        if p.kinds[u, k]:
            used.trip[k] += sign
            used.day[d, k] += sign


@njit(cache=True)
def allowed(p: Limits, used: Usage, u: int, d: int, v: int) -> bool:
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
def tails_allowed(p: Limits, route: Any, ln: Any, a: int, i: int, b: int, j: int) -> bool:
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
