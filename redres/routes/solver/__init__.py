"""Solvers for `ProblemData`; `solve` is the one entry point the planner and benchmarks call."""

from __future__ import annotations

from redres.routes.solver.api import MAX_SEED, SolveParams, solve, warm_up

__all__ = ["MAX_SEED", "SolveParams", "solve", "warm_up"]
