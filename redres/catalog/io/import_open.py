"""Import, step 1: open a file with its format's reader and learn which columns are fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from redres.catalog.io.errors import ImportSettingsError, InterchangeError
from redres.catalog.io.fields import map_headers
from redres.catalog.io.formats import format_for
from redres.catalog.io.import_options import ImportOptions
from redres.catalog.io.limits import check_file_size
from redres.catalog.io.table import SourceTable
from redres.geo import normalise_crs
from redres.messages import Message, said


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """A file ready to be read row by row: its format, CRS and the fields its columns name."""

    name: str
    format: str
    crs: str
    """The CRS its coordinates are in: as told, else as the file declares, else WGS-84."""
    table: SourceTable
    columns: dict[str, str]
    """Header -> field, in file order (`fields.map_headers`)."""
    header_of: dict[str, str]
    """Field -> the first header naming it, for the report's column names."""
    warnings: tuple[str, ...]
    """The reader's warnings, then one per column that names no field."""


def open_file(path: Path, options: ImportOptions) -> OpenedFile:
    """Pick the reader by extension, check the limits and the required columns, start reading.

    Raises
    ------
    InterchangeError
        When the file as a whole cannot be imported (format, encoding, limits, no name column).
    ImportSettingsError
        For an unknown `options.crs`.
    """
    fmt = format_for(path)
    try:
        forced_crs = normalise_crs(options.crs) if options.crs else None
    except ValueError as exc:
        raise ImportSettingsError(said(exc)) from None
    check_file_size(path, options.limits)
    table = fmt.read(path, options.limits)
    columns = map_headers(table.headers)
    _require_columns(path, table.headers, columns)
    header_of: dict[str, str] = {}
    for header, name in columns.items():
        header_of.setdefault(name, header)
    ignored = [
        Message("warn_column_ignored", column=header)
        for header in table.headers
        if columns.get(header) is None
    ]
    return OpenedFile(
        name=path.name,
        format=fmt.name,
        crs=forced_crs or table.crs or "wgs84",
        table=table,
        columns=columns,
        header_of=header_of,
        warnings=(*table.warnings, *ignored),
    )


def _require_columns(path: Path, headers: list[str], columns: dict[str, str]) -> None:
    """A site needs a name and a category: a file without either column is refused whole."""
    fields = set(columns.values())
    for required, zh in (("name", "名称"), ("category", "类别")):
        if required not in fields:
            said = Message(
                "file_no_column",
                file=path.name,
                header_en=required,
                header_zh=zh,
                headers=tuple(headers),
            )
            raise InterchangeError(said)
