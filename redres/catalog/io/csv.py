"""CSV in and out: UTF-8 (with or without BOM) or GBK/GB18030 as Chinese Excel saves it.

Exports carry a BOM so Excel opens Chinese text correctly, and cells that Excel would run as a
formula (starting with = + - @) get a leading apostrophe (CSV injection); import strips it again.
On the way in, a document that starts with markup (XML, HTML, a GDAL VRT) is refused, and so is
a cell longer than the `csv` module's field limit (128 KiB; usually a quote never closed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from redres.catalog.io.errors import InterchangeError
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.rows import RawRow
from redres.catalog.io.table import SourceTable, blank, clean_headers, count_guard, find_header
from redres.messages import Message

FORMULA_START = ("=", "+", "-", "@")


def read(path: Path, limits: ImportLimits) -> SourceTable:
    """Open a CSV file, detecting its encoding and delimiter.

    Raises
    ------
    InterchangeError
        When the bytes are neither UTF-8 nor GB18030, the text is markup, or a line is not CSV.
    """
    text = decode(path.read_bytes(), path)
    if text.lstrip().startswith("<"):
        raise InterchangeError(Message("csv_markup", file=path.name))
    sample = text[:4096]
    first_line = sample.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    reader = _records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), path)
    head = []
    for row in reader:
        head.append(row)
        if len(head) >= 10:
            break
    if not head:
        raise InterchangeError(Message("file_empty", file=path.name))
    h = find_header(head)
    headers = clean_headers(head[h], path)

    def rows() -> Iterator[RawRow]:
        number = h + 1
        for record in [*head[h + 1 :], *reader]:
            number += 1
            if blank(record):
                continue
            values = dict(zip(headers, record, strict=False))
            yield RawRow(number, values)

    return SourceTable(headers, count_guard(rows(), limits, path))


def _records(reader: Any, path: Path) -> Iterator[list[str]]:
    """The reader's records; its errors (an endless cell, a NUL byte) become a file error."""
    try:
        yield from reader
    except csv.Error as exc:
        line = reader.line_num
        said = (
            Message("csv_cell_too_long", file=path.name, line=line, limit=csv.field_size_limit())
            if "field larger than field limit" in str(exc)
            else Message("csv_broken", file=path.name, line=line)
        )
        raise InterchangeError(said) from None


def decode(data: bytes, path: Path) -> str:
    """UTF-8 (BOM or not) when the bytes are valid UTF-8, else GB18030 (a superset of GBK).

    Raises
    ------
    InterchangeError
        When neither decoding works.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InterchangeError(Message("csv_encoding", file=path.name, byte=exc.start)) from exc


def write(path: Path, columns: list[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Write records as UTF-8 CSV with BOM; returns the number of rows written."""
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for record in records:
            writer.writerow([cell(record.get(c)) for c in columns])
            n += 1
    return n


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: None as empty, and formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
