"""The solver's entry point and knobs; the engine behind it may change, this signature not."""

from __future__ import annotations

import logging
import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from redres.routes.problem import (
    ProblemData,
    Solution,
    limit_breaches,
    missing_mandatory,
    schedule,
)
from redres.routes.solver.construct import greedy_insertion
from redres.routes.solver.search import run

logger = logging.getLogger(__name__)

MAX_SEED = 2**32 - 1
"""Largest seed: the kernels seed numpy's generator, which takes 32-bit seeds."""


@dataclass(frozen=True, slots=True)
class SolveParams:
    """Solver knobs, validated on creation.

    Attributes
    ----------
    time_limit
        Wall-clock seconds for the whole call; the search is anytime and returns its best.
    seed
        Seeds the search; the same seed and the same `max_iterations` give the same routes.
    max_iterations
        Stop after this many search iterations (None: only the other limits). Set it for
        reproducible results independent of machine speed.
    max_no_improve
        Stop after this many iterations without a new best (None: never); small instances
        converge long before the time limit, so interactive callers can return early.
    accept
        Record-to-record acceptance: a worse solution is kept as the current one when its score
        is within this fraction of the best (0 accepts only equal or better ones), throughout
        the search. None: from 3 % down to 0 over a `time_limit` of 2 s or less with two days
        or more, 1 % with one day, 2 % beyond 2 s (`redres.routes.solver.defaults.default_accept`).
    """

    time_limit: float = 1.0
    seed: int = 0
    max_iterations: int | None = None
    max_no_improve: int | None = None
    accept: float | None = None

    @classmethod
    def from_toml(cls, path: str | Path, table: str = "solve") -> SolveParams:
        """Knobs from the ``[solve]`` table of a TOML file (missing keys keep their defaults).

        Raises
        ------
        ValueError
            On an unknown key or an invalid value.
        """
        with open(path, "rb") as handle:
            values = tomllib.load(handle).get(table, {})
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            msg = f"unknown solver settings {sorted(unknown)!r} in {str(path)!r}"
            raise ValueError(msg)
        return cls(**values)

    def __post_init__(self) -> None:
        if not (self.time_limit > 0 and math.isfinite(self.time_limit)):
            msg = f"time_limit {self.time_limit!r} must be a positive number of seconds"
            raise ValueError(msg)
        if not 0 <= self.seed <= MAX_SEED:
            msg = f"seed {self.seed!r} must be between 0 and {MAX_SEED}"
            raise ValueError(msg)
        for name in ("max_iterations", "max_no_improve"):
            value = getattr(self, name)
            if value is not None and value < 0:
                msg = f"{name} {value!r} must be non-negative"
                raise ValueError(msg)
        if self.accept is not None and not 0 <= self.accept < 1:
            msg = f"accept {self.accept!r} must be in [0, 1)"
            raise ValueError(msg)


def solve(data: ProblemData, params: SolveParams | None = None) -> Solution:
    """Best solution found within the limits; deterministic for a seed and `max_iterations`.

    Mandatory nodes are inserted first (least delay first) and never dropped from the best
    solution: the search ranks any solution with more of them above any with fewer. A solution
    that cannot hold them all is still returned; `redres.routes.problem.missing_mandatory`
    names the ones left out and why (alone on any day or only together with the others).

    Examples
    --------
    >>> import numpy as np
    >>> data = ProblemData(
    ...     scores=np.array([5.0, 3.0]), service=np.array([30.0, 30.0]),
    ...     windows=[[[(0.0, 100.0)], [(0.0, 100.0)]]],
    ...     travel=np.array([[0.0, 10.0, 10.0], [10.0, 0.0, 10.0], [10.0, 10.0, 0.0]]),
    ...     day_start=np.array([2]), day_end=np.array([2]), day_window=np.array([[0.0, 60.0]]),
    ... )
    >>> solve(data, SolveParams(max_iterations=10)).routes
    ((0,),)
    """
    params = params or SolveParams()
    if data.num_days == 0 or data.num_nodes == 0:
        return Solution(routes=tuple(() for _ in range(data.num_days)), score=0.0)
    found = run(
        data,
        time_limit=params.time_limit,
        seed=params.seed,
        max_iterations=params.max_iterations,
        max_no_improve=params.max_no_improve,
        accept=params.accept,
    )
    breaches = limit_breaches(data, found.routes)
    if breaches or any(r and schedule(data, d, r) is None for d, r in enumerate(found.routes)):
        logger.error("search returned infeasible routes %s; falling back to greedy", breaches)
        return greedy_insertion(data)
    score = float(sum(data.scores[n] for r in found.routes for n in r))
    logger.debug("%d iterations in %.3f s, score %g", found.iterations, found.seconds, score)
    solution = Solution(routes=found.routes, score=score)
    missing = missing_mandatory(data, solution)
    if missing:
        logger.info("mandatory nodes left out (node: why): %s", missing)
    return solution


def warm_up() -> None:
    """Compile every search kernel now (or load it from numba's cache, ~0.3 s), not in a request.

    A fresh install compiles them in 15-20 s of CPU. Left to the first plan, that plan would
    take that long and, with an interactive time limit, stop right after construction. Two
    days and a few nodes reach every kernel, 2-opt* between days included.
    """
    n, days = 6, 2
    xy = np.array([[float(i), float(i % 3)] for i in range(n + 1)])
    tiny = ProblemData(
        scores=np.arange(1.0, n + 1.0),
        service=np.ones(n),
        windows=[[[(0.0, 20.0)] for _ in range(n)] for _ in range(days)],
        travel=np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2),
        day_start=np.full(days, n),
        day_end=np.full(days, n),
        day_window=np.array([[0.0, 12.0]] * days),
    )
    solve(tiny, SolveParams(time_limit=600.0, max_iterations=50))
