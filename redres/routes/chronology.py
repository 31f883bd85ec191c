"""Historical order as a soft rule: precedence pairs for the solver, and why a plan broke them.

A teacher may ask for the stops in the order of the events their sites are tied to (南昌起义
before 八七会议 before 秋收起义). Each pair of kept sites whose events are known to come in an
order (`EventNote.before`: compared at the precision both dates have) becomes a precedence
pair of `ProblemData`; visiting both the other way round costs `ORDER_WEIGHT` times the lower
of the two scores, taken off the score the solver maximises. So the solver keeps the order
unless keeping it loses more than that (a stop, or a site that can only be seen out of order);
the travel it costs is not weighed (travel only breaks ties between equal scores).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from redres.messages import Message
from redres.routes.answer import OrderBreak
from redres.routes.model import Candidate
from redres.routes.problem import ProblemData, order_breaches, schedule

ORDER_WEIGHT = 0.5
"""Penalty of one broken pair as a share of the lower score of its two sites: below 1, so the
solver never drops a stop only to keep the order of one pair."""


def precedence(kept: Sequence[Candidate]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The pairs ``(a, b)`` of `kept` whose events put `a` first, and their penalties.

    Examples
    --------
    >>> from redres.routes.model import EventNote
    >>> def site(i, date, score):
    ...     return Candidate(i, f"s{i}", f"s{i}", 0.0, 0.0, score, 30, event=EventNote("e", date))
    >>> pairs, cost = precedence([site(0, "1927-08-07", 2.0), site(1, "1927-08-01", 1.0)])
    >>> pairs.tolist(), cost.tolist()
    ([[1, 0]], [0.5])
    """
    pairs: list[tuple[int, int]] = []
    weights: list[float] = []
    for a, first in enumerate(kept):
        for b, then in enumerate(kept):
            if first.event and then.event and first.event.before(then.event):
                pairs.append((a, b))
                weights.append(ORDER_WEIGHT * min(first.score, then.score))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2), np.array(weights, dtype=float)


def explain(
    data: ProblemData, kept: Sequence[Candidate], routes: Sequence[Sequence[int]]
) -> tuple[OrderBreak, ...]:
    """Each pair the final routes visit against the order, with the likeliest reason."""
    if data.precede is None:
        return ()
    out = []
    for k in order_breaches(data, routes):
        a, b = (int(x) for x in data.precede[k])
        first, then = kept[a], kept[b]
        if first.event is None or then.event is None:  # pairs are made of dated sites only
            continue
        cause = _cause(data, routes, a, b)
        detail = Message(
            f"order_{cause}",
            earlier=first.said,
            later=then.said,
            earlier_date=first.event.date,
            later_date=then.event.date,
        )
        out.append(OrderBreak(first.slug, then.slug, first.event, then.event, cause, detail))
    return tuple(out)


def _cause(data: ProblemData, routes: Sequence[Sequence[int]], a: int, b: int) -> str:
    """``days`` when `a` fits no day up to `b`'s even alone; ``hours`` when on `b`'s day the two
    do not fit in order; otherwise ``tradeoff``."""
    day_of = {node: d for d, route in enumerate(routes) for node in route}
    db = day_of[b]
    if not any(schedule(data, d, [a]) is not None for d in range(db + 1)):
        return "days"
    route = list(routes[db])
    if day_of[a] == db:
        route.remove(a)
    at = route.index(b)
    fits = any(schedule(data, db, [*route[:q], a, *route[q:]]) is not None for q in range(at + 1))
    return "tradeoff" if fits else "hours"
