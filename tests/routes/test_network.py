"""Road networks from GIS line layers and OSM extracts: shortest paths, snapping, fallbacks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from redres.geo import LonLat, distance_m
from redres.hours.holidays_cn import default_calendar
from redres.routes.model import Candidate, Place, PlanRequest
from redres.routes.network import NetworkError, NetworkTravel, load_network, network_from_lines
from redres.routes.planner import PlannerParams, plan
from redres.routes.solver import SolveParams
from redres.routes.travel import StraightLineTravel

# An L-shaped street: east along 30.58 then north along 114.31; A and B sit at its two ends.
A, CORNER, B = (114.30, 30.58), (114.31, 30.58), (114.31, 30.59)
STREET = [A, (114.305, 30.58), CORNER, (114.31, 30.585), B]

OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="30.58" lon="114.30" version="1"/>
 <node id="2" lat="30.58" lon="114.31" version="1"/>
 <node id="3" lat="30.59" lon="114.31" version="1"/>
 <node id="4" lat="30.70" lon="114.50" version="1"/>
 <node id="5" lat="30.71" lon="114.50" version="1"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way>
 <way id="11" version="1"><nd ref="4"/><nd ref="5"/><tag k="waterway" v="river"/></way>
</osm>
"""


def _leg_length() -> float:
    return distance_m(*A, *CORNER) + distance_m(*CORNER, *B)


@pytest.mark.parametrize(
    ("ext", "driver"), [("gpkg", "GPKG"), ("geojson", "GeoJSON"), ("shp", "ESRI Shapefile")]
)
def test_line_layers_give_shortest_paths_with_geometry(
    tmp_path: Path, ext: str, driver: str
) -> None:
    path = tmp_path / f"roads.{ext}"
    frame = gpd.GeoDataFrame({"name": ["街道"]}, geometry=[LineString(STREET)], crs=4326)
    frame.to_file(path, driver=driver, engine="pyogrio")
    travel = NetworkTravel(load_network(path))
    m = travel.matrix([LonLat(*A), LonLat(*B)], "walk")
    assert float(m.metres[0, 1]) == pytest.approx(_leg_length(), rel=1e-6)
    assert float(m.minutes[0, 1]) == pytest.approx(_leg_length() / 75.0, rel=1e-6)
    assert CORNER in m.geometry(0, 1)
    assert m.geometry(0, 1)[0] == A
    assert m.geometry(0, 1)[-1] == B


def test_projected_layers_are_reprojected(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(geometry=[LineString(STREET)], crs=4326).to_crs(32650)
    frame.to_file(tmp_path / "utm.gpkg", engine="pyogrio")
    net = load_network(tmp_path / "utm.gpkg")
    assert net.coords[:, 0].min() == pytest.approx(114.30, abs=1e-6)


def test_osm_extract_reads_highways_only(tmp_path: Path) -> None:
    path = tmp_path / "tiny.osm"
    path.write_text(OSM, encoding="utf-8")
    net = load_network(path)
    assert net.graph.number_of_edges() == 2  # the river is not a road
    m = NetworkTravel(net).matrix([LonLat(*A), LonLat(*B)], "drive")
    assert float(m.metres[0, 1]) == pytest.approx(_leg_length(), rel=1e-4)
    assert float(m.minutes[0, 1]) > 5  # the drive overhead is added


def test_snap_offsets_and_fallbacks() -> None:
    net = network_from_lines([STREET, [(115.0, 31.0), (115.01, 31.0)]])
    travel = NetworkTravel(net, max_snap_m=500)
    near_a = LonLat(114.30, 30.581)  # ~111 m north of A
    far = LonLat(113.0, 30.0)
    island = LonLat(115.0, 31.0)
    m = travel.matrix([near_a, LonLat(*B), far, island], "walk")
    assert float(m.metres[0, 1]) == pytest.approx(_leg_length() + distance_m(114.30, 30.581, *A))
    straight = StraightLineTravel().matrix([near_a, LonLat(*B), far, island], "walk")
    assert float(m.metres[0, 2]) == pytest.approx(float(straight.metres[0, 2]))  # too far to snap
    assert float(m.metres[0, 3]) == pytest.approx(float(straight.metres[0, 3]))  # not connected


def test_empty_layer_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "none.osm"
    path.write_text(OSM.replace('k="highway"', 'k="barrier"'), encoding="utf-8")
    with pytest.raises(NetworkError, match="no line geometries"):
        load_network(path)


def test_planner_uses_network_legs() -> None:
    site = Candidate(1, "b", "B", B[0], B[1], 1.0, 30)
    request = PlanRequest({"t": 1.0}, dt.date(2025, 6, 3), start=Place(*A))
    it = plan(
        request,
        [site],
        travel=NetworkTravel(network_from_lines([STREET])),
        calendar=default_calendar(),
        today=dt.date(2025, 6, 1),
        params=PlannerParams(solve=SolveParams(time_limit=0.1)),
    )
    first = it.days[0].legs[0]
    assert first.metres == pytest.approx(_leg_length(), rel=1e-6)
    assert CORNER in first.geometry
