"""Zipped Shapefiles in, read by a Shapefile reader and nothing else (pyshp; GDAL never sees them).

GDAL picks a driver by looking at a file, so a `sites.shp` that is really a GDAL VRT document
would be followed to whatever files or URLs it names; pyshp only reads Shapefiles. The archive
must hold exactly one: a `.shp` with its `.shx` and `.dbf` beside it (same folder, same name), and
optionally `.prj` (CRS) and `.cpg` (text encoding). The index and metadata files GIS tools add
(`SIDECARS`) and macOS or Windows junk are ignored; any other member (a `.vrt`, a `.gpkg`, a
second Shapefile) is refused. Only the parts are extracted, under names redres chooses, into a
private directory, and each is checked (file code 9994, dBASE header, WKT) before it is parsed.

Text: the `.cpg` encoding, else UTF-8 when the records decode as UTF-8, else GB18030 (Chinese
Shapefiles without a `.cpg` are almost always GBK). CRS: the `.prj` WKT through pyproj, as an
EPSG code when it matches one; otherwise the geometry is moved to WGS-84 here.
"""

from __future__ import annotations

import codecs
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.geojson import geometry_parts
from redres.catalog.io.limits import ImportLimits, remove_tree
from redres.catalog.io.rows import RawRow
from redres.catalog.io.table import SourceTable, count_guard
from redres.catalog.io.zips import check_zip, extract, is_junk
from redres.messages import Message

REQUIRED = (".shp", ".shx", ".dbf")
OPTIONAL = (".prj", ".cpg")
SIDECARS = (
    *(".sbn", ".sbx", ".qix", ".fix", ".atx", ".ain", ".aih", ".ixs", ".mxs"),
    *(".xml", ".qmd", ".qpj", ".cst", ".txt"),
)
"""Spatial indexes, metadata and notes that GIS tools leave beside a Shapefile; never read."""
FILE_CODE = 9994
VERSION = 1000
DBF_VERSIONS = frozenset(
    {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0x8E, 0xCB, 0xF5, 0xFB}
)
"""First byte of a dBASE table: dBASE II-V, Visual FoxPro, with or without memo."""
SIDE_FILE_BYTES = 64 * 1024
"""Largest .prj or .cpg read (a WKT is a few hundred bytes)."""
POINTS = (1, 11, 21)
POLYGONS = (5, 15, 25)

Move = Callable[[float, float], tuple[float, float]]


def read_zip(path: Path, limits: ImportLimits) -> SourceTable:
    """Open the one Shapefile of a zip archive, after checking the archive and each part.

    Raises
    ------
    InterchangeError
        Naming the member and what is wrong with it.
    LimitExceeded
        For a zip bomb or more records than `limits.max_rows`.
    """
    parts = _pick(path, limits)
    tmp = Path(tempfile.mkdtemp(prefix="redres-shp-"))
    try:
        extract(path, {f"sites{ext}": m for ext, m in parts.items()}, tmp, limits)
        shown = {ext: m.filename for ext, m in parts.items()}
        for ext in (".shp", ".shx"):
            _check_header(tmp / f"sites{ext}", path, shown[ext])
        _check_dbf(tmp / "sites.dbf", path, shown[".dbf"], limits)
        crs, move = _crs(tmp / "sites.prj", path, shown.get(".prj"))
        encoding = _encoding(tmp, path, shown.get(".cpg"))
        headers, rows = _read(tmp, encoding, move, path, shown)
    finally:
        remove_tree(tmp)
    return SourceTable(headers, count_guard(iter(rows), limits, path), crs=crs)


def _pick(path: Path, limits: ImportLimits) -> dict[str, zipfile.ZipInfo]:
    """The parts of the archive's one Shapefile, by extension; anything else is refused."""
    groups: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for m in check_zip(path, limits):
        name = m.filename.replace("\\", "/").lower()
        ext = PurePosixPath(name).suffix
        if is_junk(m) or ext in SIDECARS:
            continue
        if ext not in REQUIRED + OPTIONAL:
            raise InterchangeError(Message("shp_stray", file=path.name, member=m.filename))
        group = groups.setdefault(name[: -len(ext)], {})
        if ext in group:
            first = group[ext].filename
            said = Message("shp_twice", file=path.name, first=first, second=m.filename)
            raise InterchangeError(said)
        group[ext] = m
    shps = [g[".shp"].filename for g in groups.values() if ".shp" in g]
    if not shps:
        raise InterchangeError(Message("shp_none", file=path.name))
    if len(shps) > 1:
        names = tuple(sorted(shps)[:5])
        raise InterchangeError(Message("shp_several", file=path.name, count=len(shps), names=names))
    parts = next(g for g in groups.values() if ".shp" in g)
    stray = [m.filename for g in groups.values() if g is not parts for m in g.values()]
    if stray:
        said = Message("shp_other", file=path.name, member=stray[0], shp=shps[0])
        raise InterchangeError(said)
    for ext in (".shx", ".dbf"):
        if ext not in parts:
            said = Message("shp_missing_part", file=path.name, shp=shps[0], ext=ext)
            raise InterchangeError(said)
    return parts


def _check_header(file: Path, path: Path, shown: str) -> None:
    """A .shp or .shx starts with file code 9994 (big-endian) and version 1000."""
    with file.open("rb") as fh:
        head = fh.read(100)
    ext = file.suffix
    if len(head) < 100 or int.from_bytes(head[:4], "big") != FILE_CODE:
        said = Message("shp_code", file=path.name, member=shown, ext=ext, code=FILE_CODE)
        raise InterchangeError(said)
    if int.from_bytes(head[28:32], "little") != VERSION:
        said = Message("shp_version", file=path.name, member=shown, version=VERSION)
        raise InterchangeError(said)


