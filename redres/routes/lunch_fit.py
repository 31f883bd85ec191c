"""The solver's days timed under the lunch break, which the solver itself does not see.

The solver lets the group travel through the break; the lunch rule of `redres.routes.timeline`
does not (the group eats where it is). So timing a day under that rule can push a stop out of
it. Such a stop is dropped, the least valuable optional stop first, and then put back wherever
a day still has room for it under every rule (windows, lunch, kind caps, budget, stops a day),
at the place that keeps the historical order best and lengthens that day least. Only a stop
that no day can take is reported as lost to lunch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redres.hours.opening import Interval
from redres.messages import Message
from redres.routes.errors import InvalidPlanRequest
from redres.routes.problem import ProblemData, limit_breaches, objective, schedule
from redres.routes.timeline import DayClock, time_day


@dataclass(frozen=True, slots=True)
class FittedDays:
    """The timed days, and the stops left out with why: ``"lunch"`` (the stop fits the day
    without the break but no day with it) or ``"solver"`` (the solver's day did not time)."""

    clocks: list[DayClock]
    dropped: dict[int, str]


def fit_days(
    data: ProblemData, routes: Sequence[Sequence[int]], lunch: Interval | None
) -> FittedDays:
    """Time every day of `routes` under `lunch`, dropping and then re-placing what does not fit.

    Raises
    ------
    InvalidPlanRequest
        When a day's must-visit stops alone do not fit around the break.
    """
    days: list[list[int]] = []
    clocks: list[DayClock] = []
    dropped: dict[int, str] = {}
    for day, route in enumerate(routes):
        stops = list(route)
        while (clock := time_day(data, day, stops, lunch=lunch)) is None:
            optional = [i for i in stops if not data.mandatory[i]]
            if not optional:
                raise InvalidPlanRequest(Message("e_must_lunch"))
            worst = min(optional, key=lambda i: (data.scores[i], i))
            dropped[worst] = "lunch" if schedule(data, day, stops) is not None else "solver"
            stops.remove(worst)
        days.append(stops)
        clocks.append(clock)
    for node in sorted(dropped, key=lambda i: (-data.scores[i], i)):
        if _put_back(data, days, clocks, node, lunch):
            del dropped[node]
    return FittedDays(clocks, dropped)


def _put_back(
    data: ProblemData,
    days: list[list[int]],
    clocks: list[DayClock],
    node: int,
    lunch: Interval | None,
) -> bool:
    """Insert `node` at its best feasible place (in `days` and `clocks`); False when none."""
    best: tuple[tuple[float, float], int, list[int], DayClock] | None = None
    for day, stops in enumerate(days):
        if data.max_stops is not None and len(stops) >= data.max_stops[day]:
            continue
        length = clocks[day].back - clocks[day].depart
        for at in range(len(stops) + 1):
            trial = [*stops[:at], node, *stops[at:]]
            clock = time_day(data, day, trial, lunch=lunch)
            if clock is None:
                continue
            routes = [*days[:day], trial, *days[day + 1 :]]
            if limit_breaches(data, routes):
                continue
            key = (objective(data, routes), length - (clock.back - clock.depart))
            if best is None or key > best[0]:
                best = (key, day, trial, clock)
    if best is None:
        return False
    _, day, trial, clock = best
    days[day], clocks[day] = trial, clock
    return True
