"""Excel workbooks in and out (openpyxl, streaming in both directions).

The archive is checked before openpyxl touches it: a zip bomb, lying sizes, the parts every
workbook has, and no DOCTYPE or entity declaration in any XML part (`xml_safe`). The sheet read is
the first
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
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.rows import RawRow
from redres.catalog.io.table import (
    HEADER_SEARCH_ROWS,
    SourceTable,
    blank,
    clean_headers,
    count_guard,
    find_header,
)
from redres.catalog.io.xml_safe import refuse_dtd
from redres.catalog.io.zips import check_zip, open_member
from redres.messages import Message

SHEET_TITLE = "sites"
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
XML_PARTS = (".xml", ".rels", ".vml")


def read(path: Path, limits: ImportLimits) -> SourceTable:
    """Open a workbook read-only and stream the rows of its registry sheet.

    Raises
    ------
    InterchangeError
        When the file is not a workbook or no sheet has a header row.
    LimitExceeded
        For a zip bomb or a sheet over the row limit.
    """
    _check_parts(path, limits)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InterchangeError(Message("xlsx_unreadable", file=path.name)) from exc
    for sheet in book.worksheets:
        try:
            head = [tuple(r) for r in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
        except Exception as exc:  # openpyxl raises many types for a damaged sheet
            book.close()
            raise _damaged(path, sheet, 0, exc) from exc
        h = find_header(head)
        if not head or len(map_headers(str(c) for c in head[h] if c is not None)) < 2:
            continue
        headers = clean_headers(head[h], path)
        rows = _rows(path, book, sheet, headers, h)
        return SourceTable(headers, count_guard(rows, limits, path))
    book.close()
    raise InterchangeError(Message("xlsx_no_sheet", file=path.name))


def _check_parts(path: Path, limits: ImportLimits) -> None:
    """Refuse an archive that is no workbook, or whose XML declares a DOCTYPE or entities."""
    members = check_zip(path, limits)
    names = {m.filename for m in members}
    if not all(part in names for part in REQUIRED_PARTS):
        raise InterchangeError(Message("xlsx_parts", file=path.name, parts=tuple(REQUIRED_PARTS)))
    for m in members:
        if m.filename.lower().endswith(XML_PARTS):
            with open_member(path, m) as fh:
                refuse_dtd(fh, f"{path.name}: {m.filename}")


def _rows(path: Path, book: Any, sheet: Any, headers: list[str], h: int) -> Iterator[RawRow]:
    number = h + 1
    try:
        for number, row in enumerate(sheet.iter_rows(min_row=h + 2, values_only=True), h + 2):
            if blank(row):
                continue
            yield RawRow(number, dict(zip(headers, row, strict=False)))
    except Exception as exc:  # openpyxl raises many types for a damaged sheet
        raise _damaged(path, sheet, number, exc) from exc
    finally:
        book.close()


def _damaged(path: Path, sheet: Any, row: int, exc: Exception) -> InterchangeError:
    if row:
        return InterchangeError(
            Message("xlsx_damaged_row", file=path.name, sheet=str(sheet.title), row=row)
        )
    return InterchangeError(Message("xlsx_damaged_head", file=path.name, sheet=str(sheet.title)))


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
