"""Errors of the route room: only malformed requests raise; an infeasible visit is a result."""

from __future__ import annotations

from redres.catalog.errors import InvalidQuery
from redres.errors import RedresError


class RoutesError(RedresError):
    """Base of the route room's errors."""


class InvalidPlanRequest(RoutesError, InvalidQuery):
    """A plan request that cannot be honoured as asked (bad field, unknown theme, must-site closed).

    It subclasses `InvalidQuery` (a `ValueError`) so the API answers 422 and the CLI exits 2.
    """
