"""What every reader hands the import pipeline: headers, numbered raw rows, and a declared CRS."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.fields import map_headers
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.related import Related
from redres.catalog.io.rows import RawRow
from redres.messages import Message

HEADER_SEARCH_ROWS = 10
"""Survey sheets often put a title row or two above the header; look this far for it."""


@dataclass(slots=True)
class SourceTable:
    """A file opened for import: its column headers and a stream of its rows."""

    headers: list[str]
    rows: Iterator[RawRow]
    crs: str | None = None
    """The CRS the file declares for its geometry (normalised), when it declares one."""
    warnings: list[str] = field(default_factory=list)
    related: Related | None = None
    """Stories, people, events, themes and sources a full export carries beside its sites."""


class Reader(Protocol):
    """A format's reader: a path and the limits in, a `SourceTable` out."""

    def __call__(self, path: Path, limits: ImportLimits) -> SourceTable:
        """Open `path` for import, refusing it early if it breaks `limits`."""
        ...


def find_header(rows: Sequence[Sequence[Any]]) -> int:
    """Index of the header among the first rows: the first naming two known fields (or row 0)."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [str(c) for c in row if c is not None and str(c).strip()]
        if len(map_headers(names)) >= 2:
            return i
    return 0


def clean_headers(row: Sequence[Any], path: Path) -> list[str]:
    """Header cells as text; blank ones get a placeholder so their values are not lost silently.

    Raises
    ------
    InterchangeError
        When the header row is empty.
    """
    headers = [
        str(c).strip() if c is not None and str(c).strip() else f"column {i + 1}"
        for i, c in enumerate(row)
    ]
    if not any(not h.startswith("column ") for h in headers):
        raise InterchangeError(Message("file_no_header", file=path.name))
    return headers


def count_guard(rows: Iterator[RawRow], limits: ImportLimits, path: Path) -> Iterator[RawRow]:
    """Pass rows through, stopping with a clear error past `max_rows`.

    Raises
    ------
    LimitExceeded
        On the first row past the limit.
    """
    for n, row in enumerate(rows, start=1):
        if n > limits.max_rows:
            raise LimitExceeded(
                Message("file_too_many_rows", file=path.name, limit=limits.max_rows)
            )
        yield row


def blank(values: Sequence[Any]) -> bool:
    """Whether a row has no content at all (trailing empty lines of a sheet)."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)
