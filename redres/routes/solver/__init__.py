"""Solvers for `ProblemData`; `solve` is the one entry point the planner and benchmarks call."""

from __future__ import annotations

from redres.routes.solver.jit_cache import use_source_keyed_cache

use_source_keyed_cache()  # before any kernel module is imported (see jit_cache)

from redres.routes.solver.api import MAX_SEED, SolveParams, solve, warm_up  # noqa: E402

__all__ = ["MAX_SEED", "SolveParams", "solve", "warm_up"]
