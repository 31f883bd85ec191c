"""The one clock of a day: when the group leaves, arrives, visits, and where it has lunch.

Every timed day comes from `step_day`: the planner's days (strict: a day that breaks a rule is
None, and the planner repairs it) and curated or hand-arranged routes (lenient: the day is timed
all the same and each broken rule is recorded, for `redres.routes.curated` to explain). So the
same stops with the same travel times get the same schedule on `/plan`, `/plan/check` and
`/routes/{slug}`.

The lunch rule is **the group eats where it is**: a leg that would overlap the break leaves
after it; a visit never overlaps it (it starts after the break instead); a group that arrives
before the break waits and eats there. The group leaves its start late enough to reach the first
stop as it opens rather than waiting at its door.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, overload

from redres.hours.opening import Interval
from redres.routes.problem import ProblemData, Visit, Window, first_start


@dataclass(frozen=True, slots=True)
class Stay:
    """One place of the day as the clock sees it: how long the visit lasts and when it may start.

    `windows` are the service-start windows the visit must start in (last entry and closing
    folded in, see `redres.routes.windows.start_windows`). `fallback` is where a lenient day
    starts a visit that fits none of them (e.g. the opening hours without the visit length);
    with no fallback window left either, the visit starts on arrival.
    """

    minutes: float
    windows: Sequence[Window]
    fallback: Sequence[Window] = ()


@dataclass(frozen=True, slots=True)
class DayClock:
    """The timed day: departure from the start, visits, arrival at the end, lunch place index.

    `visits` are in route order (``node`` is the node given to `time_day`, or the position in
    the stays for `step_day`). `lunch_at` is -1 for the start or the route position of the stop
    where the group is at the break; None when there is no lunch break or the day does not
    reach it (back before it starts, or out after it ends). A lenient day lists in
    `misses` the positions whose visit fits no window, and sets `over` when it ends after the
    day's window.
    """

    depart: float
    visits: tuple[Visit, ...]
    back: float
    lunch_at: int | None
    misses: tuple[int, ...] = ()
    over: bool = False


@overload
def step_day(
    stays: Sequence[Stay],
    travel: Sequence[float],
    *,
    window: Window,
    lunch: Interval | None = ...,
    strict: Literal[False],
) -> DayClock: ...


@overload
def step_day(
    stays: Sequence[Stay],
    travel: Sequence[float],
    *,
    window: Window,
    lunch: Interval | None = ...,
    strict: Literal[True] = ...,
) -> DayClock | None: ...


def step_day(
    stays: Sequence[Stay],
    travel: Sequence[float],
    *,
    window: Window,
    lunch: Interval | None = None,
    strict: bool = True,
) -> DayClock | None:
    """Earliest-start timing of `stays` in order under the lunch rule (see the module docstring).

    `travel[k]` is the minutes into stay k from the place before it (the start, or the previous
    stay); the last entry, ``travel[len(stays)]``, is the way to the end (0 when the day ends
    at its last stop). Strict: None when a visit fits no window or the day ends after
    `window`. Lenient: always a clock, with those positions in `misses` and `over` set.

    Examples
    --------
    >>> hall = Stay(60.0, [(540.0, 960.0)])
    >>> clock = step_day([hall, hall], [10.0, 20.0, 10.0], window=(480.0, 1080.0),
    ...                  lunch=Interval(660, 720))
    >>> [(v.arrive, v.start, v.leave) for v in clock.visits], clock.depart, clock.lunch_at
    ([(540.0, 540.0, 600.0), (620.0, 720.0, 780.0)], 530.0, 1)
    >>> step_day([Stay(60.0, [])], [0.0, 0.0], window=(480.0, 1080.0)) is None
    True
    >>> step_day([Stay(60.0, [])], [0.0, 0.0], window=(480.0, 1080.0), strict=False).misses
    (0,)
    """
    if len(travel) != len(stays) + 1:
        msg = f"{len(stays)} stays need {len(stays) + 1} travel times, got {len(travel)}"
        raise ValueError(msg)
    t = depart = float(window[0])
    visits: list[Visit] = []
    misses: list[int] = []
    for pos, tau in enumerate(travel):
        tau = float(tau)
        if lunch is not None and tau > 0 and t < lunch.end and t + tau > lunch.start:
            t = max(t, float(lunch.end))  # eat here first: no travelling through lunch
        if pos == 0:
            depart = t
        arrive = t + tau
        if pos == len(stays):
            over = arrive > float(window[1]) + 1e-9
            if over and strict:
                return None
            depart = _leave_late(visits, depart, lunch)
            where = _lunch_place(float(window[0]), depart, visits, arrive, lunch)
            return DayClock(depart, tuple(visits), arrive, where, tuple(misses), over)
        stay = stays[pos]
        start = _visit_start(stay.windows, arrive, stay.minutes, lunch)
        if start is None:
            if strict:
                return None
            misses.append(pos)
            start = _off_lunch(first_start(stay.fallback, arrive) or arrive, stay.minutes, lunch)
        t = start + stay.minutes
        visits.append(Visit(node=pos, arrive=arrive, start=start, leave=t))
    return None  # pragma: no cover (the loop always returns at the end point)


def time_day(
    data: ProblemData, day: int, route: Sequence[int], *, lunch: Interval | None = None
) -> DayClock | None:
    """The planner's day: `route` (nodes of `data`) on `day`, strictly; None when it does not fit.

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
    places = [int(data.day_start[day]), *route, int(data.day_end[day])]
    travel = [float(data.travel[a, b]) for a, b in itertools.pairwise(places)]
    stays = [Stay(float(data.service[node]), data.windows[day][node]) for node in route]
    window = (float(data.day_window[day][0]), float(data.day_window[day][1]))
    clock = step_day(stays, travel, window=window, lunch=lunch, strict=True)
    if clock is None:
        return None
    visits = tuple(
        Visit(node=route[v.node], arrive=v.arrive, start=v.start, leave=v.leave)
        for v in clock.visits
    )
    return DayClock(clock.depart, visits, clock.back, clock.lunch_at)


def _visit_start(
    windows: Sequence[Window], arrive: float, minutes: float, lunch: Interval | None
) -> float | None:
    """The first start in `windows` at or after `arrive` whose visit does not overlap lunch."""
    start = first_start(windows, arrive)
    if start is not None and lunch is not None and _off_lunch(start, minutes, lunch) != start:
        start = first_start(windows, max(arrive, float(lunch.end)))
    return start


def _off_lunch(start: float, minutes: float, lunch: Interval | None) -> float:
    """`start`, or the end of the break when a visit starting then would overlap it."""
    if lunch is not None and start < lunch.end and start + minutes > lunch.start:
        return float(lunch.end)
    return start


def _leave_late(visits: list[Visit], depart: float, lunch: Interval | None) -> float:
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
    opens: float, depart: float, visits: list[Visit], back: float, lunch: Interval | None
) -> int | None:
    """Where the group is idle over the break: the last place it reached by the break's start.

    None when the day (its window opening at `opens`) is over before the break or begins
    after it: that day has no lunch.
    """
    if lunch is None or back <= lunch.start or opens >= lunch.end:
        return None
    where = -1
    for pos, visit in enumerate(visits):
        if visit.arrive <= lunch.start and depart < lunch.start:
            where = pos
    return where
