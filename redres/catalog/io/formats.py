"""Which reader and writer a file gets, from its extension."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redres.catalog.io.csv as csv
import redres.catalog.io.geojson as geojson
import redres.catalog.io.geopackage as geopackage
import redres.catalog.io.kml as kml
import redres.catalog.io.ogr as ogr
import redres.catalog.io.shp as shp
import redres.catalog.io.xlsx as xlsx
from redres.catalog.io.errors import UnsupportedFormat
from redres.catalog.io.related import Related
from redres.catalog.io.table import Reader
from redres.messages import Message

Writer = Callable[[Path, list[str], Iterable[Mapping[str, Any]]], int]
FullWriter = Callable[[Path, list[str], Iterable[Mapping[str, Any]], Related | None], int]
Streamer = Callable[[list[str], Iterable[Mapping[str, Any]], Related | None], Iterator[str]]
"""A text format's document as pieces of text, made as the records are read."""


@dataclass(frozen=True, slots=True)
class Format:
    """A file format redres reads and writes."""

    name: str
    read: Reader
    write: Writer
    write_full: FullWriter | None = None
    """A writer that also stores stories, people, events, themes and sources (full exports)."""
    stream: Streamer | None = None
    """For text formats: the same document as text pieces (UTF-8), sent while it is made;
    `related` is given when the format has `write_full`."""


def _write_kmz(path: Path, columns: list[str], records: Iterable[Mapping[str, Any]]) -> int:
    import tempfile
    import zipfile

    with tempfile.TemporaryDirectory(prefix="redres-kmz-") as tmp:
        doc = Path(tmp) / "doc.kml"
        n = kml.write(doc, columns, records)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(doc, "doc.kml")
    return n


def _csv_chunks(
    columns: list[str], records: Iterable[Mapping[str, Any]], _related: Related | None
) -> Iterator[str]:
    return csv.chunks(columns, records)


def _kml_chunks(
    columns: list[str], records: Iterable[Mapping[str, Any]], _related: Related | None
) -> Iterator[str]:
    return kml.chunks(columns, records)


FORMATS: dict[str, Format] = {
    ".csv": Format("csv", csv.read, csv.write, stream=_csv_chunks),
    ".xlsx": Format("xlsx", xlsx.read, xlsx.write),
    ".geojson": Format("geojson", geojson.read, geojson.write, geojson.write, geojson.chunks),
    ".json": Format("geojson", geojson.read, geojson.write, geojson.write, geojson.chunks),
    ".gpkg": Format("gpkg", geopackage.read, ogr.write_gpkg, ogr.write_gpkg),
    ".kml": Format("kml", kml.read, kml.write, stream=_kml_chunks),
    ".kmz": Format("kmz", kml.read, _write_kmz),
    ".zip": Format("shapefile", shp.read_zip, ogr.write_shapefile_zip),
}
"""Extension -> format; `.zip` (and `.shp.zip`) is a zipped Shapefile."""


def format_for(path: Path) -> Format:
    """The format of `path` by its extension.

    Raises
    ------
    UnsupportedFormat
        For an extension redres has no reader or writer for.
    """
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        said = Message(
            "file_unsupported", suffix=path.suffix or path.name, known=tuple(sorted(FORMATS))
        )
        raise UnsupportedFormat(said)
    return FORMATS[suffix]
