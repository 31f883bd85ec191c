"""The location of an import row: coordinates in any written form, in the file's CRS, checked to
be a point in China the right way round, and converted to WGS-84.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from redres.catalog.io.rows import RawRow, RowContext, RowError
from redres.geo import out_of_china, parse_angle, to_wgs84
from redres.messages import Message, said


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
            reason = Message("loc_no_lat" if missing == "lat" else "loc_no_lon")
            return [RowError(raw.number, header or missing, given, reason)]
        lon_v = _angle(raw.number, lon_h, lon_raw, "lon", errors)
        lat_v = _angle(raw.number, lat_h, lat_raw, "lat", errors)
        if errors or lon_v is None or lat_v is None:
            return errors
        lon, lat = lon_v, lat_v
        shown = f"{lon_raw}, {lat_raw}"
    column = f"{lon_h}/{lat_h}" if lon_h and lat_h else "geometry"
    if ctx.crs in ("wgs84", "gcj02", "bd09") and _swapped(lon, lat):
        return [RowError(raw.number, column, shown, Message("loc_swapped"))]
    try:
        point = to_wgs84(lon, lat, ctx.crs)
    except ValueError as exc:
        return [RowError(raw.number, column, shown, said(exc))]
    wlon, wlat = point.lon, point.lat
    if not (math.isfinite(wlon) and math.isfinite(wlat)):
        return [RowError(raw.number, column, shown, Message("loc_not_point", crs=ctx.crs))]
    if ctx.crs != "wgs84":
        wlon, wlat = round(wlon, 7), round(wlat, 7)
    if _swapped(wlon, wlat):
        return [RowError(raw.number, column, shown, Message("loc_swapped"))]
    if out_of_china(wlon, wlat):
        return [RowError(raw.number, column, shown, Message("loc_outside"))]
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
        errors.append(RowError(row, header or axis, value, said(exc)))
        return None
    if angle.axis is not None and angle.axis != axis:
        reason = Message("loc_lat_in_lon" if axis == "lon" else "loc_lon_in_lat")
        errors.append(RowError(row, header or axis, value, reason))
        return None
    return angle.degrees


def _swapped(lon: float, lat: float) -> bool:
    return out_of_china(lon, lat) and not out_of_china(lat, lon)
