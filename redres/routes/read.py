"""Readers for the academic OP and TOPTW benchmark files, so the solver is measured on them.

Two layouts exist (see ``shared/bench/README.md``); each has its own distance convention, and
the best-known scores only reproduce under that convention:

* OP (Tsiligirides, Chao): line 1 ``Tmax P``, then ``x y S`` per point; the first point is the
  start, the *second* the end; plain Euclidean distances.
* TOPTW (KU Leuven CIB format of the Solomon and Cordeau instances): line 1 ``k v N t``, line 2
  ``D Q``, then per vertex ``i x y d S ... O C`` (service ``d``, score ``S``, service-start window
  ``O..C`` as the last two fields); vertex 0 is start and end and its ``C`` is ``Tmax``;
  Euclidean distances truncated to one decimal (Solomon) or two (Cordeau ``pr``).

Both become a `ProblemData` with ``m`` identical days (one per route). Candidate node ``k`` of
the problem is point ``node_ids[k]`` of the file, so routes can be reported in file numbering.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from redres.routes.problem import ProblemData


@dataclass(frozen=True, slots=True)
class BenchInstance:
    """A benchmark file as a problem, plus what is needed to report in the file's terms.

    Attributes
    ----------
    name
        The file name (what results are keyed by).
    family
        ``"op"`` or ``"toptw"``.
    param
        The budget ``Tmax`` for OP, the number of routes ``m`` for TOPTW (how bks.csv keys rows).
    data
        The problem: candidates first, then the start (and for OP the end) location.
    node_ids
        ``node_ids[k]`` is the file's number of candidate ``k`` (depots are never candidates).
    """

    name: str
    family: str
    param: float
    data: ProblemData
    node_ids: NDArray[np.int64]

    def file_routes(self, routes: tuple[tuple[int, ...], ...]) -> list[list[int]]:
        """Routes in the file's own node numbering, depots left out."""
        return [[int(self.node_ids[k]) for k in route] for route in routes]


def read(path: str | Path, *, m: int | None = None) -> BenchInstance:
    """Read an OP or TOPTW file, telling the layout from its first line.

    Parameters
    ----------
    path
        The instance file.
    m
        Number of routes (days). Default: the ``P`` of an OP file, 1 for TOPTW.

    Raises
    ------
    ValueError
        When the file is in neither layout.
    """
    lines = _lines(path)
    if len(lines[0]) == 2:
        return read_op(path, m=m)
    if len(lines[0]) == 4:
        return read_toptw(path, m=1 if m is None else m)
    msg = f"{Path(path).name!r}: first line {lines[0]!r} is neither 'Tmax P' nor 'k v N t'"
    raise ValueError(msg)


def read_op(path: str | Path, *, m: int | None = None) -> BenchInstance:
    """Read an OP file: start is the first point, end the second, Euclidean distance.

    Raises
    ------
    ValueError
        When the file has fewer than two points or malformed lines.
    """
    lines = _lines(path)
    tmax, paths = float(lines[0][0]), int(float(lines[0][1]))
    points = np.array([[float(v) for v in row[:3]] for row in lines[1:]], dtype=np.float64)
    if points.ndim != 2 or len(points) < 2:
        msg = f"{Path(path).name!r}: an OP file needs a start and an end point"
        raise ValueError(msg)
    order = np.r_[np.arange(2, len(points)), 0, 1]  # candidates, then start, then end
    xy = points[order, :2]
    travel = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    n = len(points) - 2
    return _instance(
        path,
        family="op",
        param=tmax,
        m=paths if m is None else m,
        scores=points[2:, 2],
        service=np.zeros(n),
        windows=[[(0.0, tmax)] for _ in range(n)],
        travel=travel,
        start=n,
        end=n + 1,
        day=(0.0, tmax),
        node_ids=np.arange(2, len(points), dtype=np.int64),
    )


def read_toptw(path: str | Path, *, m: int = 1, decimals: int | None = None) -> BenchInstance:
    """Read a TOPTW file in the KU Leuven CIB layout.

    Parameters
    ----------
    path
        The instance file.
    m
        Number of routes; it is not in the file (the literature reports m = 1..4).
    decimals
        Truncate distances to this many decimals. Default: 2 for Cordeau ``pr*`` files,
        1 otherwise (the conventions behind the best-known scores).

    Raises
    ------
    ValueError
        When the vertex count disagrees with the header.
    """
    name = Path(path).name
    lines = _lines(path)
    count = int(lines[0][2])
    rows = lines[2:]
    if len(rows) != count + 1:
        msg = f"{name!r}: header says {count} customers, found {len(rows) - 1} vertex lines"
        raise ValueError(msg)
    if decimals is None:
        decimals = 2 if name.lower().startswith("pr") else 1
    xy = np.array([[float(r[1]), float(r[2])] for r in rows], dtype=np.float64)
    service = np.array([float(r[3]) for r in rows[1:]], dtype=np.float64)
    scores = np.array([float(r[4]) for r in rows[1:]], dtype=np.float64)
    windows = [[(float(r[-2]), float(r[-1]))] for r in rows[1:]]
    day = (float(rows[0][-2]), float(rows[0][-1]))
    order = np.r_[np.arange(1, count + 1), 0]  # customers, then the depot
    travel = truncated_distances(xy[order], decimals)
    return _instance(
        path,
        family="toptw",
        param=float(m),
        m=m,
        scores=scores,
        service=service,
        windows=windows,
        travel=travel,
        start=count,
        end=count,
        day=day,
        node_ids=np.arange(1, count + 1, dtype=np.int64),
    )


def truncated_distances(xy: NDArray[np.float64], decimals: int) -> NDArray[np.float64]:
    """Euclidean distances truncated (not rounded) to `decimals` places.

    A tiny tolerance keeps exact values such as 5.0 from being truncated to 4.9 by a
    floating-point square root landing just below them.

    Examples
    --------
    >>> truncated_distances(np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 4.0]]), 1)[0].tolist()
    [0.0, 1.4, 5.0]
    """
    raw = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    scale = 10.0**decimals
    truncated: NDArray[np.float64] = np.floor(raw * scale + 1e-7) / scale
    return truncated


def _instance(
    path: str | Path,
    *,
    family: str,
    param: float,
    m: int,
    scores: NDArray[np.float64],
    service: NDArray[np.float64],
    windows: list[list[tuple[float, float]]],
    travel: NDArray[np.float64],
    start: int,
    end: int,
    day: tuple[float, float],
    node_ids: NDArray[np.int64],
) -> BenchInstance:
    if m < 1:
        msg = f"m must be at least 1, got {m!r}"
        raise ValueError(msg)
    data = ProblemData(
        scores=scores,
        service=service,
        windows=[windows] * m,
        travel=travel,
        day_start=np.full(m, start, dtype=np.int64),
        day_end=np.full(m, end, dtype=np.int64),
        day_window=np.tile(np.array(day, dtype=np.float64), (m, 1)),
    )
    if not math.isfinite(param):
        msg = f"{Path(path).name!r}: parameter {param!r} is not finite"
        raise ValueError(msg)
    return BenchInstance(
        name=Path(path).name, family=family, param=param, data=data, node_ids=node_ids
    )


def _lines(path: str | Path) -> list[list[str]]:
    with open(path, encoding="utf-8") as handle:
        lines = [line.split() for line in handle]
    lines = [line for line in lines if line]
    if not lines:
        msg = f"{Path(path).name!r} is empty"
        raise ValueError(msg)
    return lines
