"""Errors of the route room: only malformed requests raise; an infeasible visit is a result."""

from __future__ import annotations

from redres.errors import InvalidRequest, RedresError


class RoutesError(RedresError):
    """Base of the route room's errors."""


class InvalidPlanRequest(RoutesError, InvalidRequest):
    """A plan request that cannot be honoured as asked (bad field, unknown theme, must-site closed).

    It is an `InvalidRequest` (a `ValueError`) so the API answers 422 and the CLI exits 2. The
    teacher must change the request, so it is raised with a `redres.messages.Message` and the
    API says it in the reader's language (`detail`, with `detail_en`).
    """

    localized = True


class RouteRefused(InvalidRequest):
    """A route that cannot be saved as sent (its plan cannot be planned, its itinerary does not
    hold, a stop is unknown): the teacher must change it, so the API says why in the reader's
    language (`detail`, with `detail_en`), as `PlanNotHeld` does for an edit."""

    localized = True


class PlanNotHeld(InvalidPlanRequest):
    """Stops a teacher changed that no longer hold for the plan their route keeps: a rule people
    must act on, so the API says it in the reader's language (`detail`, with `detail_en`)."""
