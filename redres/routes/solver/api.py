"""The solver's entry point and knobs; the engine behind it may change, this signature not."""

from __future__ import annotations

from dataclasses import dataclass

from redres.routes.problem import ProblemData, Solution
from redres.routes.solver.construct import greedy_insertion


@dataclass(frozen=True, slots=True)
class SolveParams:
    """Solver knobs, validated on creation."""

    time_limit: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.time_limit > 0:
            msg = f"time_limit {self.time_limit!r} must be positive"
            raise ValueError(msg)


def solve(data: ProblemData, params: SolveParams | None = None) -> Solution:
    """Best solution found within the time limit; deterministic for a seed.

    Mandatory nodes are inserted first; a solution that cannot hold them all is still returned
    (the caller checks `data.mandatory` against `Solution.visited` and explains).
    """
    params = params or SolveParams()
    return greedy_insertion(data)
