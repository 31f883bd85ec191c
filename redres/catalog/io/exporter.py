"""`redres export`: the registry (or part of it) to a file whose extension picks the format."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.io.fields import EXPORT_FIELDS
from redres.catalog.io.formats import format_for
from redres.catalog.io.records import site_records
from redres.geo import normalise_crs


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What an export wrote."""

    file: str
    format: str
    crs: str
    sites: int


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
    leaves a half-written file under that name.

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
    try:
        n = fmt.write(tmp, list(EXPORT_FIELDS), records)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportReport(file=path.name, format=fmt.name, crs=crs, sites=n)
