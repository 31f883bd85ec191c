"""Errors of a whole interchange file (its rows' problems are `rows.RowError`s instead)."""

from __future__ import annotations

from redres.catalog.errors import CatalogError


class InterchangeError(CatalogError, ValueError):
    """A file that cannot be imported or exported at all: unreadable, unknown format, no names."""


class UnsupportedFormat(InterchangeError):
    """A file extension redres has no reader or writer for."""


class LimitExceeded(InterchangeError):
    """A file over the size, row or expansion limits (including a zip bomb)."""
