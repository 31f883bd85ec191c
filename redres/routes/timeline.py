"""The honest clock of one day: when the group leaves, arrives, visits, and where it has lunch.

`ProblemData` (what the solver sees) knows windows and travel times only. The lunch break is
folded into the windows (no visit overlaps it), but whether a *leg* overlaps lunch depends on
the order, so this module re-times every day the solver returns under one rule: **the group eats
where it is**. A leg that would overlap the break leaves after it; a group that arrives before
the break waits and eats at that stop. A day that no longer fits under that rule is repaired by
the planner (it drops its lowest-scoring optional stop and tries again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redres.catalog.hours import Interval
from redres.routes.problem import ProblemData, Visit


@dataclass(frozen=True, slots=True)
class DayClock:
    """The timed day: departure from the start, visits, arrival at the end, lunch place index.

    `lunch_at` is -1 for the start, the route position of the stop, or ``len(visits)`` for
    the end; None when there is no lunch break.
    """

    depart: float
    visits: tuple[Visit, ...]
    back: float
    lunch_at: int | None


def time_day(
    data: ProblemData, day: int, route: Sequence[int], *, lunch: Interval | None = None
) -> DayClock | None:
    """Earliest-start timing of `route` on `day` with the lunch rule; None when it does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> data = ProblemData(
    ...     scores=np.array([1.0, 1.0]), service=np.array([60.0, 60.0]),
    ...     windows=[[[(540.0, 660.0), (780.0, 960.0)], [[540.0, 660.0], [780.0, 960.0]]]],
    ...     travel=np.array([[0, 80.0, 10], [80.0, 0, 10], [10, 10, 0]]),
    ...     day_start=np.array([2]), day_end=np.array([2]),
    ...     day_window=np.array([[540.0, 1080.0]]),
    ... )
    >>> clock = time_day(data, 0, [0, 1], lunch=Interval(720, 780))
    >>> [(v.arrive, v.start, v.leave) for v in clock.visits], clock.lunch_at
    ([(550.0, 550.0, 610.0), (690.0, 780.0, 840.0)], 1)
    """
    t = float(data.day_window[day][0])
    here = int(data.day_start[day])
    visits: list[Visit] = []
    depart = t
    stops = [*route, int(data.day_end[day])]
    for pos, node in enumerate(stops):
        tau = float(data.travel[here, node])
        if lunch is not None and tau > 0 and t < lunch.end and t + tau > lunch.start:
            t = max(t, float(lunch.end))  # eat here first: no travelling through lunch
        if pos == 0:
            depart = t
        arrive = t + tau
        if pos == len(route):
            if arrive > float(data.day_window[day][1]) + 1e-9:
                return None
            depart = _leave_late(data, day, visits, depart, lunch)
            where = _lunch_place(depart, visits, arrive, lunch)
            return DayClock(depart, tuple(visits), arrive, where)
        start = _first_start(data.windows[day][node], arrive)
        if start is None:
            return None
        t = start + float(data.service[node])
        visits.append(Visit(node=node, arrive=arrive, start=start, leave=t))
        here = node
    return None  # pragma: no cover (the loop always returns at the end point)


def _leave_late(
    data: ProblemData, day: int, visits: list[Visit], depart: float, lunch: Interval | None
) -> float:
    """Leave the start so as to arrive at the first stop as it opens, not to wait at its door."""
    if not visits or visits[0].start <= visits[0].arrive:
        return depart
    first = visits[0]
    tau = first.arrive - depart
    later = first.start - tau
    if lunch is not None and later < lunch.end and first.start > lunch.start:
        return depart  # the wait covers lunch: keep it, the group eats at the first stop
    visits[0] = Visit(node=first.node, arrive=first.start, start=first.start, leave=first.leave)
    return later


def _lunch_place(
    depart: float, visits: list[Visit], back: float, lunch: Interval | None
) -> int | None:
    """Where the group is idle over the break: the last place it reached by the break's start."""
    if lunch is None:
        return None
    if back <= lunch.start:
        return len(visits)
    where = -1
    for pos, visit in enumerate(visits):
        if visit.arrive <= lunch.start and depart < lunch.start:
            where = pos
    return where


def _first_start(windows: Sequence[tuple[float, float]], arrive: float) -> float | None:
    for open_, latest in windows:
        if arrive <= latest + 1e-9:
            return max(arrive, open_)
    return None
