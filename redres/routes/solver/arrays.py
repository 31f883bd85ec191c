"""`ProblemData` flattened into the fixed-shape numpy arrays the compiled search works on.

Numba functions cannot take Python lists of windows, so windows become padded
``(days, nodes, k)`` arrays with a count per day and node; everything else is cast to the
exact dtypes the kernels were compiled for (one compiled signature, no re-compilation).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from numpy.typing import NDArray

from redres.routes.problem import ProblemData

#: Stand-in for "no limit" on stops per day.
NO_LIMIT = 1 << 40

#: "No bound" for `Arrays.detour_slack` (the same value as `timing.INF`).
INF = 1e18


class Arrays(NamedTuple):
    """The problem as arrays; the kernels take this tuple whole and read its fields by name."""

    travel: NDArray[np.float64]
    service: NDArray[np.float64]
    scores: NDArray[np.float64]
    win_open: NDArray[np.float64]
    win_close: NDArray[np.float64]
    win_count: NDArray[np.int64]
    start: NDArray[np.int64]
    end: NDArray[np.int64]
    day_open: NDArray[np.float64]
    day_close: NDArray[np.float64]
    max_stops: NDArray[np.int64]
    mandatory: NDArray[np.bool_]
    near: NDArray[np.int64]
    near_sorted: bool
    """Whether each ``near`` row is in order of travel both from and to its place (symmetric
    travel, no negative travel or service), so a scan can stop at the first node too far."""
    detour_slack: float
    """How far the triangle inequality can fail for a ``near`` pair (`detour_slack`): a scan of
    a sorted list also stops where even the shortest detour through a node is too long. INF
    where the lists are not sorted (no such stop)."""


def to_arrays(data: ProblemData, *, neighbours: int = 40) -> Arrays:
    """Pack `data` for the kernels; windows are sorted and merged where they overlap.

    ``near[l]`` lists the `neighbours` candidates closest to location ``l`` (mean of both
    directions): repair only tries to put a node next to one of its near locations, which
    makes an insertion pass ~n/(2k) times cheaper on large instances at little loss.

    Examples
    --------
    >>> data = ProblemData(
    ...     scores=np.array([1.0]), service=np.array([0.0]),
    ...     windows=[[[(5.0, 9.0), (0.0, 2.0)]]], travel=np.zeros((2, 2)),
    ...     day_start=np.array([1]), day_end=np.array([1]), day_window=np.array([[0.0, 9.0]]),
    ... )
    >>> a = to_arrays(data)
    >>> a.win_open[0, 0].tolist(), a.win_close[0, 0].tolist(), int(a.win_count[0, 0])
    ([0.0, 5.0], [2.0, 9.0], 2)
    """
    n, days = data.num_nodes, data.num_days
    merged = [[_merge(data.windows[d][i]) for i in range(n)] for d in range(days)]
    width = max([1] + [len(w) for day in merged for w in day])
    win_open = np.zeros((days, n, width))
    win_close = np.full((days, n, width), -1.0)
    win_count = np.zeros((days, n), dtype=np.int64)
    for d, day in enumerate(merged):
        for i, windows in enumerate(day):
            win_count[d, i] = len(windows)
            for k, (open_, close) in enumerate(windows):
                win_open[d, i, k], win_close[d, i, k] = open_, close
    max_stops = (
        np.full(days, NO_LIMIT, dtype=np.int64)
        if data.max_stops is None
        else np.minimum(np.asarray(data.max_stops, dtype=np.int64), NO_LIMIT)
    )
    travel = np.ascontiguousarray(data.travel, dtype=np.float64)
    k = max(1, min(neighbours, n))
    both = (travel[:, :n] + travel[:n, :].T) / 2.0
    both[np.arange(n), np.arange(n)] = np.inf
    near = np.ascontiguousarray(np.argsort(both, axis=1, kind="stable")[:, :k], dtype=np.int64)
    near_sorted = bool(
        np.array_equal(travel, travel.T) and travel.min() >= 0 and data.service.min() >= 0
    )
    slack = detour_slack(travel, near) if near_sorted else INF
    return Arrays(
        travel=travel,
        service=np.ascontiguousarray(data.service, dtype=np.float64),
        scores=np.ascontiguousarray(data.scores, dtype=np.float64),
        win_open=win_open,
        win_close=win_close,
        win_count=win_count,
        start=np.ascontiguousarray(data.day_start, dtype=np.int64),
        end=np.ascontiguousarray(data.day_end, dtype=np.int64),
        day_open=np.ascontiguousarray(data.day_window[:, 0], dtype=np.float64),
        day_close=np.ascontiguousarray(data.day_window[:, 1], dtype=np.float64),
        max_stops=max_stops,
        mandatory=np.ascontiguousarray(data.mandatory, dtype=np.bool_),
        near=near,
        near_sorted=near_sorted,
        detour_slack=slack,
    )


@njit(cache=True)
def detour_slack(travel: NDArray[np.float64], near: NDArray[np.int64]) -> float:
    """Most by which ``travel[a, u]`` exceeds ``travel[a, w] + travel[w, u]``, `u` near `a`
    (for symmetric travel only: it reads ``travel[u, w]`` for ``travel[w, u]``).

    With symmetric travel ``travel[w, u]`` is then at least ``travel[a, u] - travel[a, w] -
    slack``, so a detour through `u` next to `a` has a lower bound that grows with `u`'s place
    in `a`'s sorted list, and a scan of the list can stop at the first `u` for which even that
    is too long. Euclidean travel gives 0, truncated distances less than two units of their
    last place; the margin covers rounding in the sums.
    """
    worst = 0.0
    places = travel.shape[0]
    for a in range(near.shape[0]):
        for c in range(near.shape[1]):
            u = near[a, c]
            direct = travel[a, u]
            for w in range(places):  # travel[u, w] for travel[w, u]: rows read in order
                over = direct - travel[a, w] - travel[u, w]
                if over > worst:
                    worst = over
    return worst + 1e-6


def _merge(windows: object) -> list[tuple[float, float]]:
    """Sorted, non-empty, non-overlapping windows (the kernels rely on the order)."""
    spans = sorted((float(a), float(b)) for a, b in windows)  # type: ignore[attr-defined]
    out: list[tuple[float, float]] = []
    for open_, close in spans:
        if close < open_:
            continue
        if out and open_ <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], close))
        else:
            out.append((open_, close))
    return out
