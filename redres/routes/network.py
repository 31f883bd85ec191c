"""Travel on a road network: a networkx graph from a GIS line layer or an OpenStreetMap extract.

Any line layer GDAL reads works (GeoPackage, GeoJSON, Shapefile; projected layers are
reprojected to WGS-84), and so does an ``.osm`` XML extract through GDAL's OSM driver (its
``lines`` layer, ways with a ``highway`` tag). Each consecutive pair of vertices becomes an
undirected edge weighted by its great-circle length, so a leg's geometry is the list of
vertices along its shortest path. Lines whose ``crossing`` attribute names a tunnel (the
bundled Wuhan layer tags its river crossings so) or that OSM tags ``tunnel`` are marked: walking
and cycling legs never use them (the Yangtze tunnels are closed to both), bus, coach and drive
legs do.

A point snaps to the nearest *edge* (`redres.routes.road_index`); the stretch from the point to
the road is walked, so it counts at walking speed whatever the mode, and two points closer to
each other than to the road are simply walked between (identical points: a 0 m leg). A point
farther than `NetworkTravel.max_snap_m` from the network, or a pair the network cannot join,
falls back to the straight-line model for that leg, logged, so a patchy extract never leaves a
hole.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from redres.geo import LonLat, distance_m
from redres.routes.road_index import RoadIndex, Snap
from redres.routes.travel import StraightLineTravel, TravelMatrix, TravelParams

log = logging.getLogger(__name__)

Line = Sequence[tuple[float, float]]

FOOT_MODES = frozenset({"walk", "bike"})
"""Modes that may not use tunnels (the river tunnels are closed to walkers and cyclists)."""


class NetworkError(ValueError):
    """A file that holds no usable lines."""


@dataclass(frozen=True, slots=True)
class RoadNetwork:
    """An undirected graph: nodes carry ``x``/``y`` (lon/lat), edges ``length`` in metres and
    ``tunnel``; its compiled indexes are built on first use and kept with it."""

    graph: nx.Graph
    _indexes: dict[bool, RoadIndex] = field(default_factory=dict, compare=False, repr=False)

    @property
    def coords(self) -> NDArray[np.float64]:
        """(N, 2) lon/lat of the nodes, in node order 0..N-1."""
        return np.array([(d["x"], d["y"]) for _, d in sorted(self.graph.nodes(data=True))])

    def index(self, *, walkable_only: bool) -> RoadIndex:
        """The compiled graph of every road, or of those without tunnels."""
        if walkable_only not in self._indexes:
            self._indexes[walkable_only] = RoadIndex(self.graph, walkable_only=walkable_only)
        return self._indexes[walkable_only]


def network_from_lines(
    lines: Iterable[Line], *, tunnel: Iterable[bool] | None = None, precision: int = 7
) -> RoadNetwork:
    """Build a network from lines of (lon, lat) vertices; shared vertices join lines.

    `tunnel` flags, line by line, the ones walkers may not use.

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

    flags = itertools.chain(tunnel or (), itertools.repeat(False))
    for line, under in zip(lines, flags, strict=False):
        for (x1, y1), (x2, y2) in itertools.pairwise(line):
            a, b = node(x1, y1), node(x2, y2)
            if a == b:
                continue
            length = distance_m(x1, y1, x2, y2)
            if graph.has_edge(a, b):  # the same stretch twice: walkable if either is
                old = graph.edges[a, b]
                length, under = min(length, old["length"]), under and old["tunnel"]
            graph.add_edge(a, b, length=length, tunnel=bool(under))
    return RoadNetwork(graph)


def load_network(path: str | os.PathLike[str], *, layer: str | None = None) -> RoadNetwork:
    """Read a line layer (or an .osm extract's ``lines``) into a `RoadNetwork`.

    Raises
    ------
    NetworkError
        When the file or layer cannot be read, or it has no line geometries.
    """
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError
    from shapely.geometry import LineString, MultiLineString

    osm = os.fspath(path).lower().endswith((".osm", ".pbf"))
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
    tunnels: list[bool] = []
    for geom, under in zip(frame.geometry, _tunnel_flags(frame), strict=True):
        parts = (
            [geom]
            if isinstance(geom, LineString)
            else list(geom.geoms)
            if isinstance(geom, MultiLineString)
            else []
        )
        for part in parts:
            lines.append([(float(x), float(y)) for x, y, *_ in part.coords])
            tunnels.append(under)
    network = network_from_lines(lines, tunnel=tunnels)
    if network.graph.number_of_edges() == 0:
        msg = f"no line geometries in {os.fspath(path)!r}"
        raise NetworkError(msg)
    return network


def _tunnel_flags(frame: object) -> list[bool]:
    """Per feature: a ``crossing`` naming a tunnel, or an OSM ``tunnel`` tag (other than no)."""
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    flags = pd.Series(False, index=frame.index)
    if "crossing" in frame.columns:
        flags |= frame["crossing"].fillna("").astype(str).str.contains("tunnel", case=False)
    for column in ("tunnel", "other_tags"):
        if column in frame.columns:
            text = frame[column].fillna("").astype(str).str.lower()
            tagged = (
                text.str.contains('"tunnel"=>"(?!no")', regex=True)
                if column == "other_tags"
                else ~text.isin(("", "no"))
            )
            flags |= tagged
    return [bool(f) for f in flags]


