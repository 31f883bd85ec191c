"""Coordinate systems used in China (WGS-84, GCJ-02, BD-09), distances and bounding boxes.

Chinese map services publish coordinates in GCJ-02 (Amap, Tencent) or BD-09 (Baidu), which
sit a few hundred metres off true WGS-84 positions. redres stores WGS-84 only, so input is
converted on the way in with the published forward formulas and an iterative inverse.
"""

from __future__ import annotations

import math
from typing import NamedTuple

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), for great-circle distances."""

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_BD_X_PI = math.pi * 3000.0 / 180.0


class LonLat(NamedTuple):
    """A longitude/latitude pair in degrees."""

    lon: float
    lat: float


class BBox(NamedTuple):
    """A bounding box in degrees: min lon, min lat, max lon, max lat."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def out_of_china(lon: float, lat: float) -> bool:
    """Whether the GCJ-02 shift does not apply (the published rule's rough China rectangle)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def wgs84_to_gcj02(lon: float, lat: float) -> LonLat:
    """Shift a WGS-84 point to GCJ-02 with the published forward formula.

    Examples
    --------
    >>> p = wgs84_to_gcj02(114.29302, 30.55339)
    >>> round(p.lon, 5), round(p.lat, 5)
    (114.29845, 30.55095)
    """
    if out_of_china(lon, lat):
        return LonLat(lon, lat)
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = math.radians(lat)
    magic = 1 - _KRASOVSKY_EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_KRASOVSKY_A / sqrtmagic * math.cos(radlat) * math.pi)
    return LonLat(lon + dlon, lat + dlat)


def gcj02_to_wgs84(lon: float, lat: float) -> LonLat:
    """Invert GCJ-02 by fixed-point iteration; converges to well under a millimetre.

    Examples
    --------
    >>> g = wgs84_to_gcj02(114.3, 30.6)
    >>> w = gcj02_to_wgs84(*g)
    >>> distance_m(114.3, 30.6, *w) < 0.01
    True
    """
    if out_of_china(lon, lat):
        return LonLat(lon, lat)
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = lon - glon, lat - glat
        wlon, wlat = wlon + dlon, wlat + dlat
        if abs(dlon) < 1e-10 and abs(dlat) < 1e-10:
            break
    return LonLat(wlon, wlat)


def gcj02_to_bd09(lon: float, lat: float) -> LonLat:
    """Baidu's published shift from GCJ-02 to BD-09."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_X_PI)
    return LonLat(z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006)


def bd09_to_gcj02(lon: float, lat: float) -> LonLat:
    """Invert BD-09 by iteration on the forward formula (the closed form is off by metres)."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _BD_X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_X_PI)
    glon, glat = z * math.cos(theta), z * math.sin(theta)
    for _ in range(30):
        blon, blat = gcj02_to_bd09(glon, glat)
        dlon, dlat = lon - blon, lat - blat
        glon, glat = glon + dlon, glat + dlat
        if abs(dlon) < 1e-10 and abs(dlat) < 1e-10:
            break
    return LonLat(glon, glat)


def wgs84_to_bd09(lon: float, lat: float) -> LonLat:
    """WGS-84 to BD-09 through GCJ-02, as Baidu defines it."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: float, lat: float) -> LonLat:
    """BD-09 to WGS-84 through GCJ-02."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def to_wgs84(lon: float, lat: float, crs: str) -> LonLat:
    """Convert a point given in `crs` ('wgs84', 'gcj02' or 'bd09') to WGS-84.

    Raises
    ------
    ValueError
        For a CRS name redres does not know.
    """
    name = crs.strip().lower().replace("-", "").replace("_", "")
    if name in ("wgs84", "epsg:4326", "4326"):
        return LonLat(lon, lat)
    if name in ("gcj02", "gcj"):
        return gcj02_to_wgs84(lon, lat)
    if name in ("bd09", "bd", "baidu"):
        return bd09_to_wgs84(lon, lat)
    msg = f"unknown coordinate system {crs!r}; expected wgs84, gcj02 or bd09"
    raise ValueError(msg)


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres.

    Examples
    --------
    >>> round(distance_m(114.0, 30.0, 114.0, 31.0))
    111195
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(lon: float, lat: float, radius_m: float) -> BBox:
    """The smallest lon/lat box that holds every point within `radius_m` of (lon, lat).

    Used to pre-filter radius queries with an ordinary index before exact distances.
    """
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = math.cos(math.radians(min(89.0, abs(lat) + dlat)))
    dlon = 180.0 if coslat <= 0 else min(180.0, math.degrees(radius_m / (EARTH_RADIUS_M * coslat)))
    return BBox(lon - dlon, max(-90.0, lat - dlat), lon + dlon, min(90.0, lat + dlat))


def valid_lon_lat(lon: float, lat: float) -> bool:
    """Whether a pair is a finite point on Earth."""
    return (
        math.isfinite(lon)
        and math.isfinite(lat)
        and -180.0 <= lon <= 180.0
        and -90.0 <= lat <= 90.0
    )


def parse_bbox(raw: str) -> BBox:
    """A `minlon,minlat,maxlon,maxlat` string as a BBox.

    Raises
    ------
    ValueError
        When it is not four numbers.
    """
    return BBox(*_parse_floats(raw, 4, "bbox"))


def parse_lon_lat(raw: str) -> LonLat:
    """A `lon,lat` string as a LonLat.

    Raises
    ------
    ValueError
        When it is not two numbers.
    """
    return LonLat(*_parse_floats(raw, 2, "point"))


def _parse_floats(raw: str, n: int, name: str) -> list[float]:
    try:
        values = [float(p) for p in raw.split(",")]
    except ValueError:
        values = []
    if len(values) != n or not all(math.isfinite(v) for v in values):
        msg = f"{name} {raw!r} must be {n} comma-separated numbers"
        raise ValueError(msg)
    return values


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret
