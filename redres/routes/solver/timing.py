"""Route timing with slack bookkeeping: O(windows) feasibility checks for insertions and removals.

Each route keeps, per position, the service start ``st`` (earliest-start schedule, forward) and
the latest arrival ``la`` at that position that keeps the rest of the route feasible (backward).
Waiting is allowed and service starts in the first window still open, so a later arrival is never
better; that monotonicity makes ``la`` a single threshold even with several windows per node:
``la = min(close_k, X)`` for the last window ``k`` opening by ``X``, where ``X`` is the latest
service start that still reaches the next stop by its ``la``. An insertion is then feasible iff
the new node can start and the next stop is reached by its ``la``: no walk along the route.

State arrays (one row per day): ``route`` (nodes), ``ln`` (lengths), ``st``, ``la`` (``la[d, ln]``
is the latest arrival at the day's end) and ``day_of`` (the day of each node, -1 if unrouted).
"""

from __future__ import annotations

from typing import Any

from numba import njit

from redres.routes.solver.arrays import Arrays

EPS = 1e-7
INF = 1e18


@njit(cache=True)
def first_start(p: Arrays, d: int, i: int, arrive: float) -> float:
    """Service start at node `i` on day `d` for an arrival, or INF when every window has closed."""
    wo, wc, nw = p.win_open, p.win_close, p.win_count
    for k in range(nw[d, i]):
        if arrive <= wc[d, i, k] + EPS:
            return float(max(arrive, wo[d, i, k]))
    return INF


@njit(cache=True)
def latest_arrival(p: Arrays, d: int, i: int, latest_start: float) -> float:
    """Latest arrival at `i` from which service can start by `latest_start` (-INF if none)."""
    wo, wc, nw = p.win_open, p.win_close, p.win_count
    best = -INF
    for k in range(nw[d, i]):
        if wo[d, i, k] <= latest_start + EPS:
            best = min(wc[d, i, k], latest_start)
        else:
            break
    return best


@njit(cache=True)
def refresh(p: Arrays, route: Any, ln: Any, st: Any, la: Any, d: int) -> float:
    """Recompute ``st`` and ``la`` of day `d`; return the route's travel time (INF if infeasible)."""
    travel, service = p.travel, p.service
    t = p.day_open[d]
    here = p.start[d]
    total = 0.0
    ok = True
    for q in range(ln[d]):
        i = route[d, q]
        total += travel[here, i]
        s = first_start(p, d, i, t + travel[here, i])
        if s >= INF:
            ok = False
            s = t + travel[here, i]
        st[d, q] = s
        t = s + service[i]
        here = i
    end = p.end[d]
    total += travel[here, end]
    if t + travel[here, end] > p.day_close[d] + EPS:
        ok = False
    nxt_la = p.day_close[d]
    nxt = end
    la[d, ln[d]] = nxt_la
    for q in range(ln[d] - 1, -1, -1):
        i = route[d, q]
        nxt_la = latest_arrival(p, d, i, nxt_la - service[i] - travel[i, nxt])
        la[d, q] = nxt_la
        nxt = i
    return total if ok else INF


@njit(cache=True)
def departure(p: Arrays, route: Any, st: Any, d: int, q: int) -> tuple[float, int]:
    """Time and place a route leaves just before position `q`."""
    if q == 0:
        return p.day_open[d], p.start[d]
    prev = route[d, q - 1]
    return st[d, q - 1] + p.service[prev], prev


@njit(cache=True)
def next_place(p: Arrays, route: Any, ln: Any, d: int, q: int) -> int:
    """The place at position `q` (the day's end when `q` is past the last stop)."""
    return int(route[d, q]) if q < ln[d] else int(p.end[d])


@njit(cache=True)
def insertion_shift(
    p: Arrays, route: Any, ln: Any, st: Any, la: Any, d: int, q: int, u: int
) -> float:
    """Delay of the arrival at position `q` if `u` is inserted before it; INF when infeasible."""
    travel = p.travel
    t, here = departure(p, route, st, d, q)
    s = first_start(p, d, u, t + travel[here, u])
    if s >= INF:
        return INF
    nxt = next_place(p, route, ln, d, q)
    arrive = s + p.service[u] + travel[u, nxt]
    if arrive > la[d, q] + EPS:
        return INF
    return float(arrive - (t + travel[here, nxt]))


@njit(cache=True)
def removal_ok(p: Arrays, route: Any, ln: Any, st: Any, la: Any, d: int, q: int) -> bool:
    """Whether dropping position `q` keeps the day feasible (not a given: no triangle inequality)."""
    t, here = departure(p, route, st, d, q)
    nxt = next_place(p, route, ln, d, q + 1)
    return bool(t + p.travel[here, nxt] <= la[d, q + 1] + EPS)


@njit(cache=True)
def insert(
    p: Arrays, route: Any, ln: Any, st: Any, la: Any, day_of: Any, d: int, q: int, u: int
) -> None:
    """Put `u` at position `q` of day `d` (feasibility checked by the caller)."""
    for k in range(ln[d], q, -1):
        route[d, k] = route[d, k - 1]
    route[d, q] = u
    ln[d] += 1
    day_of[u] = d
    refresh(p, route, ln, st, la, d)


@njit(cache=True)
def remove(p: Arrays, route: Any, ln: Any, st: Any, la: Any, day_of: Any, d: int, q: int) -> None:
    """Drop position `q` of day `d` (feasibility checked by the caller)."""
    day_of[route[d, q]] = -1
    for k in range(q, ln[d] - 1):
        route[d, k] = route[d, k + 1]
    ln[d] -= 1
    refresh(p, route, ln, st, la, d)