@dataclass(frozen=True, slots=True)
class NetworkTravel:
    """Shortest paths on a `RoadNetwork` at the mode's speed, plus the mode's per-leg overhead;
    the walks between points and the road count at walking speed."""

    network: RoadNetwork
    params: TravelParams = field(default_factory=TravelParams)
    max_snap_m: float = 1000.0

    def matrix(self, points: Sequence[LonLat], mode: str) -> TravelMatrix:
        """Minutes, metres and path geometry between every pair of `points`."""
        fallback = StraightLineTravel(self.params).matrix(points, mode)
        minutes, metres = fallback.minutes.copy(), fallback.metres.copy()
        index = self.network.index(walkable_only=mode in FOOT_MODES)
        snaps = [index.snap(p, self.max_snap_m) for p in points]
        for p, snap in zip(points, snaps, strict=True):
            if snap is None:
                log.info("point %s is off the road network; using straight lines", p)
        rows = index.rows(sorted({n for s in snaps if s for n, _ in s.ends()}))
        routes: dict[tuple[int, int], _Route] = {}
        for i, j in itertools.permutations(range(len(points)), 2):
            sa, sb = snaps[i], snaps[j]
            if sa is None or sb is None:
                continue
            straight = distance_m(points[i].lon, points[i].lat, points[j].lon, points[j].lat)
            if straight <= sa.walk_m + sb.walk_m:  # nearer each other than the road: walk across
                metres[i, j] = straight * self.params.circuity["walk"]
                minutes[i, j] = self.params.minutes(float(metres[i, j]), "walk")
                routes[i, j] = _Route(on_road=False)
                continue
            road, route = _on_road(sa, sb, rows)
            if route is None:
                log.info("points %d and %d are not connected; using a straight line", i, j)
                continue
            walk = sa.walk_m + sb.walk_m
            metres[i, j] = walk + road
            minutes[i, j] = (
                self.params.minutes(walk, "walk")
                + self.params.minutes(road, mode)
                + self.params.overhead(road, mode)
            )
            routes[i, j] = route
        geometries = _Geometries(points, snaps, routes, rows, index, fallback.geometries)
        return TravelMatrix(minutes, metres, geometries)


@dataclass(frozen=True, slots=True)
class _Route:
    """How a leg goes: straight across (`on_road` False), along one edge (no nodes), or leaving
    its first edge by node `leave` and joining its last edge by node `join`."""

    on_road: bool
    leave: int | None = None
    join: int | None = None


def _on_road(
    sa: Snap, sb: Snap, rows: Mapping[int, tuple[NDArray[np.float64], NDArray[np.int32]]]
) -> tuple[float, _Route | None]:
    """Road metres from foot to foot and the way taken; None when the network cannot join them."""
    best, route = np.inf, None
    if {sa.u, sa.v} == {sb.u, sb.v}:  # along the one edge
        tb = sb.t if sb.u == sa.u else 1.0 - sb.t
        best, route = abs(sa.t - tb) * sa.length, _Route(on_road=True)
    for na, ca in sa.ends():
        dist = rows[na][0]
        for nb, cb in sb.ends():
            total = ca + float(dist[nb]) + cb
            if total < best:
                best, route = total, _Route(on_road=True, leave=na, join=nb)
    return float(best), route


class _Geometries(Mapping[tuple[int, int], tuple[tuple[float, float], ...]]):
    """Leg lines made when asked for: a plan draws a handful of the n x n legs it times."""

    def __init__(
        self,
        points: Sequence[LonLat],
        snaps: Sequence[Snap | None],
        routes: Mapping[tuple[int, int], _Route],
        rows: Mapping[int, tuple[NDArray[np.float64], NDArray[np.int32]]],
        index: RoadIndex,
        straight: Mapping[tuple[int, int], tuple[tuple[float, float], ...]],
    ) -> None:
        self._points, self._snaps, self._routes = points, snaps, routes
        self._rows, self._index, self._straight = rows, index, straight

    def __getitem__(self, key: tuple[int, int]) -> tuple[tuple[float, float], ...]:
        route = self._routes.get(key)
        if route is None:
            return self._straight[key]
        i, j = key
        a, b = self._points[i], self._points[j]
        line = [(a.lon, a.lat)]
        if route.on_road:
            sa, sb = self._snaps[i], self._snaps[j]
            assert sa is not None
            assert sb is not None
            line.append(sa.foot)
            if route.leave is not None and route.join is not None:
                pred = self._rows[route.leave][1]
                line += self._index.path(pred, route.leave, route.join)
            line.append(sb.foot)
        line.append((b.lon, b.lat))
        drawn = tuple(p for k, p in enumerate(line) if k == 0 or p != line[k - 1])
        return drawn if len(drawn) > 1 else ((a.lon, a.lat), (b.lon, b.lat))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._straight)

    def __len__(self) -> int:
        return len(self._straight)
