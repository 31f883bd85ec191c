"""The bundled Wuhan road network: legs cross the rivers on real crossings, walks avoid the
tunnels, points snap to the nearest edge, and a network is read once per process."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from redres.config import Settings
from redres.geo import LonLat, distance_m
from redres.routes.network import NetworkTravel, RoadNetwork, network_from_lines
from redres.routes.road_source import BUNDLED, cached_network, network_path, travel_model
from redres.routes.travel import DEFAULT_CIRCUITY, StraightLineTravel

ROADS = Settings().data_dir / BUNDLED
AUGUST_7 = LonLat(114.2944, 30.58899)  # 八七会议会址, Hankou
FIFTH_CONGRESS = LonLat(114.29302, 30.55339)  # 中共五大会址, Wuchang

Pair = frozenset[tuple[float, float]]


@pytest.fixture(scope="module")
def wuhan() -> RoadNetwork:
    return cached_network(ROADS)


@pytest.fixture(scope="module")
def crossings() -> dict[str, set[Pair]]:
    """The road segments of every Yangtze crossing, keyed ``bridge`` and ``tunnel``."""
    frame = gpd.read_file(ROADS, engine="pyogrio")
    found: dict[str, set[Pair]] = {"bridge": set(), "tunnel": set()}
    for geom, crossing in zip(frame.geometry, frame["crossing"], strict=True):
        if not isinstance(crossing, str) or not crossing.startswith("yangtze_"):
            continue
        kind = "tunnel" if "tunnel" in crossing else "bridge"
        coords = [(round(x, 7), round(y, 7)) for x, y, *_ in geom.coords]
        found[kind] |= {frozenset(p) for p in itertools.pairwise(coords)}
    return found


def segments(line: tuple[tuple[float, float], ...]) -> set[Pair]:
    coords = [(round(x, 7), round(y, 7)) for x, y in line]
    return {frozenset(p) for p in itertools.pairwise(coords)}


def test_the_bundled_network_ships_with_its_odbl_attribution() -> None:
    attribution = (ROADS.parent / "ATTRIBUTION.txt").read_text(encoding="utf-8")
    assert "OpenStreetMap contributors" in attribution
    assert "ODbL" in attribution
    assert (ROADS.parent / "PROVENANCE.md").is_file()
    assert ROADS.stat().st_size < 4_000_000


def test_a_bus_leg_across_the_yangtze_follows_the_roads_over_a_crossing(
    wuhan: RoadNetwork, crossings: dict[str, set[Pair]]
) -> None:
    m = NetworkTravel(wuhan).matrix([AUGUST_7, FIFTH_CONGRESS], "bus")
    straight = distance_m(AUGUST_7.lon, AUGUST_7.lat, FIFTH_CONGRESS.lon, FIFTH_CONGRESS.lat)
    ruler = StraightLineTravel().matrix([AUGUST_7, FIFTH_CONGRESS], "bus")
    assert float(m.metres[0, 1]) > straight
    assert float(m.metres[0, 1]) > float(ruler.metres[0, 1])  # more than even the ruler's guess
    line = m.geometry(0, 1)
    assert line[0] == (AUGUST_7.lon, AUGUST_7.lat)
    assert line[-1] == (FIFTH_CONGRESS.lon, FIFTH_CONGRESS.lat)
    assert len(line) > 10
    used = segments(line)
    assert used & (crossings["bridge"] | crossings["tunnel"])  # on the river, a real crossing
    length = sum(distance_m(*a, *b) for a, b in itertools.pairwise(line))
    assert length == pytest.approx(float(m.metres[0, 1]), rel=1e-4)  # the drawn line is the leg


def test_a_walk_across_the_yangtze_takes_a_bridge_never_a_tunnel(
    wuhan: RoadNetwork, crossings: dict[str, set[Pair]]
) -> None:
    travel = NetworkTravel(wuhan)
    walk = travel.matrix([AUGUST_7, FIFTH_CONGRESS], "walk")
    bus = travel.matrix([AUGUST_7, FIFTH_CONGRESS], "bus")
    for i, j in ((0, 1), (1, 0)):
        used = segments(walk.geometry(i, j))
        assert not used & crossings["tunnel"]
        assert used & crossings["bridge"]
    # drivers may take the shorter 长江隧道; walkers go round by a bridge
    assert float(walk.metres[0, 1]) > float(bus.metres[0, 1])
    assert float(walk.minutes[0, 1]) == pytest.approx(float(walk.metres[0, 1]) / 75.0)


def test_identical_points_are_a_zero_leg(wuhan: RoadNetwork) -> None:
    here = LonLat(114.2944, 30.58899)
    for mode in ("walk", "bus", "drive"):
        m = NetworkTravel(wuhan).matrix([here, LonLat(here.lon, here.lat)], mode)
        assert float(m.metres[0, 1]) == 0.0
        assert float(m.minutes[0, 1]) == 0.0
        assert len(m.geometry(0, 1)) == 2  # still a line a map can draw


def test_points_snap_to_the_nearest_edge_not_the_nearest_vertex() -> None:
    # one straight 2 km road; two entrances 20 m north of it, 200 m apart near its middle
    road = [(114.30, 30.58), (114.32, 30.58)]
    travel = NetworkTravel(network_from_lines([road]))
    north = 20 / 111_195
    a, b = LonLat(114.309, 30.58 + north), LonLat(114.311, 30.58 + north)
    m = travel.matrix([a, b], "bus")
    along = distance_m(114.309, 30.58, 114.311, 30.58)
    assert float(m.metres[0, 1]) == pytest.approx(along + 40.0, abs=0.5)
    walk_min, bus_min = 40.0 / 75.0, along / (18_000 / 60)
    assert float(m.minutes[0, 1]) == pytest.approx(walk_min + bus_min + 10.0, rel=1e-6)
    assert m.geometry(0, 1)[1] == pytest.approx((114.309, 30.58))


def test_neighbours_off_the_road_walk_straight_across() -> None:
    road = [(114.30, 30.58), (114.32, 30.58)]
    travel = NetworkTravel(network_from_lines([road]))
    a, b = LonLat(114.31, 30.583), LonLat(114.3101, 30.583)  # ~330 m from the road, 10 m apart
    m = travel.matrix([a, b], "coach")
    straight = distance_m(a.lon, a.lat, b.lon, b.lat)
    assert float(m.metres[0, 1]) == pytest.approx(straight * DEFAULT_CIRCUITY["walk"])
    assert m.geometry(0, 1) == ((a.lon, a.lat), (b.lon, b.lat))


def test_tunnel_lines_serve_drivers_only() -> None:
    # a short tunnel and a long way round between the same two ends
    tunnel = [(114.30, 30.58), (114.31, 30.58)]
    bridge = [(114.30, 30.58), (114.305, 30.59), (114.31, 30.58)]
    net = network_from_lines([tunnel, bridge], tunnel=[True, False])
    points = [LonLat(114.30, 30.58), LonLat(114.31, 30.58)]
    drive = NetworkTravel(net).matrix(points, "drive")
    walk = NetworkTravel(net).matrix(points, "walk")
    assert float(drive.metres[0, 1]) == pytest.approx(distance_m(*tunnel[0], *tunnel[1]))
    assert (114.305, 30.59) in walk.geometry(0, 1)
    assert (114.305, 30.59) not in drive.geometry(0, 1)


def test_the_network_is_read_once_and_again_when_the_file_changes(tmp_path: Path) -> None:
    copy = tmp_path / "roads.gpkg"
    shutil.copy(ROADS, copy)
    first = cached_network(copy)
    assert cached_network(copy) is first
    stamp = copy.stat().st_mtime_ns + 1_000_000_000
    os.utime(copy, ns=(stamp, stamp))
    assert cached_network(copy) is not first


def test_the_setting_chooses_the_network() -> None:
    assert network_path(Settings(road_network="none"), None) is None
    assert network_path(Settings(road_network=" NONE "), None) is None
    assert network_path(Settings(road_network="/srv/roads.gpkg"), None) == Path("/srv/roads.gpkg")
    assert network_path(Settings(), None) is None  # no catalogue said the demo is loaded
    assert travel_model(Settings(road_network="none"), None) is None


def test_an_unreadable_network_is_an_error_only_when_strict(tmp_path: Path) -> None:
    settings = Settings(road_network=str(tmp_path / "missing.gpkg"))
    assert travel_model(settings, None) is None  # the web app plans with straight lines
    with pytest.raises(ValueError, match="cannot be read"):
        travel_model(settings, None, strict=True)


def test_warm_up_reads_the_network_and_builds_both_indexes(tmp_path: Path) -> None:
    from redres.db import make_engine
    from redres.routes.road_source import warm_up

    copy = tmp_path / "warm.gpkg"
    shutil.copy(ROADS, copy)
    engine = make_engine("sqlite://")
    warm_up(Settings(road_network=str(copy)), engine)
    engine.dispose()
    network = cached_network(copy)
    assert set(network._indexes) == {False, True}  # built by the warm-up, before any plan
    assert network.index(walkable_only=True) is network.index(walkable_only=True)
