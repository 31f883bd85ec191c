"""The values an import row passes through: what a reader found, the file's context, and the
valid row or the errors that say why it is not.

Readers produce `RawRow`s; `validate.parse_row` turns each, with the file's `RowContext`, into a
`ParsedRow` or a list of `RowError`s, which the import report lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from redres.catalog.enums import Status
from redres.catalog.io.citations import SourceRef
from redres.catalog.schemas import SiteCreate


@dataclass(frozen=True, slots=True)
class RowError:
    """One thing wrong with one row: where it is in the file, what it holds, and why it fails."""

    row: int
    column: str | None
    value: Any
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason} (value {self.value!r})"


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row as a reader found it: values by header, plus a point or footprint from geometry."""

    number: int
    values: Mapping[str, Any]
    point: tuple[float, float] | None = None
    footprint: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RowContext:
    """What parsing a row needs to know about its file and the registry."""

    columns: Mapping[str, str]
    """Original header -> field, from `fields.map_headers`."""
    crs: str = "wgs84"
    """The normalised CRS the coordinates are in (see `geo.normalise_crs`)."""
    themes: Mapping[str, str] = field(default_factory=dict)
    """Normalised theme slug, Chinese or English name -> slug."""
    status: Status = Status.draft
    memo: dict[tuple[str, type, Any], Any] = field(default_factory=dict, compare=False, repr=False)
    """Conversions already made in this file (see `cells.convert_cell`)."""


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A valid row: the site to create, its parent reference, and which fields the file gave."""

    number: int
    site: SiteCreate
    parent: str | None
    present: frozenset[str]
    sources: tuple[SourceRef, ...] = ()
    """The sources its 来源 cell names (`citations.parse_sources`); empty when none."""
