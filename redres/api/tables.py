"""Tables as downloads (CSV for Excel, XLSX), guarded against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from openpyxl import Workbook

from redres.catalog.io.csv import cell as safe_cell


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[object]], *, title: str) -> bytes:
    """One worksheet with a header row."""
    return to_workbook([Sheet(title, header, rows)])


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: its tab name, header row and rows."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[object]]


def to_workbook(sheets: Sequence[Sheet]) -> bytes:
    """Worksheets in order, each with a header row; tab names cut to Excel's 31 characters
    and freed of the characters Excel refuses in them."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for n, sheet in enumerate(sheets, start=1):
        name = "".join(" " if c in "[]:*?/\\" else c for c in sheet.title)[:31].strip()
        ws = book.create_sheet(name or f"sheet{n}")
        ws.append(list(sheet.header))
        for row in sheet.rows:
            ws.append([safe_cell(v) for v in row])
    if not sheets:
        book.create_sheet("data")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition for a download named `filename` (Chinese kept, RFC 5987/6266),
    with an ASCII `fallback` for clients that read only the plain parameter.

    Examples
    --------
    >>> header = attachment("秋季班 评价.xlsx", "class.xlsx")
    >>> header.split("; ")[:2]
    ['attachment', 'filename="class.xlsx"']
    >>> header.endswith("filename*=UTF-8''%E7%A7%8B%E5%AD%A3%E7%8F%AD%20%E8%AF%84%E4%BB%B7.xlsx")
    True
    """
    plain = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in fallback
    )
    name = "".join(c for c in filename if c.isprintable() and c not in "/\\")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
