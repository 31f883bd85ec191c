"""The location of an import row: coordinates in any written form, in the file's CRS, checked to
be a point in China the right way round, and converted to WGS-84.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from redres.catalog.io.rows import RawRow, RowContext, RowError
from redres.geo import out_of_china, parse_angle, to_wgs84


def locate(
    raw: RawRow, data: dict[str, Any], header_of: Mapping[str, str], ctx: RowContext
) -> list[RowError]:
    """Parse, convert and sanity-check the location into data['lon'], data['lat']."""
    lon_raw, lat_raw = data.pop("lon", None), data.pop("lat", None)
    lon_h, lat_h = header_of.get("lon"), header_of.get("lat")
    if lon_raw is None and lat_raw is None:
        if raw.point is None:
            return []
        lon, lat = raw.point
        lon_h = lat_h = None
        shown: Any = f"{lon}, {lat}"
    else:
        errors: list[RowError] = []
        if (lon_raw is None) != (lat_raw is None):
            missing, header = ("lat", lat_h) if lat_raw is None else ("lon", lon_h)
            given = lon_raw if lat_raw is None else lat_raw
            reason = f"{missing} is missing while the other coordinate is given"
            return [RowError(raw.number, header or missing, given, reason)]
        lon_v = _angle(raw.number, lon_h, lon_raw, "lon", errors)
        lat_v = _angle(raw.number, lat_h, lat_raw, "lat", errors)
        if errors or lon_v is None or lat_v is None:
            return errors
        lon, lat = lon_v, lat_v
        shown = f"{lon_raw}, {lat_raw}"
    column = f"{lon_h}/{lat_h}" if lon_h and lat_h else "geometry"
    if ctx.crs in ("wgs84", "gcj02", "bd09") and _swapped(lon, lat):
        reason = "longitude and latitude look swapped (the point lies in China the other way round)"
        return [RowError(raw.number, column, shown, reason)]
    try:
        point = to_wgs84(lon, lat, ctx.crs)
    except ValueError as exc:
        return [RowError(raw.number, column, shown, str(exc))]
    wlon, wlat = point.lon, point.lat
    if not (math.isfinite(wlon) and math.isfinite(wlat)):
        return [RowError(raw.number, column, shown, f"not a point in {ctx.crs}")]
    if ctx.crs != "wgs84":
        wlon, wlat = round(wlon, 7), round(wlat, 7)
    if _swapped(wlon, wlat):
        reason = "longitude and latitude look swapped (the point lies in China the other way round)"
        return [RowError(raw.number, column, shown, reason)]
    if out_of_china(wlon, wlat):
        return [RowError(raw.number, column, shown, "point is outside China")]
    data["lon"], data["lat"] = wlon, wlat
    if ctx.crs != "wgs84" and "point_crs" not in header_of:
        data["point_crs"] = ctx.crs  # converted: record the system the survey gave it in
    return []


def _angle(
    row: int, header: str | None, value: Any, axis: str, errors: list[RowError]
) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        angle = parse_angle(str(value))
    except ValueError as exc:
        errors.append(RowError(row, header or axis, value, str(exc)))
        return None
    if angle.axis is not None and angle.axis != axis:
        reason = f"a {angle.axis} value in the {axis} column: longitude and latitude look swapped"
        errors.append(RowError(row, header or axis, value, reason))
        return None
    return angle.degrees


def _swapped(lon: float, lat: float) -> bool:
    return out_of_china(lon, lat) and not out_of_china(lat, lon)
