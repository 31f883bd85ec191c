"""Greedy insertion (repair): the open nodes put back into the days, best ratio first.

Works in place on the state arrays described in `redres.routes.solver.timing`. Mandatory nodes
are inserted before anything else, the one with the fewest good days first.
"""

from typing import Any

import numpy as np
from numba import njit

from redres.routes.solver.arrays import Arrays
from redres.routes.solver.limits import Limits, account, allowed, usage
from redres.routes.solver.timing import (
    EPS,
    INF,
    departure,
    insert,
    insertion_shift,
    next_place,
)


@njit(cache=True)
def repair(
    p: Arrays, lim: Limits, route: Any, ln: Any, st: Any, la: Any, day_of: Any, blocked: Any,
    noise: float,
) -> None:  # fmt: skip
    """Insert unrouted nodes one by one at their best score²/delay position until none fits.

    The ratio is Vansteenwegen et al.'s (2009) ILS rule; `noise` scales each node's ratio by a
    random factor in ``[1 - noise/2, 1 + noise/2]`` so repeated repairs explore; `blocked` nodes
    (just removed) are skipped so the search does not undo its own perturbation.

    Each node's least delay per day is cached and, after an insertion, rescanned for that day
    only: the other days did not change. With m days that makes a repair of k insertions cost
    about m + k day scans instead of m * k (the same choices, up to ties).
    """
    scores, mandatory = p.scores, p.mandatory
    n, days = len(scores), len(ln)
    factor = np.ones(n)
    if noise > 0.0:
        for u in range(n):
            factor[u] = 1.0 + noise * (np.random.random() - 0.5)
    todo = np.zeros(n, dtype=np.bool_)
    must = np.empty(n, dtype=np.int64)
    listed = np.empty(n, dtype=np.int64)
    musts, count = 0, 0
    for u in range(n):
        todo[u] = day_of[u] < 0 and not blocked[u] and (scores[u] > 0.0 or mandatory[u])
        if todo[u]:
            listed[count] = u
            count += 1
            if mandatory[u]:
                must[musts] = u
                musts += 1
    if count == 0:
        return
    used, limited = usage(lim, route, ln), lim.limited  # checks only when limited: no calls
    granular = count > 2 * p.near.shape[1]  # else trying every open node is as cheap
    shift_of = np.full((n, days), INF)
    pos_of = np.zeros((n, days), dtype=np.int64)
    for d in range(days):
        _scan_day(p, route, ln, st, la, d, todo, listed, count, must, musts, granular,
                  shift_of, pos_of)  # fmt: skip
    # With no limit and no mandatory node to place, each day's best node is kept, and after an
    # insertion only that day and the days whose best it was are looked at again: the same
    # choice as the pass over every node and day below, ties included (first node, first day).
    fast = musts == 0 and not limited and days > 1
    day_value = np.full(days, -INF)
    day_c = np.full(days, -1, dtype=np.int64)
    if fast:
        for d in range(days):
            _day_best(p, d, listed, count, todo, factor, shift_of, day_value, day_c)
    while True:
        if fast:
            bc, bd = -1, -1
            for d in range(days):
                c = day_c[d]
                if c >= 0 and (
                    bd < 0
                    or day_value[d] > day_value[bd]
                    or (day_value[d] == day_value[bd] and c < bc)
                ):
                    bc, bd = c, d
            if bd < 0:
                return
            bu = listed[bc]
            insert(p, route, ln, st, la, day_of, bd, pos_of[bu, bd], bu)
            todo[bu] = False
            _scan_day(p, route, ln, st, la, bd, todo, listed, count, must, musts, granular,
                      shift_of, pos_of)  # fmt: skip
            for d in range(days):
                if d == bd or day_c[d] == bc:
                    _day_best(p, d, listed, count, todo, factor, shift_of, day_value, day_c)
            continue
        # Mandatory nodes before any optional one, the one with the fewest good days first
        # (largest regret: second-least minus least delay over the days, INF with one day
        # left), then least delay. Plain least delay put a node that could go on two days on
        # the first, filling the only day another one could use (tests/routes/
        # test_solver_properties.py). Never ``1e30 - shift``: that is 1e30 for any shift.
        best, bu, bd, best_must, best_regret = -INF, -1, -1, False, -INF
        for c in range(count):
            u = listed[c]
            if not todo[u] or (best_must and not mandatory[u]):
                continue
            if mandatory[u]:
                d, shift, regret = _regret(lim, used, u, shift_of)
                if d >= 0 and (
                    not best_must
                    or regret > best_regret + EPS
                    or (regret >= best_regret - EPS and -shift > best)
                ):
                    best, bu, bd, best_must, best_regret = -shift, u, d, True, regret
                continue
            for d in range(days):
                shift = shift_of[u, d]
                if shift >= INF or (limited and not allowed(lim, used, u, d, -1)):
                    continue
                value = factor[u] * scores[u] * scores[u] / (shift + 1e-6)
                if value > best:
                    best, bu, bd = value, u, d
        if bu < 0:
            return
        q = pos_of[bu, bd]
        if noise > 0.0 and mandatory[bu]:
            # Mandatory nodes are reinserted only while one is missing (perturb frees them
            # then): a random feasible position, not always the least delay, lets the search
            # reach orders where one stop waits in a costlier place (tests/routes/
            # test_solver_properties.py, the one-day case).
            q = _any_position(p, route, ln, st, la, bd, bu, q)
        insert(p, route, ln, st, la, day_of, bd, q, bu)
        if limited:
            account(lim, used, bu, bd, 1)
        todo[bu] = False
        _scan_day(p, route, ln, st, la, bd, todo, listed, count, must, musts, granular,
                  shift_of, pos_of)  # fmt: skip


