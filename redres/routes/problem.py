"""The planning problem as plain numbers: what the solver sees, and nothing else.

The team orienteering problem with time windows, one route per day: pick and order nodes to
maximise the total score, each node visited at most once over all days, each visit starting
inside one of that node's windows *for that day*, each day leaving its start and reaching its
end inside the day's window. Sites, dates and opening hours are turned into these arrays by the
planner (`redres.routes.planner`); academic benchmark instances by `redres.routes.read`.

Times are minutes (floats) on one clock per day; a window is ``(earliest start of service,
latest start of service)``, so last entry and closing time are already folded in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Window = tuple[float, float]


@dataclass(frozen=True, slots=True)
class ProblemData:
    """One instance: nodes 0..n-1 are the candidates; day starts/ends index the travel matrix.

    Attributes
    ----------
    scores
        (n,) prize of visiting each node.
    service
        (n,) minutes spent at each node.
    windows
        windows[d][i]: the service-start windows of node i on day d, sorted and disjoint;
        empty means the node cannot be visited that day.
    travel
        (L, L) minutes between locations, L >= n; rows/columns n.. are the day start/end points.
    day_start, day_end
        (D,) location index where each day starts and ends.
    day_window
        (D, 2) earliest departure from the start and latest arrival at the end, per day.
    mandatory
        (n,) True for nodes every solution must visit.
    max_stops
        (D,) most visits per day (a large number for no limit).
    cost, budget
        (n,) fee of each node and the most the whole trip may spend on fees (None: no budget).
    kinds
        (n, K) True where node i is of kind k (a node may have several kinds or none).
    kind_cap_trip, kind_cap_day
        (K,) most visits of each kind over the trip and (D, K) per day (None: no cap).
    precede, precede_penalty
        (P, 2) pairs ``(a, b)``: `a` should be visited before `b` (an earlier day, or earlier
        on the same day), and (P,) what visiting both the other way round costs: a soft rule,
        taken off the score the solver maximises (`objective`), never a feasibility rule.
    """

    scores: NDArray[np.float64]
    service: NDArray[np.float64]
    windows: Sequence[Sequence[Sequence[Window]]]
    travel: NDArray[np.float64]
    day_start: NDArray[np.int64]
    day_end: NDArray[np.int64]
    day_window: NDArray[np.float64]
    mandatory: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    max_stops: NDArray[np.int64] | None = None
    cost: NDArray[np.float64] | None = None
    budget: float | None = None
    kinds: NDArray[np.bool_] | None = None
    kind_cap_trip: NDArray[np.int64] | None = None
    kind_cap_day: NDArray[np.int64] | None = None
    precede: NDArray[np.int64] | None = None
    precede_penalty: NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        n, days = len(self.scores), len(self.day_start)
        if self.mandatory.shape == (0,) and n:
            object.__setattr__(self, "mandatory", np.zeros(n, dtype=bool))
        problems = []
        if self.service.shape != (n,):
            problems.append(f"service has shape {self.service.shape}, expected ({n},)")
        if len(self.windows) != days or any(len(w) != n for w in self.windows):
            problems.append(f"windows must be {days} days x {n} nodes")
        if self.travel.ndim != 2 or self.travel.shape[0] != self.travel.shape[1]:
            problems.append(f"travel must be square, got {self.travel.shape}")
        elif self.travel.shape[0] < n:
            problems.append(f"travel has {self.travel.shape[0]} locations for {n} nodes")
        if self.day_end.shape != (days,) or self.day_window.shape != (days, 2):
            problems.append("day_end and day_window must have one entry per day")
        if self.mandatory.shape != (n,):
            problems.append(f"mandatory has shape {self.mandatory.shape}, expected ({n},)")
        problems += self._limit_problems()
        if problems:
            raise ValueError("; ".join(problems))

    def _limit_problems(self) -> list[str]:
        n, days = len(self.scores), len(self.day_start)
        out = []
        if self.cost is not None and self.cost.shape != (n,):
            out.append(f"cost has shape {self.cost.shape}, expected ({n},)")
        if self.budget is not None and not self.budget >= 0:
            out.append(f"budget {self.budget!r} must be a non-negative number")
        caps = self.kind_cap_trip is not None or self.kind_cap_day is not None
        if (self.precede is None) != (self.precede_penalty is None):
            out.append("precede and precede_penalty go together")
        elif self.precede is not None and self.precede_penalty is not None:
            pairs = len(self.precede_penalty)
            if self.precede.shape != (pairs, 2):
                out.append(f"precede has shape {self.precede.shape}, expected ({pairs}, 2)")
            elif pairs and not (self.precede.min() >= 0 and self.precede.max() < n):
                out.append("precede names a node that does not exist")
            if pairs and not (self.precede_penalty >= 0).all():
                out.append("precede_penalty must be non-negative")
        if self.kinds is None:
            if caps:
                out.append("kind caps need kinds")
            return out
        if self.kinds.ndim != 2 or self.kinds.shape[0] != n:
            out.append(f"kinds has shape {self.kinds.shape}, expected ({n}, K)")
            return out
        k = self.kinds.shape[1]
        if self.kind_cap_trip is not None and self.kind_cap_trip.shape != (k,):
            out.append(f"kind_cap_trip has shape {self.kind_cap_trip.shape}, expected ({k},)")
        if self.kind_cap_day is not None and self.kind_cap_day.shape != (days, k):
            out.append(f"kind_cap_day has shape {self.kind_cap_day.shape}, expected ({days}, {k})")
        return out

    @property
    def num_nodes(self) -> int:
        """How many candidate nodes there are."""
        return len(self.scores)

    @property
    def num_days(self) -> int:
        """How many routes (days) a solution has."""
        return len(self.day_start)


@dataclass(frozen=True, slots=True)
class Visit:
    """When a route reaches a node and when service starts there."""

    node: int
    arrive: float
    start: float
    leave: float


@dataclass(frozen=True, slots=True)
class Solution:
    """The routes (node indices per day) and their total score."""

    routes: tuple[tuple[int, ...], ...]
    score: float

    @property
    def visited(self) -> set[int]:
        """Every node in some route."""
        return {node for route in self.routes for node in route}


def schedule(data: ProblemData, day: int, route: Sequence[int]) -> list[Visit] | None:
    """Earliest-start timing of a route on a day, or None when it is infeasible.

    Waiting is allowed: service starts at the first window that is still open on arrival.

    Examples
    --------
    >>> import numpy as np
    >>> data = ProblemData(
    ...     scores=np.array([5.0]), service=np.array([30.0]),
    ...     windows=[[[(60.0, 120.0)]]],
    ...     travel=np.array([[0.0, 10.0], [10.0, 0.0]]),
    ...     day_start=np.array([1]), day_end=np.array([1]),
    ...     day_window=np.array([[0.0, 480.0]]),
    ... )
    >>> schedule(data, 0, [0])
    [Visit(node=0, arrive=10.0, start=60.0, leave=90.0)]
    """
    t = float(data.day_window[day][0])
    here = int(data.day_start[day])
    visits = []
    for node in route:
        arrive = t + float(data.travel[here, node])
        start = first_start(data.windows[day][node], arrive)
        if start is None:
            return None
        t = start + float(data.service[node])
        visits.append(Visit(node=node, arrive=arrive, start=start, leave=t))
        here = node
    if t + float(data.travel[here, data.day_end[day]]) > float(data.day_window[day][1]) + 1e-9:
        return None
    return visits


def is_feasible(data: ProblemData, solution: Solution) -> bool:
    """Check every rule of the problem; the planner and the tests trust nothing else."""
    if len(solution.routes) != data.num_days:
        return False
    seen: list[int] = [n for route in solution.routes for n in route]
    if len(seen) != len(set(seen)) or any(not 0 <= n < data.num_nodes for n in seen):
        return False
    if not all(data.mandatory[n] == 0 or n in set(seen) for n in range(data.num_nodes)):
        return False
    for day, route in enumerate(solution.routes):
        if data.max_stops is not None and len(route) > int(data.max_stops[day]):
            return False
        if schedule(data, day, route) is None:
            return False
    if limit_breaches(data, solution.routes):
        return False
    return abs(sum(float(data.scores[n]) for n in seen) - solution.score) < 1e-6


def limit_breaches(data: ProblemData, routes: Sequence[Sequence[int]]) -> list[str]:
    """The budget and kind caps `routes` break, in words (empty when none): the checker's half.

    Examples
    --------
    >>> import numpy as np
    >>> data = ProblemData(
    ...     scores=np.ones(2), service=np.zeros(2), windows=[[[(0.0, 9.0)]] * 2],
    ...     travel=np.zeros((3, 3)), day_start=np.array([2]), day_end=np.array([2]),
    ...     day_window=np.array([[0.0, 9.0]]), cost=np.array([5.0, 6.0]), budget=10.0,
    ...     kinds=np.array([[True], [True]]), kind_cap_day=np.array([[1]]),
    ... )
    >>> limit_breaches(data, [[0, 1]])
    ['fees 11 over budget 10', 'day 0: 2 of kind 0 over cap 1']
    """
    out = []
    if data.budget is not None and data.cost is not None:
        spent = sum(float(data.cost[n]) for route in routes for n in route)
        if spent > data.budget + 1e-6:
            out.append(f"fees {spent:g} over budget {data.budget:g}")
    if data.kinds is None:
        return out
    per_day = np.array([data.kinds[list(r)].sum(axis=0) for r in routes], dtype=np.int64)
    per_day = per_day.reshape(len(routes), data.kinds.shape[1])
    if data.kind_cap_trip is not None:
        for k, (count, cap) in enumerate(zip(per_day.sum(axis=0), data.kind_cap_trip, strict=True)):
            if count > cap:
                out.append(f"{count} of kind {k} over trip cap {cap}")
    if data.kind_cap_day is not None:
        for day, counts in enumerate(per_day):
            for k, (count, cap) in enumerate(zip(counts, data.kind_cap_day[day], strict=True)):
                if count > cap:
                    out.append(f"day {day}: {count} of kind {k} over cap {cap}")
    return out


def order_breaches(data: ProblemData, routes: Sequence[Sequence[int]]) -> list[int]:
    """The precedence pairs (indices into `data.precede`) that `routes` visit the wrong way round.

    Both nodes must be visited; a node's place is its day, then its position on that day.

    Examples
    --------
    >>> import numpy as np
    >>> data = ProblemData(
    ...     scores=np.ones(3), service=np.zeros(3), windows=[[[(0.0, 9.0)]] * 3] * 2,
    ...     travel=np.zeros((4, 4)), day_start=np.array([3, 3]), day_end=np.array([3, 3]),
    ...     day_window=np.array([[0.0, 9.0]] * 2), precede=np.array([[0, 1], [1, 2], [0, 2]]),
    ...     precede_penalty=np.array([1.0, 1.0, 1.0]),
    ... )
    >>> order_breaches(data, [[2], [0, 1]])
    [1, 2]
    """
    if data.precede is None:
        return []
    place = {node: (day, q) for day, route in enumerate(routes) for q, node in enumerate(route)}
    return [
        k
        for k, (a, b) in enumerate(data.precede.tolist())
        if a in place and b in place and place[b] < place[a]
    ]


def objective(data: ProblemData, routes: Sequence[Sequence[int]]) -> float:
    """What the solver maximises: the score minus the penalties of the broken precedence pairs."""
    score = sum(float(data.scores[n]) for route in routes for n in route)
    if data.precede_penalty is None:
        return score
    return score - sum(float(data.precede_penalty[k]) for k in order_breaches(data, routes))


def missing_mandatory(data: ProblemData, solution: Solution) -> dict[int, str]:
    """Each mandatory node `solution` leaves out, with why, so a caller can say more than "no".

    ``"alone"``: no day can take it even as its only stop (its windows, the day windows,
    travel, its fee or a kind cap rule it out; no search can help). ``"with_others"``: some day could take it alone,
    so it is the mandatory set together that did not fit (the search is a heuristic: this is
    what it found, not a proof).

    Examples
    --------
    >>> import numpy as np
    >>> data = ProblemData(
    ...     scores=np.array([1.0]), service=np.array([0.0]), windows=[[[(50.0, 60.0)]]],
    ...     travel=np.zeros((2, 2)), day_start=np.array([1]), day_end=np.array([1]),
    ...     day_window=np.array([[0.0, 40.0]]), mandatory=np.array([True]),
    ... )
    >>> missing_mandatory(data, Solution(routes=((),), score=0.0))
    {0: 'alone'}
    """
    visited = solution.visited
    out: dict[int, str] = {}
    for node in range(data.num_nodes):
        if not data.mandatory[node] or node in visited:
            continue
        fits = any(
            (data.max_stops is None or int(data.max_stops[day]) >= 1)
            and schedule(data, day, [node]) is not None
            and not limit_breaches(data, [[node] if d == day else [] for d in range(data.num_days)])
            for day in range(data.num_days)
        )
        out[node] = "with_others" if fits else "alone"
    return out


def first_start(windows: Sequence[Window], arrive: float) -> float | None:
    """The earliest service start at or after `arrive` in sorted `windows`; None when all closed.

    Examples
    --------
    >>> first_start([(540.0, 660.0), (780.0, 900.0)], 700.0)
    780.0
    """
    for open_, latest in windows:
        if arrive <= latest + 1e-9:
            return max(arrive, open_)
    return None
