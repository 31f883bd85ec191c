"""Coordinate files that name places rather than key them: a list of units with a name, a
province and a point, as third parties publish them for the national key units.

Two layouts seen in the wild are recognised and their coordinate system is known from their
documentation (../shared/data/national/SOURCES.md): objects with `NAME`/`PROJ`/`LON`/`LAT`
(WGS-84) and objects with `name`/`province`/`value: [lon, lat, ...]` (GCJ-02). Any other JSON
list or CSV works with columns named name/名称, province/省份, lon/经度, lat/纬度, and the caller
must say its coordinate system.
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redres.geo import normalise_crs, to_wgs84
from redres.messages import Message

MAX_BYTES = 100 * 1024 * 1024
_NAME_KEYS = ("name", "NAME", "名称", "单位名称")
_PROVINCE_KEYS = ("province", "PROJ", "省份", "省")
_LON_KEYS = ("lon", "LON", "lng", "经度")
_LAT_KEYS = ("lat", "LAT", "纬度")


class PointsFileError(ValueError):
    """A points file that cannot be read; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class ThirdPartyPoint:
    """One named point, converted to WGS-84; `shared` when other rows carry the same point."""

    name: str
    province: str
    lon: float
    lat: float
    shared: bool


@dataclass(frozen=True, slots=True)
class PointsFile:
    """The points of one file and the coordinate system they were given in."""

    points: tuple[ThirdPartyPoint, ...]
    crs: str
    crs_inferred: bool
    """True when the system was taken from the file's known layout, not told by the user."""


def match_key(name: str, province: str) -> tuple[str, str]:
    """How a unit is matched: its name without spaces or punctuation width, and the first two
    characters of its province (unique among China's provinces: 内蒙, 黑龙, 广西 ...)."""
    plain = "".join(unicodedata.normalize("NFKC", name).split())
    for quote in "\"'“”‘’「」":
        plain = plain.replace(quote, "")
    return plain, unicodedata.normalize("NFKC", province).strip()[:2]


def read_points(path: Path, crs: str | None = None) -> PointsFile:
    """The named points in `path` (JSON list or CSV), converted to WGS-84.

    Raises
    ------
    PointsFileError
        For an unreadable file, an unknown layout without `crs`, or rows without a usable point.
    """
    if path.stat().st_size > MAX_BYTES:
        raise PointsFileError(Message("points_too_large", file=path.name, limit=MAX_BYTES // 2**20))
    rows = _rows(path)
    layout_crs = _layout_crs(rows[0]) if rows else None
    if crs is None and layout_crs is None:
        raise PointsFileError(Message("points_layout", file=path.name))
    system = normalise_crs(crs) if crs else str(layout_crs)
    raw = [_point(row, i) for i, row in enumerate(rows, start=1)]
    counts = Counter((round(lon, 6), round(lat, 6)) for _, _, lon, lat in raw)
    points = []
    for name, province, lon, lat in raw:
        wgs = to_wgs84(lon, lat, system)
        shared = counts[(round(lon, 6), round(lat, 6))] > 1
        points.append(ThirdPartyPoint(name, province, wgs.lon, wgs.lat, shared))
    return PointsFile(tuple(points), system, crs_inferred=crs is None)


def _rows(path: Path) -> list[dict[str, Any]]:
    """The file's records as dicts."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="strict") if raw else ""
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            data = json.loads(text)
            if not all(isinstance(r, dict) for r in data):
                raise PointsFileError(Message("points_not_list", file=path.name))
            return list(data)
        return list(csv.DictReader(text.splitlines()))
    except (json.JSONDecodeError, csv.Error) as exc:
        raise PointsFileError(Message("points_unreadable", file=path.name)) from exc


def _layout_crs(row: dict[str, Any]) -> str | None:
    """The coordinate system a known third-party layout is documented to use."""
    if {"NAME", "PROJ", "LON", "LAT"} <= row.keys():
        return "wgs84"  # moonlight216 proj.json: WGS-84 (SOURCES.md, section 1)
    if {"name", "province", "value"} <= row.keys():
        return "gcj02"  # myagipey relics_data.json: GCJ-02 (SOURCES.md, section 2)
    return None


def _point(row: dict[str, Any], number: int) -> tuple[str, str, float, float]:
    """Name, province and the point as given, from whichever columns the row has."""
    name = next((str(row[k]) for k in _NAME_KEYS if row.get(k)), "")
    province = next((str(row[k]) for k in _PROVINCE_KEYS if row.get(k)), "")
    value = row.get("value")
    try:
        if isinstance(value, list) and len(value) >= 2:
            lon, lat = float(value[0]), float(value[1])
        else:
            lon = float(next(row[k] for k in _LON_KEYS if row.get(k) not in (None, "")))
            lat = float(next(row[k] for k in _LAT_KEYS if row.get(k) not in (None, "")))
    except (StopIteration, TypeError, ValueError) as exc:
        raise PointsFileError(Message("points_no_point", number=number)) from exc
    if not name or not province:
        raise PointsFileError(Message("points_no_name", number=number))
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise PointsFileError(Message("points_bad_point", number=number, lon=lon, lat=lat))
    return name, province, lon, lat
