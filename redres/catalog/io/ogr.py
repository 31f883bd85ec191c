"""GeoPackage and zipped Shapefile out, through pyogrio (GDAL); reading them is `geopackage` and `shp`.

GDAL only ever writes here, files redres makes itself; uploads never reach its format detection.
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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from redres.catalog.io.fields import INT_FIELDS, SHAPEFILE_NAMES, encode_list
from redres.catalog.io.limits import remove_tree
from redres.catalog.io.related import LINK_FIELDS, PARTS, Related
from redres.catalog.io.related import columns as columns_of

log = logging.getLogger(__name__)

LAYER = "sites"
SHAPEFILE_SKIPPED = ("footprint",)
DBF_TEXT_BYTES = 254


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
