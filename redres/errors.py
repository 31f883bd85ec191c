"""The root of redres's exceptions, so callers can catch everything of ours in one place."""

from __future__ import annotations


class RedresError(Exception):
    """Base class for every error raised by redres on purpose."""


class ConfigurationError(RedresError, ValueError):
    """A setting or database URL that redres cannot work with."""
