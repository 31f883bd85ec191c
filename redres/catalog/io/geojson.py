"""GeoJSON in and out: a FeatureCollection of points, properties named as `EXPORT_FIELDS`.

Written with the standard library so coordinates keep every digit and lists stay JSON arrays
(themes a `{slug: weight}` object); read back, both those and the flat CSV forms are accepted.
A polygon feature gives a footprint and, when no lon/lat columns say otherwise, its
representative point as the location.

A full export adds the catalogue's other records as a foreign member (RFC 7946, section 6.1)
that GIS tools pass over: `"redres": {"sources": [...], "themes": [...], "people": [...],
"events": [...], "stories": [...]}`, records as described in `related`, linked by slug or key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.fields import decode_list, decode_themes
from redres.catalog.io.geojson_check import check_depth, check_features, too_deep
from redres.catalog.io.limits import ImportLimits
from redres.catalog.io.records import Counted
from redres.catalog.io.related import PARTS, Related
from redres.catalog.io.rows import RawRow
from redres.catalog.io.table import SourceTable, count_guard
from redres.messages import Message

NATIVE_LISTS = ("aliases", "designations", "sources")


def read(path: Path, limits: ImportLimits) -> SourceTable:
    """Open a GeoJSON FeatureCollection (or a single Feature).

    Raises
    ------
    InterchangeError
        When the file is not GeoJSON, or its structure is broken (`geojson_check`).
    """
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InterchangeError(Message("geojson_encoding", file=path.name)) from exc
    except json.JSONDecodeError as exc:
        said = Message("geojson_json", file=path.name, line=exc.lineno, column=exc.colno)
        raise InterchangeError(said) from exc
    except RecursionError:
        raise too_deep(path) from None
    check_depth(doc, path)
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise InterchangeError(Message("geojson_collection", file=path.name))
    features: list[Any] = doc["features"]
    check_features(features, path)
    headers: list[str] = []
    seen: set[str] = set()
    for f in features:
        for key in f.get("properties") or {}:
            if key not in seen:
                seen.add(key)
                headers.append(key)
    return SourceTable(
        headers,
        count_guard(_rows(features), limits, path),
        crs=_declared_crs(doc),
        related=_related(doc, path, limits),
    )


MEMBER = "redres"
"""The foreign member that carries the related records."""


def _related(doc: Mapping[str, Any], path: Path, limits: ImportLimits) -> Related | None:
    member = doc.get(MEMBER)
    if member is None:
        return None
    if not isinstance(member, dict) or any(not isinstance(member.get(p, []), list) for p in PARTS):
        said = Message("geojson_member", file=path.name, member=MEMBER, parts=tuple(PARTS))
        raise InterchangeError(said)
    related = Related({p: list(member.get(p, [])) for p in PARTS})
    if related.count() > limits.max_rows:
        raise LimitExceeded(Message("file_too_many_related", file=path.name, limit=limits.max_rows))
    return related


def _rows(features: list[dict[str, Any]]) -> Iterator[RawRow]:
    for number, f in enumerate(features, start=1):
        props = f.get("properties") or {}
        point, footprint = geometry_parts(f.get("geometry"))
        yield RawRow(number, props, point=point, footprint=footprint)


def geometry_parts(
    geometry: Mapping[str, Any] | None,
) -> tuple[tuple[float, float] | None, dict[str, Any] | None]:
    """A feature's point (for a Point) or footprint plus representative point (for a polygon)."""
    if not geometry:
        return None, None
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Point" and isinstance(coords, list | tuple) and len(coords) >= 2:
        return (float(coords[0]), float(coords[1])), None
    if kind in ("Polygon", "MultiPolygon"):
        from shapely.geometry import shape

        try:
            rep = shape(geometry).representative_point()
        except Exception:  # shapely raises several types for malformed coordinates
            return None, dict(geometry)
        return (rep.x, rep.y), dict(geometry)
    return None, None


def _declared_crs(doc: Mapping[str, Any]) -> str | None:
    """The EPSG code of an old-style `crs` member (RFC 7946 files are always WGS-84)."""
    crs = doc.get("crs")
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str):
        return None
    code = name.rsplit(":", 1)[-1]
    if code in ("CRS84", "4326"):
        return "wgs84"
    return f"EPSG:{code}" if code.isdigit() else None


def write(
    path: Path,
    columns: list[str],
    records: Iterable[Mapping[str, Any]],
    related: Related | None = None,
) -> int:
    """Write records as a FeatureCollection; lists and themes as JSON, not flat strings.

    With `related`, its parts follow the features in the `redres` member.
    """
    counted = Counted(records)
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(chunks(columns, counted, related))
    return counted.n


def chunks(
    columns: list[str], records: Iterable[Mapping[str, Any]], related: Related | None = None
) -> Iterator[str]:
    """The document's text a feature at a time: what `write` writes and an HTTP export streams."""
    props_cols = [c for c in columns if c not in ("lon", "lat")]
    yield '{"type": "FeatureCollection", "features": [\n'
    sep = ""
    for record in records:
        props = {c: _native(c, record.get(c)) for c in props_cols}
        lon, lat = record.get("lon"), record.get("lat")
        geometry = (
            None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]}
        )
        feature = {"type": "Feature", "geometry": geometry, "properties": props}
        yield sep + json.dumps(feature, ensure_ascii=False)
        sep = ",\n"
    yield "\n]"
    if related is not None:
        member = {p: related.parts.get(p, []) for p in PARTS}
        yield f',\n"{MEMBER}": ' + json.dumps(member, ensure_ascii=False, indent=1)
    yield "}\n"


def _native(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in NATIVE_LISTS:
        return decode_list(value)
    if column == "themes":
        return decode_themes(value)
    if column == "footprint":
        return json.loads(value)
    return value
