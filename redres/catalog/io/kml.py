"""KML and KMZ in and out: one Placemark per site, every field as ExtendedData.

KML is markup, so every string is escaped on the way out (a `<script>` in a name stays text).
On the way in, documents with a DOCTYPE or entities are refused (`xml_safe`), the root element must
be `<kml>`, KMZ archives are checked for a zip bomb and lying sizes and must hold one main
document, links (`<NetworkLink>`, `<href>`) are never followed, and both `<Data>` and
`<SchemaData>` fields are read, so files from Google Earth, ArcGIS and GDAL work as well as ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import redres.catalog.io.xml_safe as xml_safe
from redres.catalog.io.errors import InterchangeError
from redres.catalog.io.geojson import geometry_parts
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.records import Counted
from redres.catalog.io.rows import RawRow
from redres.catalog.io.table import SourceTable, count_guard
from redres.catalog.io.zips import check_zip, is_junk, read_member
from redres.messages import Message

MAIN_DOCUMENT = "doc.kml"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read(path: Path, limits: ImportLimits) -> SourceTable:
    """Open a .kml file, or the main document of a .kmz archive.

    Raises
    ------
    InterchangeError
        When the document is not well-formed KML or declares a DOCTYPE or entities, or a KMZ
        holds no main document.
    LimitExceeded
        For a zip bomb.
    """
    kmz = path.suffix.lower() == ".kmz"
    data = _main_document(path, limits) if kmz else path.read_bytes()
    root = xml_safe.parse(data, path.name)
    if _local(root.tag) != "kml":
        raise InterchangeError(Message("kml_root", file=path.name))
    placemarks = [el for el in root.iter() if _local(el.tag) == "Placemark"]
    parsed = [_placemark(el) for el in placemarks]
    headers: list[str] = []
    seen: set[str] = set()
    for values, _, _ in parsed:
        for key in values:
            if key not in seen:
                seen.add(key)
                headers.append(key)
    rows = (
        RawRow(i, values, point=pt, footprint=fp) for i, (values, pt, fp) in enumerate(parsed, 1)
    )
    return SourceTable(headers, count_guard(rows, limits, path), crs="wgs84")


def _main_document(path: Path, limits: ImportLimits) -> bytes:
    """The bytes of a KMZ's `doc.kml`, or of its only .kml document (images are never read)."""
    kmls = [
        m for m in check_zip(path, limits) if not is_junk(m) and m.filename.lower().endswith(".kml")
    ]
    main = [m for m in kmls if m.filename == MAIN_DOCUMENT] or kmls
    if not main:
        raise InterchangeError(Message("kmz_none", file=path.name))
    if len(main) > 1:
        names = tuple(m.filename for m in main[:5])
        said = Message("kmz_several", file=path.name, names=names, main=MAIN_DOCUMENT)
        raise InterchangeError(said)
    return read_member(path, main[0], limits)


def _placemark(
    el: ET.Element,
) -> tuple[dict[str, Any], tuple[float, float] | None, dict[str, Any] | None]:
    values: dict[str, Any] = {}
    point: tuple[float, float] | None = None
    rings: list[list[list[float]]] = []
    for child in el.iter():
        tag = _local(child.tag)
        if tag == "Data" and child.get("name"):
            value = next((c.text for c in child if _local(c.tag) == "value"), None)
            values[str(child.get("name"))] = value
        elif tag == "SimpleData" and child.get("name"):
            values[str(child.get("name"))] = child.text
        elif tag == "Point":
            coords = next((c.text for c in child.iter() if _local(c.tag) == "coordinates"), None)
            parsed = _coords(coords)
            if parsed:
                point = (parsed[0][0], parsed[0][1])
        elif tag in ("outerBoundaryIs", "innerBoundaryIs"):
            coords = next((c.text for c in child.iter() if _local(c.tag) == "coordinates"), None)
            rings.append(_coords(coords))
    name = next((c.text for c in el if _local(c.tag) == "name"), None)
    if name and "name" not in values:
        values["name"] = name
    footprint = None
    if rings and rings[0]:
        rep, footprint = geometry_parts({"type": "Polygon", "coordinates": rings})
        point = point or rep  # a degenerate ring has none: its footprint is a row error
    return values, point, footprint


def _coords(text: str | None) -> list[list[float]]:
    out: list[list[float]] = []
    for tup in (text or "").split():
        parts = tup.split(",")
        try:
            out.append([float(parts[0]), float(parts[1])])
        except (IndexError, ValueError):
            continue
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def write(path: Path, columns: list[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Write records as a KML document; every value escaped, nulls left out."""
    counted = Counted(records)
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(chunks(columns, counted))
    return counted.n


def chunks(columns: list[str], records: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The document's text a placemark at a time: what `write` writes and an HTTP export streams."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>redres sites</name>\n'
    for record in records:
        yield "".join(_placemark_xml(columns, record))
    yield "</Document></kml>\n"


def _placemark_xml(columns: list[str], record: Mapping[str, Any]) -> Iterator[str]:
    yield f"<Placemark><name>{_text(record.get('name'))}</name>"
    if record.get("closures"):  # shown by viewers that read no ExtendedData (临时闭馆)
        yield f"<description>临时闭馆 Temporary closures: {_text(record['closures'])}</description>"
    yield "<ExtendedData>"
    for c in columns:
        value = record.get(c)
        if value is not None:
            yield f"<Data name={quoteattr(c)}><value>{_text(value)}</value></Data>"
    yield "</ExtendedData>"
    lon, lat = record.get("lon"), record.get("lat")
    if lon is not None and lat is not None:
        yield f"<Point><coordinates>{lon!r},{lat!r}</coordinates></Point>"
    yield "</Placemark>\n"


def _text(value: Any) -> str:
    return escape(_ILLEGAL_XML.sub("", "" if value is None else str(value)))
