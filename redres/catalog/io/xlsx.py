"""Excel workbooks in and out (openpyxl, streaming in both directions).

The archive is checked for a zip bomb before openpyxl touches it. The sheet read is the first
whose top rows name at least two registry fields, so a workbook with a cover sheet still works,
and row numbers are the ones Excel shows (the header is row 1 when it is the first row).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from redres.catalog.io.csv import cell
from redres.catalog.io.errors import InterchangeError
from redres.catalog.io.fields import map_headers
from redres.catalog.io.limits import ImportLimits, check_zip
from redres.catalog.io.table import (
    HEADER_SEARCH_ROWS,
    SourceTable,
    blank,
    clean_headers,
    count_guard,
    find_header,
)
from redres.catalog.validate import RawRow

SHEET_TITLE = "sites"


def read(path: Path, limits: ImportLimits) -> SourceTable:
    """Open a workbook read-only and stream the rows of its registry sheet.

    Raises
    ------
    InterchangeError
        When the file is not a workbook or no sheet has a header row.
    LimitExceeded
        For a zip bomb or a sheet over the row limit.
    """
    check_zip(path, limits)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        msg = f"{path.name!r} is not a readable XLSX workbook: {exc}"
        raise InterchangeError(msg) from exc
    for sheet in book.worksheets:
        head = [tuple(r) for r in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        h = find_header(head)
        if not head or len(map_headers(str(c) for c in head[h] if c is not None)) < 2:
            continue
        headers = clean_headers(head[h], path)
        return SourceTable(headers, count_guard(_rows(book, sheet, headers, h), limits, path))
    book.close()
    msg = f"{path.name!r} has no sheet with a header row naming registry fields (名称, 类别, ...)"
    raise InterchangeError(msg)


def _rows(book: Any, sheet: Any, headers: list[str], h: int) -> Iterator[RawRow]:
    try:
        for number, row in enumerate(sheet.iter_rows(min_row=h + 2, values_only=True), h + 2):
            if blank(row):
                continue
            yield RawRow(number, dict(zip(headers, row, strict=False)))
    finally:
        book.close()


def write(path: Path, columns: list[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Write records to a one-sheet workbook in write-only (streaming) mode."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET_TITLE)
    sheet.append(columns)
    n = 0
    for record in records:
        sheet.append([_xlsx_cell(record.get(c)) for c in columns])
        n += 1
    book.save(path)
    return n


def _xlsx_cell(value: Any) -> Any:
    value = cell(value)
    if value == "":
        return None
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    return value


def _illegal() -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE


_ILLEGAL = _illegal()
