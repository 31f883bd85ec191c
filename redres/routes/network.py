"""Travel on a road network: a networkx graph from a GIS line layer or an OpenStreetMap extract.

Any line layer GDAL reads works (GeoPackage, GeoJSON, Shapefile; projected layers are
reprojected to WGS-84), and so does an ``.osm`` XML extract through GDAL's OSM driver (its
``lines`` layer, ways with a ``highway`` tag). Each consecutive pair of vertices becomes an
undirected edge weighted by its great-circle length, so a leg's geometry is the list of
vertices along its shortest path.

Points are snapped to the nearest graph vertex, and the stretch from the point to that vertex is
added as a straight line (the walk from the entrance to the road). A point farther than
`NetworkTravel.max_snap_m` from the network, or a pair in different components, falls back to
the straight-line model for that leg, logged, so a patchy extract never leaves a hole.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from redres.geo import LonLat, distance_m
from redres.routes.travel import StraightLineTravel, TravelMatrix, TravelParams

log = logging.getLogger(__name__)

Line = Sequence[tuple[float, float]]


class NetworkError(ValueError):
    """A file that holds no usable lines."""


@dataclass(frozen=True, slots=True)
class RoadNetwork:
    """An undirected graph: nodes carry ``x``/``y`` (lon/lat), edges ``length`` in metres."""

    graph: nx.Graph

    @property
    def coords(self) -> NDArray[np.float64]:
        """(N, 2) lon/lat of the nodes, in node order 0..N-1."""
        return np.array([(d["x"], d["y"]) for _, d in sorted(self.graph.nodes(data=True))])


def network_from_lines(lines: Iterable[Line], *, precision: int = 7) -> RoadNetwork:
    """Build a network from lines of (lon, lat) vertices; shared vertices join lines.

    Examples
    --------
    >>> net = network_from_lines([[(114.0, 30.0), (114.01, 30.0)], [(114.01, 30.0), (114.01, 30.01)]])
    >>> net.graph.number_of_nodes(), net.graph.number_of_edges()
    (3, 2)
    """
    graph = nx.Graph()
    ids: dict[tuple[float, float], int] = {}

    def node(x: float, y: float) -> int:
        key = (round(x, precision), round(y, precision))
        if key not in ids:
            ids[key] = len(ids)
            graph.add_node(ids[key], x=key[0], y=key[1])
        return ids[key]

    for line in lines:
        for (x1, y1), (x2, y2) in itertools.pairwise(line):
            a, b = node(x1, y1), node(x2, y2)
            if a != b:
                graph.add_edge(a, b, length=distance_m(x1, y1, x2, y2))
    return RoadNetwork(graph)


def load_network(path: str | os.PathLike[str], *, layer: str | None = None) -> RoadNetwork:
    """Read a line layer (or an .osm extract's ``lines``) into a `RoadNetwork`.

    Raises
    ------
    NetworkError
        When the file or layer cannot be read, or it has no line geometries.
    """
    import geopandas as gpd
    from shapely.geometry import LineString, MultiLineString

    osm = os.fspath(path).lower().endswith((".osm", ".pbf"))
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        frame = gpd.read_file(path, layer=layer or ("lines" if osm else None), engine="pyogrio")
    except (DataSourceError, DataLayerError) as exc:
        msg = f"cannot read a road network from {os.fspath(path)!r}: {exc}"
        raise NetworkError(msg) from exc
    if osm and "highway" in frame.columns:
        frame = frame[frame["highway"].notna()]
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    lines: list[Line] = []
    for geom in frame.geometry:
        if isinstance(geom, LineString):
            lines.append([(float(x), float(y)) for x, y, *_ in geom.coords])
        elif isinstance(geom, MultiLineString):
            lines += [[(float(x), float(y)) for x, y, *_ in part.coords] for part in geom.geoms]
    network = network_from_lines(lines)
    if network.graph.number_of_edges() == 0:
        msg = f"no line geometries in {os.fspath(path)!r}"
        raise NetworkError(msg)
    return network


@dataclass(frozen=True, slots=True)
class NetworkTravel:
    """Shortest paths on a `RoadNetwork` at the mode's speed, plus the mode's per-leg overhead."""

    network: RoadNetwork
    params: TravelParams = field(default_factory=TravelParams)
    max_snap_m: float = 1000.0

    def matrix(self, points: Sequence[LonLat], mode: str) -> TravelMatrix:
        """Minutes, metres and path geometry between every pair of `points`."""
        fallback = StraightLineTravel(self.params).matrix(points, mode)
        minutes, metres = fallback.minutes.copy(), fallback.metres.copy()
        geometries = dict(fallback.geometries)
        graph = self.network.graph
        coords = self.network.coords
        snaps = [self._snap(p, coords) for p in points]
        for i, (a, snap_a) in enumerate(zip(points, snaps, strict=True)):
            if snap_a is None:
                continue
            node_a, off_a = snap_a
            lengths, paths = nx.single_source_dijkstra(graph, node_a, weight="length")
            for j, (b, snap_b) in enumerate(zip(points, snaps, strict=True)):
                if i == j or snap_b is None:
                    continue
                node_b, off_b = snap_b
                if node_b not in lengths:
                    log.warning("points %d and %d are not connected; using a straight line", i, j)
                    continue
                road = off_a + float(lengths[node_b]) + off_b
                metres[i, j] = road
                minutes[i, j] = self.params.minutes(road, mode) + self.params.overhead(road, mode)
                nodes = [(graph.nodes[n]["x"], graph.nodes[n]["y"]) for n in paths[node_b]]
                geometries[i, j] = ((a.lon, a.lat), *nodes, (b.lon, b.lat))
        return TravelMatrix(minutes, metres, geometries)

    def _snap(self, point: LonLat, coords: NDArray[np.float64]) -> tuple[int, float] | None:
        if not len(coords):
            return None
        scale = np.cos(np.radians(point.lat))
        d2 = ((coords[:, 0] - point.lon) * scale) ** 2 + (coords[:, 1] - point.lat) ** 2
        node = int(np.argmin(d2))
        off = distance_m(point.lon, point.lat, float(coords[node, 0]), float(coords[node, 1]))
        if off > self.max_snap_m:
            log.warning("point %s is %.0f m from the network; using a straight line", point, off)
            return None
        return node, off
