"""`redres export`: the registry (or part of it) to a file whose extension picks the format."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.io.fields import EXPORT_FIELDS
from redres.catalog.io.formats import format_for
from redres.catalog.io.records import site_records
from redres.catalog.io.related import PARTS, collect
from redres.geo import normalise_crs


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What an export wrote."""

    file: str
    format: str
    crs: str
    sites: int
    related: dict[str, int] = field(default_factory=dict)
    """Records of each related part written (GeoJSON and GeoPackage only)."""


STREAM_CHUNK = 64 * 1024
"""Characters gathered into one piece of a streamed export (one write to the client each)."""


def export_stream(
    session: Session,
    suffix: str,
    *,
    statuses: Collection[Status] = (Status.draft, Status.published),
    theme: str | None = None,
    crs: str = "wgs84",
) -> Iterator[bytes]:
    """The bytes `export_file` would write for a text format (`streams`), made as the sites
    are read a page at a time, so a response can send them without a file or the whole
    catalogue in memory. Give it a `db.read_snapshot` session: the pages then agree.

    Raises
    ------
    UnsupportedFormat
        For an extension redres cannot write.
    ValueError
        For an unknown `crs`, or a format that is not streamed.
    """
    fmt = format_for(Path(f"export{suffix}"))
    if fmt.stream is None:
        msg = f"{fmt.name} exports are built as a file, not streamed"
        raise ValueError(msg)
    crs = normalise_crs(crs)
    records = site_records(session, statuses=statuses, theme=theme, crs=crs)
    related = collect(session, statuses=statuses, theme=theme) if fmt.write_full else None
    pieces: list[str] = []
    size = 0
    for piece in fmt.stream(list(EXPORT_FIELDS), records, related):
        pieces.append(piece)
        size += len(piece)
        if size >= STREAM_CHUNK:
            yield "".join(pieces).encode()
            pieces, size = [], 0
    if pieces:
        yield "".join(pieces).encode()


def streams(suffix: str) -> bool:
    """Whether exports to `suffix` are streamed (text formats) rather than built as a file."""
    return format_for(Path(f"export{suffix}")).stream is not None


def export_file(
    session: Session,
    path: Path,
    *,
    statuses: Collection[Status] = (Status.draft, Status.published),
    theme: str | None = None,
    crs: str = "wgs84",
) -> ExportReport:
    """Write the sites with one of `statuses` (and `theme`) to `path`, coordinates in `crs`.

    The file is written next to its final name and moved into place, so a failed export never
    leaves a half-written file under that name. GeoJSON and GeoPackage also carry the stories,
    people, events, themes and sources that go with those sites (`related.collect`).

    Raises
    ------
    UnsupportedFormat
        For an extension redres cannot write.
    ValueError
        For an unknown `crs`.
    """
    fmt = format_for(path)
    crs = normalise_crs(crs)
    tmp = path.with_name(f".{path.name}.part{path.suffix}")
    records = site_records(session, statuses=statuses, theme=theme, crs=crs)
    related = None
    try:
        if fmt.write_full is not None:
            related = collect(session, statuses=statuses, theme=theme)
            n = fmt.write_full(tmp, list(EXPORT_FIELDS), records, related)
        else:
            n = fmt.write(tmp, list(EXPORT_FIELDS), records)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    counts = {p: len(related.parts.get(p, [])) for p in PARTS} if related is not None else {}
    return ExportReport(file=path.name, format=fmt.name, crs=crs, sites=n, related=counts)