def _check_dbf(file: Path, path: Path, shown: str, limits: ImportLimits) -> None:
    """A dBASE table whose header is sound and whose record count is within the limit."""
    with file.open("rb") as fh:
        head = fh.read(32)
    if len(head) < 32 or head[0] not in DBF_VERSIONS:
        raise InterchangeError(Message("shp_dbf", file=path.name, member=shown))
    n = int.from_bytes(head[4:8], "little")
    header_bytes = int.from_bytes(head[8:10], "little")
    record_bytes = int.from_bytes(head[10:12], "little")
    if (
        header_bytes < 33
        or record_bytes < 1
        or header_bytes + n * record_bytes > file.stat().st_size
    ):
        raise InterchangeError(Message("shp_dbf_short", file=path.name, member=shown))
    if n > limits.max_rows:
        said = Message("file_too_many_features", file=path.name, count=n, limit=limits.max_rows)
        raise LimitExceeded(said)


def _crs(prj: Path, path: Path, shown: str | None) -> tuple[str | None, Move | None]:
    """The CRS named by the .prj, and a move to WGS-84 when no EPSG code matches it."""
    if shown is None:
        return None, None
    text = _side_text(prj, path, shown)
    if not text:
        return None, None
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_wkt(text)
    except CRSError:
        raise InterchangeError(Message("shp_prj", file=path.name, member=shown)) from None
    epsg = crs.to_epsg()
    if epsg is not None:
        return ("wgs84" if epsg == 4326 else f"EPSG:{epsg}"), None
    transformer = Transformer.from_crs(crs, 4326, always_xy=True)
    return "wgs84", lambda x, y: transformer.transform(x, y)


def _encoding(tmp: Path, path: Path, shown: str | None) -> str:
    """The Python codec of the .dbf text: the .cpg's if it names a known one, else a guess."""
    if shown is not None:
        codec = cpg_codec(_side_text(tmp / "sites.cpg", path, shown))
        if codec:
            return codec
    data = (tmp / "sites.dbf").read_bytes()
    start = int.from_bytes(data[8:10], "little")
    try:
        data[start:].decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def cpg_codec(text: str) -> str | None:
    """`UTF-8`, `GBK`, `936`, `ANSI 1252`, ... as a Python codec name; None when unknown."""
    key = text.strip().upper().removeprefix("ANSI").strip()
    if key in ("UTF-8", "UTF8", "65001"):
        return "utf-8"
    if key in ("GBK", "GB2312", "GB18030", "936", "CP936", "54936"):
        return "gb18030"
    name = f"cp{key}" if key.isdigit() else key
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _side_text(file: Path, path: Path, shown: str) -> str:
    data = file.read_bytes()
    if len(data) > SIDE_FILE_BYTES:
        said = Message("shp_side_file", file=path.name, member=shown, size=len(data))
        raise InterchangeError(said)
    return data.decode("utf-8", errors="replace").strip()


def _read(
    tmp: Path, encoding: str, move: Move | None, path: Path, shown: dict[str, str]
) -> tuple[list[str], list[RawRow]]:
    """Headers and rows of the extracted parts (records marked deleted are left out)."""
    import shapefile

    rows: list[RawRow] = []
    try:
        with (
            (tmp / "sites.shp").open("rb") as shp,
            (tmp / "sites.shx").open("rb") as shx,
            (tmp / "sites.dbf").open("rb") as dbf,
        ):
            reader = shapefile.Reader(shp=shp, shx=shx, dbf=dbf, encoding=encoding)
            headers = [str(f[0]) for f in reader.fields[1:]]
            if reader.numShapes != reader.numRecords:
                said = Message(
                    "shp_counts",
                    file=path.name,
                    shp=shown[".shp"],
                    shapes=reader.numShapes,
                    dbf=shown[".dbf"],
                    records=reader.numRecords,
                )
                raise InterchangeError(said)
            records = reader.iterRecords(deleted_as_None=True)
            pairs = zip(reader.iterShapes(), records, strict=True)  # counts checked above
            for number, (shape, record) in enumerate(pairs, 1):
                if record is None:
                    continue
                point, footprint = _geometry(shape, move)
                values = dict(zip(headers, list(record), strict=False))
                rows.append(RawRow(number, values, point=point, footprint=footprint))
    except UnicodeDecodeError:
        said = Message("shp_encoding", file=path.name, dbf=shown[".dbf"], encoding=encoding)
        raise InterchangeError(said) from None
    except InterchangeError:
        raise
    except Exception as exc:  # pyshp raises many types for a damaged file
        raise InterchangeError(Message("shp_damaged", file=path.name, shp=shown[".shp"])) from exc
    return headers, rows


def _geometry(
    shape: Any, move: Move | None
) -> tuple[tuple[float, float] | None, dict[str, Any] | None]:
    """A point, or a polygon's footprint and representative point, in the CRS of the rows."""
    same: Move = lambda x, y: (x, y)  # noqa: E731
    if shape.shapeType in POINTS and shape.points:
        x, y = shape.points[0][:2]
        return (move or same)(float(x), float(y)), None
    if shape.shapeType in POLYGONS and shape.points:
        geo = shape.__geo_interface__
        moved = {"type": geo["type"], "coordinates": _positions(geo["coordinates"], move or same)}
        return geometry_parts(moved)
    return None, None


def _positions(value: Sequence[Any], move: Move) -> list[Any]:
    """Nested coordinate sequences as lists, every position moved."""
    if value and isinstance(value[0], int | float):
        return list(move(float(value[0]), float(value[1])))
    return [_positions(v, move) for v in value]
