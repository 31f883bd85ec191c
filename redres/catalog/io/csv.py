"""CSV in and out: UTF-8 (with or without BOM) or GBK/GB18030 as Chinese Excel saves it.

Exports carry a BOM so Excel opens Chinese text correctly, and cells that Excel would run as a
formula (starting with = + - @) get a leading apostrophe (CSV injection); import strips it again.
On the way in, a document that starts with markup (XML, HTML, a GDAL VRT) is refused, and so is
a cell longer than the `csv` module's field limit (128 KiB; usually a quote never closed).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from redres.catalog.io.errors import InterchangeError
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.records import Counted
from redres.catalog.io.rows import RawRow
from redres.catalog.io.table import SourceTable, blank, clean_headers, count_guard, find_header
from redres.messages import Message

FORMULA_START = ("=", "+", "-", "@")


def read(path: Path, limits: ImportLimits) -> SourceTable:
    """Open a CSV file, detecting its encoding and delimiter; its rows are read as they are used.

    The text is streamed from disk, not held: a national register of a million rows is
    hundreds of megabytes of text, which the import need not keep while it checks the rows.

    Raises
    ------
    InterchangeError
        When the bytes are neither UTF-8 nor GB18030, the text is markup, or a line is not CSV.
    """
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        sample = _start(fh)
        if sample.lstrip().startswith("<"):
            raise InterchangeError(Message("csv_markup", file=path.name))
        first_line = sample.split("\n", 1)[0]
        delimiter = max(",\t;", key=first_line.count) if first_line else ","
        fh.seek(0)
        head = list(islice(_records(csv.reader(fh, delimiter=delimiter), path), 10))
    if not head:
        raise InterchangeError(Message("file_empty", file=path.name))
    h = find_header(head)
    headers = clean_headers(head[h], path)

    def rows() -> Iterator[RawRow]:
        """The rows after the header, read again from the start (the file is opened only when
        the rows are read, and closed when they end or are dropped)."""
        with path.open(encoding=encoding, newline="") as fh:
            records = _records(csv.reader(fh, delimiter=delimiter), path)
            for number, record in enumerate(records, start=1):
                if number <= h + 1 or blank(record):
                    continue
                values = dict(zip(headers, record, strict=False))
                yield RawRow(number, values)

    return SourceTable(headers, count_guard(rows(), limits, path))


def _start(fh: TextIO) -> str:
    """The first 4 KiB of text, read on past leading blanks (a markup check needs a character)."""
    sample = fh.read(4096)
    while sample and not sample.strip():
        more = fh.read(4096)
        if not more:
            break
        sample += more
    return sample


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


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) when the bytes are valid UTF-8, else GB18030 (a superset of GBK).

    The file is decoded once in chunks to decide, without holding its text.

    Raises
    ------
    InterchangeError
        When neither decoding works.
    """
    if _decodes(path, "utf-8-sig") is None:
        return "utf-8-sig"
    failed_at = _decodes(path, "gb18030")
    if failed_at is None:
        return "gb18030"
    raise InterchangeError(Message("csv_encoding", file=path.name, byte=failed_at))


_CHUNK = 1 << 20


def _decodes(path: Path, encoding: str) -> int | None:
    """None when the whole file decodes as `encoding`, else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                pending = len(exc.object) - len(chunk)  # bytes the decoder held from before
                return offset - pending + exc.start
            if not chunk:
                return None
            offset += len(chunk)


def write(path: Path, columns: list[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Write records as UTF-8 CSV with BOM; returns the number of rows written."""
    counted = Counted(records)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.writelines(chunks(columns, counted))
    return counted.n


def chunks(columns: list[str], records: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The CSV text (BOM first, so Excel reads Chinese right), a row at a time: what `write`
    writes, and what an HTTP export streams."""
    out = _Lines()
    writer = csv.writer(out)
    yield "\ufeff"
    writer.writerow(columns)
    yield out.take()
    for record in records:
        writer.writerow([cell(record.get(c)) for c in columns])
        yield out.take()


class _Lines:
    """A file-like sink for `csv.writer` whose text is taken out after each row."""

    __slots__ = ("_text",)

    def __init__(self) -> None:
        self._text = ""

    def write(self, text: str) -> int:
        self._text += text
        return len(text)

    def take(self) -> str:
        text, self._text = self._text, ""
        return text


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: None as empty, and formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
