"""GeoPackage and zipped Shapefile in and out, through pyogrio (GDAL).

A Shapefile's `.cpg` names its text encoding and its `.prj` its CRS; both are honoured. Chinese
Shapefiles without a `.cpg` are almost always GBK, so that is the guess when the DBF is not UTF-8.
DBF field names are cut at 10 characters, so exports use `fields.SHAPEFILE_NAMES` and leave the
footprint (longer than a DBF text field may be) out; other text over 254 bytes is cut by the
format, which the export logs as a warning. GeoPackage has none of these limits.

A full GeoPackage export adds the catalogue's other records as attribute (non-spatial) tables
beside the `sites` layer, one per part of `related` (`sources`, `themes`, `people`, `events`,
`stories`), their link lists as `a;b` cells like a site's aliases.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.fields import INT_FIELDS, SHAPEFILE_NAMES, decode_list, encode_list
from redres.catalog.io.limits import ImportLimits, extract, remove_tree
from redres.catalog.io.related import LINK_FIELDS, PARTS, Related
from redres.catalog.io.related import columns as columns_of
from redres.catalog.io.table import SourceTable, count_guard
from redres.catalog.validate import RawRow

log = logging.getLogger(__name__)

LAYER = "sites"
SHAPEFILE_SKIPPED = ("footprint",)
DBF_TEXT_BYTES = 254


def read_gpkg(path: Path, limits: ImportLimits) -> SourceTable:
    """Open the first layer of a GeoPackage (or the one called `sites`)."""
    import pyogrio

    try:
        listed = [(str(name), kind) for name, kind in pyogrio.list_layers(path)]
    except Exception as exc:  # GDAL raises DataSourceError and friends
        msg = f"{path.name!r} is not a readable GeoPackage: {exc}"
        raise InterchangeError(msg) from exc
    if not listed:
        msg = f"{path.name!r} has no layers"
        raise InterchangeError(msg)
    layers = [name for name, _ in listed]
    spatial = [name for name, kind in listed if kind is not None]
    layer = LAYER if LAYER in layers else (spatial or layers)[0]
    table = _read_layer(path, limits, layer=layer)
    if layer == LAYER:
        tables = [name for name, kind in listed if kind is None and name in PARTS]
        table.related = _read_related(path, tables, limits) if tables else None
    return table


def _read_related(path: Path, tables: list[str], limits: ImportLimits) -> Related:
    """The attribute tables of a full export, as records of their parts."""
    import pyogrio

    parts: dict[str, list[dict[str, Any]]] = {}
    total = 0
    for name in tables:
        total += int(pyogrio.read_info(path, layer=name)["features"])
        if total > limits.max_rows:
            msg = f"{path.name!r} has more than {limits.max_rows} related records"
            raise LimitExceeded(msg)
        frame = pyogrio.read_dataframe(path, layer=name, read_geometry=False)
        records = []
        for row in frame.to_dict("records"):
            record = {k: None if isinstance(v, float) and v != v else v for k, v in row.items()}
            for link in LINK_FIELDS[name]:
                cell = record.get(link)
                record[link] = decode_list(cell) if isinstance(cell, str) else []
            records.append(record)
        parts[name] = records
    return Related(parts)


def read_shapefile_zip(path: Path, limits: ImportLimits) -> SourceTable:
    """Open a zipped Shapefile after checking the archive; extracted to a temporary directory."""
    tmp = Path(tempfile.mkdtemp(prefix="redres-shp-"))
    try:
        files = extract(path, tmp, limits)
        shps = sorted(f for f in files if f.suffix.lower() == ".shp")
        if not shps:
            msg = f"{path.name!r} holds no .shp file"
            raise InterchangeError(msg)
        shp = shps[0]
        encoding = None
        if not any(f.suffix.lower() == ".cpg" and f.stem == shp.stem for f in files):
            encoding = _guess_dbf_encoding(shp.with_suffix(".dbf"))
        table = _read_layer(shp, limits, encoding=encoding, display=path)
    except BaseException:
        remove_tree(tmp)
        raise
    remove_tree(tmp)  # the rows are already in memory
    return table


def _read_layer(
    path: Path,
    limits: ImportLimits,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    display: Path | None = None,
) -> SourceTable:
    import pyogrio

    shown = (display or path).name
    try:
        info = pyogrio.read_info(path, layer=layer, encoding=encoding)
    except Exception as exc:  # GDAL raises DataSourceError and friends
        msg = f"{shown!r} is not readable: {exc}"
        raise InterchangeError(msg) from exc
    if info["features"] > limits.max_rows:
        msg = f"{shown!r} has {info['features']} features; the import limit is {limits.max_rows}"
        raise LimitExceeded(msg)
    frame = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    crs = None
    if frame.crs is not None:
        epsg = frame.crs.to_epsg()
        if epsg is None:
            frame = frame.to_crs(4326)  # an unusual .prj: let pyproj read its WKT
            crs = "wgs84"
        else:
            crs = "wgs84" if epsg == 4326 else f"EPSG:{epsg}"
    headers = [str(c) for c in frame.columns if c != "geometry"]
    return SourceTable(headers, count_guard(_rows(frame, headers), limits, path), crs=crs)


def _rows(frame: Any, headers: list[str]) -> Iterator[RawRow]:
    from shapely.geometry import mapping

    from redres.catalog.io.geojson import geometry_parts

    geoms = frame.geometry.values
    columns = [frame[h].to_numpy(dtype=object) for h in headers]
    for i in range(len(frame)):
        values = {h: col[i] for h, col in zip(headers, columns, strict=True)}
        geom = geoms[i]
        point, footprint = (None, None)
        if geom is not None and not geom.is_empty:
            point, footprint = geometry_parts(mapping(geom))
        yield RawRow(i + 1, values, point=point, footprint=footprint)


def _guess_dbf_encoding(dbf: Path) -> str:
    data = dbf.read_bytes() if dbf.exists() else b""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"


def write_gpkg(
    path: Path,
    columns: list[str],
    records: Iterable[Mapping[str, Any]],
    related: Related | None = None,
) -> int:
    """Write records as the `sites` layer of a GeoPackage (EPSG:4326 points, typed fields).

    With `related`, each non-empty part becomes an attribute table of its own.
    """
    frame = _frame(columns, records)
    import pandas as pd
    import pyogrio

    pyogrio.write_dataframe(frame, path, layer=LAYER, driver="GPKG")
    for part in PARTS:
        rows = related.parts.get(part, []) if related is not None else []
        if not rows:
            continue
        names = columns_of(part)
        data = {
            name: pd.array(
                [
                    encode_list(r.get(name) or []) if name in LINK_FIELDS[part] else r.get(name)
                    for r in rows
                ],
                dtype=object,
            )
            for name in names
        }
        pyogrio.write_dataframe(pd.DataFrame(data), path, layer=part, driver="GPKG")
    return len(frame)


def write_shapefile_zip(
    path: Path, columns: list[str], records: Iterable[Mapping[str, Any]]
) -> int:
    """Write records as a Shapefile (UTF-8 `.cpg`, WGS-84 `.prj`) zipped into `path`."""
    import pyogrio

    kept = [c for c in columns if c not in SHAPEFILE_SKIPPED]
    rows = list(records)
    long = sorted(
        {
            c
            for r in rows
            for c in kept
            if isinstance(r.get(c), str) and len(r[c].encode()) > DBF_TEXT_BYTES
        }
    )
    if long:
        log.warning(
            "Shapefile text is cut at %d bytes (~84 Chinese characters); cut: %s",
            DBF_TEXT_BYTES,
            ", ".join(long),
        )
    frame = _frame(kept, rows).rename(columns=SHAPEFILE_NAMES)
    tmp = Path(tempfile.mkdtemp(prefix="redres-shp-"))
    try:
        shp = tmp / f"{LAYER}.shp"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's truncation note, logged above
            pyogrio.write_dataframe(frame, shp, driver="ESRI Shapefile", encoding="UTF-8")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for f in sorted(tmp.iterdir()):
                archive.write(f, f.name)
    finally:
        remove_tree(tmp)
    return len(frame)


def _frame(columns: list[str], records: Iterable[Mapping[str, Any]]) -> Any:
    import geopandas as gpd
    import pandas as pd
    from shapely import points

    rows = list(records)
    data: dict[str, Any] = {}
    for c in columns:
        values = [r.get(c) for r in rows]
        if c in INT_FIELDS:
            data[c] = pd.array(values, dtype="Int64")
        elif c in ("lon", "lat"):
            data[c] = pd.array([float("nan") if v is None else v for v in values], dtype="float64")
        else:
            data[c] = pd.array(values, dtype=object)
    xy = [(r.get("lon"), r.get("lat")) for r in rows]
    made = points([(x or 0.0, y or 0.0) for x, y in xy]) if rows else []
    geoms = [None if x is None or y is None else p for (x, y), p in zip(xy, made, strict=True)]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=4326)
