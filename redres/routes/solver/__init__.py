"""Solvers for `ProblemData`; `solve` is the one entry point the planner and benchmarks call."""

from __future__ import annotations

from redres.routes.solver.api import SolveParams, solve

__all__ = ["SolveParams", "solve"]
