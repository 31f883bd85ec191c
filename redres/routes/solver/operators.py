"""The moves of the search besides greedy insertion (`redres.routes.solver.repair`): removal
(perturbation), replacement and route tightening.

All work in place on the state arrays described in `redres.routes.solver.timing`. Mandatory nodes
are never removed, so once in they stay in.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from redres.routes.solver.arrays import Arrays
from redres.routes.solver.limits import Limits, account, allowed, usage
from redres.routes.solver.timing import (
    EPS,
    INF,
    departure,
    first_start,
    next_place,
    refresh,
    removal_ok,
    remove,
)


@njit(cache=True)
def replace(
    p: Arrays, lim: Limits, route: Any, ln: Any, st: Any, la: Any, day_of: Any, blocked: Any
) -> bool:
    """Swap routed optional stops for better-scoring unrouted nodes in place; True if any.

    A node that does not fit anywhere may still fit where a weaker one stands; this is the
    classic OP "replace" move, checked like an insertion against the ``la`` after the stop.
    Where `near` is sorted (`Arrays.near_sorted`), the list of `v` is left at the first node
    whose detour in `v`'s place, bounded below by the triangle inequality (within
    `Arrays.detour_slack`), arrives too late: the rest are farther, so the choice is the same.
    """
    travel, service, scores = p.travel, p.service, p.scores
    win_open, win_close, win_count = p.win_open, p.win_close, p.win_count
    mandatory, near, cut = p.mandatory, p.near, p.near_sorted
    used, limited = usage(lim, route, ln), lim.limited
    changed = False
    for d in range(len(ln)):
        for q in range(ln[d]):
            v = route[d, q]
            if mandatory[v]:
                continue
            t, here = departure(p, route, st, d, q)
            nxt = next_place(p, route, ln, d, q + 1)
            limit = la[d, q + 1] + EPS
            # u is at least x - travel[here, v] - slack from `here` and x - travel[v, nxt] -
            # slack from `nxt` (x = travel[v, u]): it arrives after `limit` once 2x is past far.
            far = limit - t + travel[here, v] + travel[v, nxt] + 2.0 * p.detour_slack
            best, bu = scores[v], -1
            for c in range(near.shape[1]):
                u = near[v, c]
                if cut and 2.0 * travel[v, u] > far:
                    break
                if day_of[u] >= 0 or blocked[u] or scores[u] <= best:
                    continue
                if limited and not allowed(lim, used, u, d, v):
                    continue
                arrive = t + travel[here, u]
                s = INF
                for w in range(win_count[d, u]):
                    if arrive <= win_close[d, u, w] + EPS:
                        s = max(arrive, win_open[d, u, w])
                        break
                if s < INF and s + service[u] + travel[u, nxt] <= limit:
                    best, bu = scores[u], u
            if bu >= 0:
                if limited:
                    account(lim, used, v, d, -1)
                    account(lim, used, bu, d, 1)
                day_of[v] = -1
                route[d, q] = bu
                day_of[bu] = d
                refresh(p, route, ln, st, la, d)
                changed = True
    return changed


@njit(cache=True)
def remove_segment(
    p: Arrays, route: Any, ln: Any, st: Any, la: Any, day_of: Any, blocked: Any,
    d: int, q: int, k: int, free: bool,
) -> None:  # fmt: skip
    """Remove up to `k` consecutive stops of day `d` from position `q` on.

    Mandatory stops stay unless `free` (set while some mandatory node is still missing, so the
    search may move them around to make room for it).
    """
    done = 0
    while done < k and q < ln[d]:
        u = route[d, q]
        if (p.mandatory[u] and not free) or not removal_ok(p, route, ln, st, la, d, q):
            q += 1
        else:
            remove(p, route, ln, st, la, day_of, d, q)
            blocked[u] = not p.mandatory[u]
        done += 1


@njit(cache=True)
def perturb(
    p: Arrays, route: Any, ln: Any, st: Any, la: Any, day_of: Any, blocked: Any, k: int, split: bool
) -> None:
    """Remove about `k` stops: a segment per day, a segment of one day, or random stops.

    With `split` the segments per day share the `k` (k // days each), so the kick does not
    grow with the number of days.
    """
    days = len(ln)
    free = False
    for u in range(len(day_of)):
        if p.mandatory[u] and day_of[u] < 0 and p.win_count[:, u].sum() > 0:
            free = True
    kind = np.random.randint(3)
    if kind == 0:
        if split:
            k = max(1, k // days)
        for d in range(days):
            if ln[d] > 0:
                q = np.random.randint(ln[d])
                remove_segment(p, route, ln, st, la, day_of, blocked, d, q, k, free)
    elif kind == 1:
        d = np.random.randint(days)
        if ln[d] > 0:
            q = np.random.randint(ln[d])
            remove_segment(p, route, ln, st, la, day_of, blocked, d, q, 2 * k, free)
    else:
        for _ in range(k):
            d = np.random.randint(days)
            if ln[d] > 0:
                q = np.random.randint(ln[d])
                remove_segment(p, route, ln, st, la, day_of, blocked, d, q, 1, free)


@njit(cache=True)
def fits(
    p: Arrays, route: Any, ln: Any, st: Any, la: Any, d: int, q0: int, seq: Any, m: int, q1: int
) -> bool:
    """Whether replacing positions ``q0..q1-1`` of day `d` by ``seq[:m]`` keeps it feasible."""
    travel, service = p.travel, p.service
    t, here = departure(p, route, st, d, q0)
    for k in range(m):
        u = seq[k]
        s = first_start(p, d, u, t + travel[here, u])
        if s >= INF:
            return False
        t = s + service[u]
        here = u
    return bool(t + travel[here, next_place(p, route, ln, d, q1)] <= la[d, q1] + EPS)


@njit(cache=True)
def tighten(p: Arrays, route: Any, ln: Any, st: Any, la: Any, d: int, symmetric: bool) -> None:
    """Shorten day `d` by first-improvement 2-opt and relocate moves that stay feasible.

    Less travel leaves room for more stops at the next repair; the moves are checked by
    simulating only the changed stretch and comparing with the ``la`` threshold after it.
    """
    travel = p.travel
    seq = np.empty(ln[d] + 1, dtype=np.int64)
    improved = True
    while improved:
        improved = False
        n = ln[d]
        for i in range(n - 1):
            a = p.start[d] if i == 0 else route[d, i - 1]
            for j in range(i + 1, n):
                b = next_place(p, route, ln, d, j + 1)
                ri, rj = route[d, i], route[d, j]
                delta = travel[a, rj] + travel[ri, b] - travel[a, ri] - travel[rj, b]
                if not symmetric:
                    for k in range(i, j):
                        delta += travel[route[d, k + 1], route[d, k]]
                        delta -= travel[route[d, k], route[d, k + 1]]
                if delta >= -EPS:
                    continue
                for k in range(j - i + 1):
                    seq[k] = route[d, j - k]
                if fits(p, route, ln, st, la, d, i, seq, j - i + 1, j + 1):
                    for k in range(j - i + 1):
                        route[d, i + k] = seq[k]
                    refresh(p, route, ln, st, la, d)
                    improved = True
                    break
            if improved:
                break
        if improved:
            continue
        for i in range(n):
            u = route[d, i]
            a = p.start[d] if i == 0 else route[d, i - 1]
            b = next_place(p, route, ln, d, i + 1)
            gain = travel[a, u] + travel[u, b] - travel[a, b]
            for j in range(n + 1):
                if j == i or j == i + 1:
                    continue
                x = p.start[d] if j == 0 else route[d, j - 1]
                y = next_place(p, route, ln, d, j)
                if travel[x, u] + travel[u, y] - travel[x, y] - gain >= -EPS:
                    continue
                if j < i:
                    seq[0] = u
                    for k in range(j, i):
                        seq[k - j + 1] = route[d, k]
                    ok = fits(p, route, ln, st, la, d, j, seq, i - j + 1, i + 1)
                    lo = j
                    m = i - j + 1
                else:
                    for k in range(i + 1, j):
                        seq[k - i - 1] = route[d, k]
                    seq[j - i - 1] = u
                    ok = fits(p, route, ln, st, la, d, i, seq, j - i, j)
                    lo = i
                    m = j - i
                if ok:
                    for k in range(m):
                        route[d, lo + k] = seq[k]
                    refresh(p, route, ln, st, la, d)
                    improved = True
                    break
            if improved:
                break