@njit(cache=True)
def _day_best(
    p: Arrays, d: int, listed: Any, count: int, todo: Any, factor: Any, shift_of: Any,
    day_value: Any, day_c: Any,
) -> None:  # fmt: skip
    """The open node (its index in `listed`, the first on ties) with the best ratio on day `d`."""
    scores = p.scores
    best, bc = -INF, -1
    for c in range(count):
        u = listed[c]
        shift = shift_of[u, d]
        if not todo[u] or shift >= INF:
            continue
        value = factor[u] * scores[u] * scores[u] / (shift + 1e-6)
        if value > best:
            best, bc = value, c
    day_value[d], day_c[d] = best, bc


@njit(cache=True)
def _any_position(
    p: Arrays, route: Any, ln: Any, st: Any, la: Any, d: int, u: int, fallback: int
) -> int:
    """A uniformly random feasible position for `u` on day `d` (`fallback` if none)."""
    count = 0
    for q in range(ln[d] + 1):
        if insertion_shift(p, route, ln, st, la, d, q, u) < INF:
            count += 1
    if count == 0:
        return fallback
    pick = np.random.randint(count)
    for q in range(ln[d] + 1):
        if insertion_shift(p, route, ln, st, la, d, q, u) < INF:
            if pick == 0:
                return q
            pick -= 1
    return fallback


@njit(cache=True)
def _regret(lim: Limits, used: Any, u: int, shift_of: Any) -> tuple[int, float, float]:
    """Best day of node `u`, its delay there, and how much the second-best day costs more."""
    d1, s1, s2 = -1, INF, INF
    for d in range(shift_of.shape[1]):
        shift = shift_of[u, d]
        if shift >= INF or not allowed(lim, used, u, d, -1):
            continue
        if shift < s1:
            d1, s1, s2 = d, shift, s1
        elif shift < s2:
            s2 = shift
    return d1, s1, (INF if s2 >= INF else s2 - s1)


@njit(cache=True)
def _scan_day(
    p: Arrays, route: Any, ln: Any, st: Any, la: Any, d: int, todo: Any, listed: Any, count: int,
    must: Any, musts: int, granular: bool, shift_of: Any, pos_of: Any,
) -> None:  # fmt: skip
    """Least feasible delay (and its position) of each open node on day `d`, INF if none.

    On large instances only the `near` candidates of the two ends of a gap are tried there
    (granular), plus the mandatory nodes. Where `near` is sorted by travel from (and to) each
    place (`Arrays.near_sorted`), a list is left at its first node that cannot arrive (or
    reach the gap's end) in time even with no service and no wait: the rest are farther. That
    skips only nodes that could not fit, so the result is the same as trying them all. The
    same holds for a second stop, where even the shortest detour through the node (by the
    triangle inequality, within `Arrays.detour_slack`) arrives too late: a list near one end
    of a gap then ends about half as far out.
    """
    travel, service = p.travel, p.service
    win_open, win_close, win_count = p.win_open, p.win_close, p.win_count
    near, cut, slack = p.near, p.near_sorted, p.detour_slack
    k = near.shape[1]
    for c in range(count):
        shift_of[listed[c], d] = INF
    if ln[d] >= p.max_stops[d]:
        return
    for q in range(ln[d] + 1):
        t, here = departure(p, route, st, d, q)
        nxt = next_place(p, route, ln, d, q)
        gap = travel[here, nxt]
        base = t + gap
        limit = la[d, q] + EPS
        # A node `x` from one end is at least ``x - gap - slack`` from the other, so it reaches
        # `nxt` no sooner than ``t + 2x - gap - slack``: past `limit` when 2x is past `far`.
        far = limit - t + gap + slack
        # granular: near `here`, near `nxt`, then the mandatory nodes; else every open node
        for part in range(3 if granular else 1):
            size = count if not granular else (k if part < 2 else musts)
            for c in range(size):
                if not granular:
                    u = listed[c]
                elif part == 0:
                    u = near[here, c]
                    x = travel[here, u]
                    if cut and (t + x > limit or x + x > far):
                        break
                elif part == 1:
                    u = near[nxt, c]
                    x = travel[u, nxt]
                    if cut and (t + x > limit or x + x > far):
                        break
                else:
                    u = must[c]
                if not todo[u]:
                    continue
                arrive = t + travel[here, u]
                # Without waiting: a bound below `reach` (and the delay), so a node that is
                # late or no better than its cached gap even so is passed before its windows.
                reach = arrive + service[u] + travel[u, nxt]
                if reach > limit or reach - base >= shift_of[u, d]:
                    continue
                s = INF
                for w in range(win_count[d, u]):
                    if arrive <= win_close[d, u, w] + EPS:
                        s = max(arrive, win_open[d, u, w])
                        break
                if s >= INF:
                    continue
                reach = s + service[u] + travel[u, nxt]
                if reach > limit:
                    continue
                shift = max(reach - base, 0.0)
                if shift < shift_of[u, d]:
                    shift_of[u, d] = shift
                    pos_of[u, d] = q
