"""Coordinate systems used in China (WGS-84, GCJ-02, BD-09), distances and bounding boxes.

Chinese map services publish coordinates in GCJ-02 (Amap, Tencent) or BD-09 (Baidu), which
sit a few hundred metres off true WGS-84 positions. redres stores WGS-84 only, so input is
converted on the way in with the published forward formulas and an iterative inverse.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from redres.messages import Message

if TYPE_CHECKING:
    from pyproj import Transformer

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
    """Convert a point given in `crs` ('wgs84', 'gcj02', 'bd09' or 'EPSG:n') to WGS-84.

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
    epsg = _epsg_code(name)
    if epsg is not None:
        x, y = _transformer(epsg, 4326).transform(lon, lat)
        return LonLat(float(x), float(y))
    raise ValueError(Message("crs_unknown", crs=crs))


def from_wgs84(lon: float, lat: float, crs: str) -> LonLat:
    """Convert a WGS-84 point to `crs` ('wgs84', 'gcj02', 'bd09' or 'EPSG:n'), for exports.

    Raises
    ------
    ValueError
        For a CRS name redres does not know.

    Examples
    --------
    >>> p = from_wgs84(114.29302, 30.55339, "gcj02")
    >>> round(p.lon, 5), round(p.lat, 5)
    (114.29845, 30.55095)
    """
    name = crs.strip().lower().replace("-", "").replace("_", "")
    if name in ("wgs84", "epsg:4326", "4326"):
        return LonLat(lon, lat)
    if name in ("gcj02", "gcj"):
        return wgs84_to_gcj02(lon, lat)
    if name in ("bd09", "bd", "baidu"):
        return wgs84_to_bd09(lon, lat)
    epsg = _epsg_code(name)
    if epsg is not None:
        x, y = _transformer(4326, epsg).transform(lon, lat)
        return LonLat(float(x), float(y))
    raise ValueError(Message("crs_unknown", crs=crs))


def normalise_crs(crs: str) -> str:
    """The canonical spelling of a CRS name: 'wgs84', 'gcj02', 'bd09' or 'EPSG:n'.

    Checking the name once, up front, lets a bulk import refuse a bad `--crs` before it reads
    a single row.

    Raises
    ------
    ValueError
        For a CRS name redres does not know, or an EPSG code pyproj does not know.

    Examples
    --------
    >>> normalise_crs("GCJ-02"), normalise_crs("epsg:4490"), normalise_crs("EPSG:4326")
    ('gcj02', 'EPSG:4490', 'wgs84')
    """
    name = crs.strip().lower().replace("-", "").replace("_", "")
    if name in ("wgs84", "epsg:4326", "4326"):
        return "wgs84"
    if name in ("gcj02", "gcj"):
        return "gcj02"
    if name in ("bd09", "bd", "baidu"):
        return "bd09"
    epsg = _epsg_code(name)
    if epsg is not None:
        _transformer(epsg, 4326)  # raises ValueError for codes pyproj does not know
        return f"EPSG:{epsg}"
    raise ValueError(Message("crs_unknown", crs=crs))


CGCS2000 = "EPSG:4490"
"""China Geodetic Coordinate System 2000, the national datum; within centimetres of WGS-84."""

_DMS_RE = re.compile(
    r"""^\s*(?P<h1>[NSEW东西南北])?\s*[+]?(?P<sign>-)?\s*
    (?P<deg>\d+(?:\.\d+)?)\s*(?:°|度|º|d|\s)\s*
    (?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|分|m|\s)\s*)?
    (?:(?P<sec>\d+(?:\.\d+)?)\s*(?:"|″|”|''|′′|秒|s)?\s*)?
    (?P<h2>[NSEW东西南北])?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_HEMISPHERE = {"n": 1, "e": 1, "s": -1, "w": -1, "北": 1, "东": 1, "南": -1, "西": -1}
_AXIS = {
    "n": "lat",
    "s": "lat",
    "北": "lat",
    "南": "lat",
    "e": "lon",
    "w": "lon",
    "东": "lon",
    "西": "lon",
}


class Angle(NamedTuple):
    """A parsed coordinate: decimal degrees and the axis its hemisphere letter names, if any."""

    degrees: float
    axis: str | None


def parse_angle(raw: str) -> Angle:
    r"""Decimal degrees or a degree-minute-second string as signed decimal degrees.

    Survey sheets write coordinates every way: `114.30565`, `114°18'20.5"E`, `东经114度18分20.5秒`,
    `30 33 12 N`. The hemisphere letter, when present, also says which axis the value is, so a
    caller can catch swapped columns.

    Raises
    ------
    ValueError
        When the text is not an angle, or minutes/seconds are 60 or more.

    Examples
    --------
    >>> parse_angle("114°18'20.5\"E")
    Angle(degrees=114.30569444444444, axis='lon')
    >>> parse_angle("南纬 12°30′").degrees
    -12.5
    >>> parse_angle("-30.5")
    Angle(degrees=-30.5, axis=None)
    """
    text = raw.strip().replace("东经", "E").replace("西经", "W").replace("北纬", "N")
    text = text.replace("南纬", "S")
    try:
        value = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(value):
            raise ValueError(Message("coord_not_finite", raw=raw))
        return Angle(value, None)
    m = _DMS_RE.match(text)
    if m is None or (m.group("h1") and m.group("h2")):
        raise ValueError(Message("coord_unreadable", raw=raw))
    minutes = float(m.group("min") or 0)
    seconds = float(m.group("sec") or 0)
    if minutes >= 60 or seconds >= 60:
        raise ValueError(Message("coord_minutes", raw=raw))
    value = float(m.group("deg")) + minutes / 60 + seconds / 3600
    hemi = (m.group("h1") or m.group("h2") or "").lower()
    sign = _HEMISPHERE.get(hemi, 1) * (-1 if m.group("sign") else 1)
    return Angle(sign * value, _AXIS.get(hemi))


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


def _epsg_code(name: str) -> int | None:
    """The number of an 'epsg:n' name (already lower-cased), or None for other names."""
    if name.startswith("epsg:") and name[5:].isdigit():
        return int(name[5:])
    return None


@lru_cache(maxsize=32)
def _transformer(source: int, target: int) -> Transformer:
    """A cached lon/lat-ordered pyproj transformer; building one costs milliseconds."""
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        return Transformer.from_crs(source, target, always_xy=True)
    except CRSError as exc:
        code = source if target == 4326 else target
        raise ValueError(Message("crs_epsg", code=code)) from exc


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
