"""GeoPackage in: checked as SQLite by hand, then read by GDAL's GeoPackage driver and no other.

GDAL picks a driver by looking at a file, so a GDAL "VRT" document named `x.gpkg` would be
followed to whatever files or URLs it names. Before GDAL sees an upload, redres checks that it is
a GeoPackage: the SQLite header, a GeoPackage `application_id`, the `gpkg_contents` and
`gpkg_spatial_ref_sys` tables, and nothing in it that runs SQL on reading (no views, no virtual
tables but the R*Tree spatial index, no generated columns). The check opens the file read-only
and immutable with Python's own `sqlite3`. GDAL then opens it as `GPKG:<path>`, the GeoPackage
driver's own syntax, so no other driver is tried.

The first spatial layer is read (or the one called `sites`); a full export's attribute tables
(`stories`, `people`, ...) come along as `related`.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.fields import decode_list
from redres.catalog.io.geojson import geometry_parts
from redres.catalog.io.limits import ImportLimits, remove_tree
from redres.catalog.io.ogr import LAYER
from redres.catalog.io.related import LINK_FIELDS, PARTS, Related
from redres.catalog.io.rows import RawRow
from redres.catalog.io.table import SourceTable, count_guard
from redres.messages import Message

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_IDS = (b"GPKG", b"GP10", b"GP11")
"""`application_id` (header bytes 68-71) of GeoPackage 1.2+ and of the 1.0 and 1.1 drafts."""
REQUIRED_TABLES = ("gpkg_contents", "gpkg_spatial_ref_sys")
_RTREE = re.compile(r"\bUSING\s+rtree\s*\(", re.IGNORECASE)


def read(path: Path, limits: ImportLimits) -> SourceTable:
    """Open the `sites` layer (or the first spatial one) of a checked GeoPackage.

    Raises
    ------
    InterchangeError
        When the file is not a GeoPackage, holds views or virtual tables, or GDAL cannot read it.
    LimitExceeded
        For more features or related records than the limits allow.
    """
    layers = check(path)
    if not layers:
        raise InterchangeError(Message("gpkg_no_layers", file=path.name))
    spatial = [name for name, kind in layers if kind == "features"]
    names = [name for name, _ in layers]
    layer = LAYER if LAYER in names else (spatial or names)[0]
    tables = [name for name, kind in layers if kind == "attributes" and name in PARTS]
    with gdal_name(path) as source:
        table = _read_layer(source, path, layer, limits)
        if layer == LAYER and tables:
            table.related = _read_related(source, path, tables, limits)
    return table


@contextmanager
def gdal_name(path: Path) -> Iterator[str]:
    """How GDAL is told to open `path` with the GeoPackage driver only: `GPKG:<path>`.

    The driver reads `GPKG:file:table`, so a path with a colon is reached through a link in a
    private temporary directory.
    """
    target = path.resolve()
    if ":" not in str(target):
        yield f"GPKG:{target}"
        return
    tmp = Path(tempfile.mkdtemp(prefix="redres-gpkg-"))
    try:
        link = tmp / "upload.gpkg"
        link.symlink_to(target)
        if ":" in str(link):
            raise InterchangeError(Message("gpkg_colon", file=path.name))
        yield f"GPKG:{link}"
    finally:
        remove_tree(tmp)


def check(path: Path) -> list[tuple[str, str]]:
    """The (table, data type) layers a file lists in `gpkg_contents`, once it passed as a
    GeoPackage that runs no SQL of its own on reading.

    Raises
    ------
    InterchangeError
        Naming what is wrong: not SQLite, not a GeoPackage, a view, a virtual table, a
        generated column.
    """
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise InterchangeError(Message("gpkg_no_sqlite", file=path.name))
    if len(header) < 72 or header[68:72] not in APPLICATION_IDS:
        raise InterchangeError(Message("gpkg_app_id", file=path.name))
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            schema = con.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
            _check_schema(path, schema)
            _check_columns(path, con, schema)
            contents = con.execute(
                "SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid"
            ).fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise InterchangeError(Message("gpkg_unreadable", file=path.name)) from exc
    tables = {str(name) for kind, name, _ in schema if kind == "table"}
    return [
        (str(name), str(kind))
        for name, kind in contents
        if str(name) in tables and kind in ("features", "attributes")
    ]


def _check_schema(path: Path, schema: list[tuple[Any, Any, Any]]) -> None:
    tables = {name for kind, name, _ in schema if kind == "table"}
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        said = Message("gpkg_tables", file=path.name, tables=tuple(missing))
        raise InterchangeError(said)
    views = sorted(str(name) for kind, name, _ in schema if kind == "view")
    if views:
        raise InterchangeError(Message("gpkg_views", file=path.name, views=tuple(views[:5])))
    for kind, name, sql in schema:
        text = str(sql or "")
        if (
            kind == "table"
            and text.upper().startswith("CREATE VIRTUAL")
            and not _RTREE.search(text)
        ):
            raise InterchangeError(Message("gpkg_virtual", file=path.name, table=str(name)))


def _check_columns(path: Path, con: sqlite3.Connection, schema: list[tuple[Any, Any, Any]]) -> None:
    """Refuse generated columns: SQLite computes a virtual one with its SQL on every read."""
    for kind, name, sql in schema:
        if kind != "table" or str(sql or "").upper().startswith("CREATE VIRTUAL"):
            continue
        quoted = '"' + str(name).replace('"', '""') + '"'
        hidden = [row[6] for row in con.execute(f"PRAGMA table_xinfo({quoted})")]
        if any(h in (2, 3) for h in hidden):
            raise InterchangeError(Message("gpkg_generated", file=path.name, table=name))


def _read_layer(source: str, path: Path, layer: str, limits: ImportLimits) -> SourceTable:
    """One layer through GDAL; a layer in another CRS than EPSG's is moved to WGS-84."""
    import pyogrio

    try:
        info = pyogrio.read_info(source, layer=layer)
        if info["features"] > limits.max_rows:
            said = Message(
                "file_too_many_features",
                file=path.name,
                count=info["features"],
                limit=limits.max_rows,
            )
            raise LimitExceeded(said)
        frame = pyogrio.read_dataframe(source, layer=layer)
    except LimitExceeded:
        raise
    except Exception as exc:  # GDAL raises DataSourceError and friends
        raise InterchangeError(Message("gpkg_layer_unreadable", file=path.name)) from exc
    crs = None
    if frame.crs is not None:
        epsg = frame.crs.to_epsg()
        if epsg is None:
            frame = frame.to_crs(4326)  # an unusual CRS: let pyproj read its WKT
            crs = "wgs84"
        else:
            crs = "wgs84" if epsg == 4326 else f"EPSG:{epsg}"
    headers = [str(c) for c in frame.columns if c != "geometry"]
    return SourceTable(headers, count_guard(_rows(frame, headers), limits, path), crs=crs)


def _rows(frame: Any, headers: list[str]) -> Iterator[RawRow]:
    from shapely.geometry import mapping

    geoms = frame.geometry.values
    columns = [frame[h].to_numpy(dtype=object) for h in headers]
    for i in range(len(frame)):
        values = {h: col[i] for h, col in zip(headers, columns, strict=True)}
        geom = geoms[i]
        point, footprint = (None, None)
        if geom is not None and not geom.is_empty:
            point, footprint = geometry_parts(mapping(geom))
        yield RawRow(i + 1, values, point=point, footprint=footprint)


def _read_related(source: str, path: Path, tables: list[str], limits: ImportLimits) -> Related:
    """The attribute tables of a full export, as records of their parts."""
    import pyogrio

    parts: dict[str, list[dict[str, Any]]] = {}
    total = 0
    for name in tables:
        try:
            total += int(pyogrio.read_info(source, layer=name)["features"])
            if total > limits.max_rows:
                said = Message("file_too_many_related", file=path.name, limit=limits.max_rows)
                raise LimitExceeded(said)
            frame = pyogrio.read_dataframe(source, layer=name, read_geometry=False)
        except LimitExceeded:
            raise
        except Exception as exc:  # GDAL raises DataSourceError and friends
            said = Message("gpkg_table_unreadable", file=path.name, table=name)
            raise InterchangeError(said) from exc
        records = []
        for row in frame.to_dict("records"):
            record = {k: None if isinstance(v, float) and v != v else v for k, v in row.items()}
            for link in LINK_FIELDS[name]:
                cell = record.get(link)
                record[link] = decode_list(cell) if isinstance(cell, str) else []
            records.append(record)
        parts[name] = records
    return Related(parts)
