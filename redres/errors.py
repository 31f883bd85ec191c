"""The root of redres's exceptions, so callers can catch everything of ours in one place."""

from __future__ import annotations


class RedresError(Exception):
    """Base class for every error raised by redres on purpose."""


class ConfigurationError(RedresError, ValueError):
    """A setting or database URL that redres cannot work with."""


class InvalidRequest(RedresError, ValueError):
    """A request whose parameters cannot be honoured as asked, in any room.

    The API answers 422 and the CLI exits 2 (a `ValueError`); each room raises its own subclass
    (`catalog.errors.InvalidQuery`, `routes.errors.InvalidPlanRequest`).
    """
