"""Coordinate systems: published test vectors, round trips over a grid covering China, EPSG, DMS."""

from __future__ import annotations

import math

import pytest

from redres.geo import (
    CGCS2000,
    bd09_to_gcj02,
    bd09_to_wgs84,
    distance_m,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    normalise_crs,
    out_of_china,
    parse_angle,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

# googollee/eviltransform, python/test.py `TESTS` (wgsLat, wgsLng, gcjLat, gcjLng):
# https://github.com/googollee/eviltransform (the reference implementation most ports copy).
EVILTRANSFORM_WGS_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]

# wandergis/coordtransform, test/app.js: each function applied to (116.404, 39.915) and the
# printed results. Its inverses are one-step approximations, so those are checked to 0.5 m.
COORDTRANSFORM_INPUT = (116.404, 39.915)
COORDTRANSFORM = {
    "wgs84togcj02": (116.41024449916938, 39.91640428150164),
    "gcj02tobd09": (116.41036949371029, 39.92133699351021),
    "bd09togcj02": (116.39762729119315, 39.90865673957631),
    "gcj02towgs84": (116.39775550083061, 39.91359571849836),
}


def _grid() -> list[tuple[float, float]]:
    """Every 0.5 degree over mainland China's box (73-135 E, 18-54 N): 9,000 points."""
    return [(73.0 + 0.5 * i + 0.123, 18.0 + 0.5 * j + 0.077) for i in range(125) for j in range(72)]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), EVILTRANSFORM_WGS_GCJ)
def test_gcj02_forward_matches_eviltransform(
    wlat: float, wlon: float, glat: float, glon: float
) -> None:
    g = wgs84_to_gcj02(wlon, wlat)
    assert g.lon == pytest.approx(glon, abs=1e-9)
    assert g.lat == pytest.approx(glat, abs=1e-9)
    back = gcj02_to_wgs84(glon, glat)
    assert distance_m(back.lon, back.lat, wlon, wlat) < 0.01


def test_forward_formulas_match_coordtransform() -> None:
    lon, lat = COORDTRANSFORM_INPUT
    assert tuple(wgs84_to_gcj02(lon, lat)) == pytest.approx(
        COORDTRANSFORM["wgs84togcj02"], abs=1e-9
    )
    assert tuple(gcj02_to_bd09(lon, lat)) == pytest.approx(COORDTRANSFORM["gcj02tobd09"], abs=1e-9)


@pytest.mark.parametrize(
    ("name", "inverse"), [("bd09togcj02", bd09_to_gcj02), ("gcj02towgs84", gcj02_to_wgs84)]
)
def test_inverses_agree_with_coordtransform_approximations(name: str, inverse: object) -> None:
    lon, lat = COORDTRANSFORM_INPUT
    got = inverse(lon, lat)  # type: ignore[operator]
    assert distance_m(*got, *COORDTRANSFORM[name]) < 0.5


def test_gcj02_inverse_is_within_half_a_metre_over_china() -> None:
    worst = 0.0
    for lon, lat in _grid():
        back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
        worst = max(worst, distance_m(lon, lat, *back))
    assert worst < 0.5
    assert worst < 0.001  # in fact well under a millimetre


def test_bd09_inverse_is_within_half_a_metre_over_china() -> None:
    worst = 0.0
    for lon, lat in _grid():
        back = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
        worst = max(worst, distance_m(lon, lat, *back))
    assert worst < 0.5


def test_shift_is_hundreds_of_metres_in_cities_and_none_abroad() -> None:
    wuhan = (114.30565, 30.59276)
    assert 100 < distance_m(*wuhan, *wgs84_to_gcj02(*wuhan)) < 700
    assert 100 < distance_m(*wuhan, *wgs84_to_bd09(*wuhan)) < 1500
    paris = (2.35, 48.85)
    assert out_of_china(*paris)
    assert tuple(wgs84_to_gcj02(*paris)) == paris
    assert tuple(gcj02_to_wgs84(*paris)) == paris


@pytest.mark.parametrize(
    "crs", ["wgs84", "gcj02", "bd09", "EPSG:4490", "EPSG:4326", "EPSG:3857", "EPSG:4547"]
)
def test_to_and_from_wgs84_round_trip(crs: str) -> None:
    lon, lat = 114.30565, 30.59276
    there = from_wgs84(lon, lat, crs)
    back = to_wgs84(there.lon, there.lat, crs)
    assert distance_m(lon, lat, *back) < 0.01


def test_cgcs2000_is_wgs84_to_centimetres() -> None:
    p = to_wgs84(114.30565, 30.59276, CGCS2000)
    assert distance_m(114.30565, 30.59276, *p) < 0.05
    metres = from_wgs84(114.30565, 30.59276, "EPSG:3857")
    assert metres.lon == pytest.approx(math.radians(114.30565) * 6378137.0, abs=0.01)  # Mercator x


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("GCJ-02", "gcj02"),
        ("bd09", "bd09"),
        ("WGS84", "wgs84"),
        ("epsg:4490", "EPSG:4490"),
        ("EPSG:4326", "wgs84"),
    ],
)
def test_normalise_crs(raw: str, expected: str) -> None:
    assert normalise_crs(raw) == expected


@pytest.mark.parametrize("raw", ["mars", "EPSG:999999", "EPSG:"])
def test_unknown_crs_is_refused_naming_it(raw: str) -> None:
    with pytest.raises(ValueError, match="unknown"):
        normalise_crs(raw)
    with pytest.raises(ValueError, match="unknown"):
        to_wgs84(114.0, 30.0, raw)


@pytest.mark.parametrize(
    ("raw", "degrees", "axis"),
    [
        ("114°18'20.5\"E", 114 + 18 / 60 + 20.5 / 3600, "lon"),
        ("114°18′20.5″E", 114 + 18 / 60 + 20.5 / 3600, "lon"),
        ("东经114度18分20.5秒", 114 + 18 / 60 + 20.5 / 3600, "lon"),
        ("N 30°35'34\"", 30 + 35 / 60 + 34 / 3600, "lat"),
        ("30 35 34 N", 30 + 35 / 60 + 34 / 3600, "lat"),
        ("12°30'S", -12.5, "lat"),
        ("114.30565", 114.30565, None),
        ("-30.5", -30.5, None),
        ("114d18m20.5s", 114 + 18 / 60 + 20.5 / 3600, None),
    ],
)
def test_parse_angle(raw: str, degrees: float, axis: str | None) -> None:
    got = parse_angle(raw)
    assert math.isclose(got.degrees, degrees, abs_tol=1e-9)
    assert got.axis == axis


@pytest.mark.parametrize("raw", ["", "abc", "114°61'", "114°10'75\"", "N114E", "nan"])
def test_bad_angles_are_refused_quoting_them(raw: str) -> None:
    with pytest.raises(ValueError, match="coordinate"):
        parse_angle(raw)
