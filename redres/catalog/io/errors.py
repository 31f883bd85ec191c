"""Errors of a whole interchange file (its rows' problems are `rows.RowError`s instead)."""

from __future__ import annotations

from redres.catalog.errors import CatalogError
from redres.errors import InvalidRequest


class InterchangeError(CatalogError, ValueError):
    """A file that cannot be imported or exported at all: unreadable, unknown format, no names.

    Raised with a `Message`, which the CLI, the API and the import page say in the reader's
    language.
    """

    localized = True
    """The API words this error in the reader's language (Chinese first), not only English."""


class ImportSettingsError(InterchangeError, InvalidRequest):
    """An import asked for with settings it cannot run under (an unknown coordinate system)."""


class UnsupportedFormat(InterchangeError):
    """A file extension redres has no reader or writer for."""


class LimitExceeded(InterchangeError):
    """A file over the size, row or expansion limits (including a zip bomb)."""
