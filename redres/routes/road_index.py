"""A road graph compiled for fast legs: edge snapping (an STRtree) and cached shortest paths.

`RoadIndex` is built once per network and variant (all roads, or those a walker may use) and
kept with the network, so the process pays for it once: points snap to the nearest *edge* (the
foot of the perpendicular on the nearest road segment, not the nearest vertex), and shortest
path rows (scipy's Dijkstra from a node to every node, with predecessors for the geometry) are
kept in a bounded cache, so a second plan over the same sites computes no path again.
Only the largest connected piece of the variant is indexed: a point never snaps onto a stray
fragment it could not leave.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from redres.geo import LonLat, distance_m

ROW_CACHE = 256
"""Shortest-path rows kept per index (about 125 kB each for the 10,379-node Wuhan network)."""


@dataclass(frozen=True, slots=True)
class Snap:
    """Where a point meets the road: on edge `u`-`v` at `t` (0 at `u`), `walk_m` from the point."""

    u: int
    v: int
    t: float
    length: float
    foot: tuple[float, float]
    walk_m: float

    def ends(self) -> tuple[tuple[int, float], tuple[int, float]]:
        """The edge's two nodes with the road metres from the foot to each."""
        return (self.u, self.t * self.length), (self.v, (1.0 - self.t) * self.length)


class RoadIndex:
    """One variant of a road graph, ready to snap points and answer shortest paths."""

    def __init__(self, graph: nx.Graph, *, walkable_only: bool) -> None:
        n = graph.number_of_nodes()
        self.coords = np.array([(graph.nodes[i]["x"], graph.nodes[i]["y"]) for i in range(n)])
        edges = [
            (a, b, float(d["length"]))
            for a, b, d in graph.edges(data=True)
            if not (walkable_only and d.get("tunnel", False))
        ]
        us = np.array([e[0] for e in edges], dtype=np.int64)
        vs = np.array([e[1] for e in edges], dtype=np.int64)
        lengths = np.array([e[2] for e in edges], dtype=np.float64)
        self.matrix: csr_matrix = coo_matrix((lengths, (us, vs)), shape=(n, n)).tocsr()
        if len(edges):
            _, labels = connected_components(self.matrix, directed=False)
            main = int(np.bincount(labels[us]).argmax())
            keep = labels[us] == main
        else:
            keep = np.zeros(0, dtype=bool)
        self.us, self.vs, self.lengths = us[keep], vs[keep], lengths[keep]
        self.scale = float(np.cos(np.radians(self.coords[:, 1].mean()))) if n else 1.0
        xy = self.coords * np.array([self.scale, 1.0])
        self._tree = shapely.STRtree(shapely.linestrings(np.stack([xy[self.us], xy[self.vs]], 1)))
        self._rows: OrderedDict[int, tuple[NDArray[np.float64], NDArray[np.int32]]] = OrderedDict()
        self._lock = threading.Lock()

    def snap(self, point: LonLat, max_walk_m: float) -> Snap | None:
        """The nearest edge to `point`, or None when it is farther than `max_walk_m`."""
        if not len(self.us):
            return None
        here = shapely.Point(point.lon * self.scale, point.lat)
        k = int(self._tree.query_nearest(here)[0])
        a, b = self.coords[self.us[k]], self.coords[self.vs[k]]
        ax, bx, px = a[0] * self.scale, b[0] * self.scale, point.lon * self.scale
        dx, dy = bx - ax, b[1] - a[1]
        span = dx * dx + dy * dy
        t = (
            0.0
            if span == 0
            else min(1.0, max(0.0, ((px - ax) * dx + (point.lat - a[1]) * dy) / span))
        )
        foot = (float(a[0] + t * (b[0] - a[0])), float(a[1] + t * (b[1] - a[1])))
        walk = distance_m(point.lon, point.lat, *foot)
        if walk > max_walk_m:
            return None
        return Snap(int(self.us[k]), int(self.vs[k]), t, float(self.lengths[k]), foot, walk)

    def rows(
        self, sources: Sequence[int]
    ) -> dict[int, tuple[NDArray[np.float64], NDArray[np.int32]]]:
        """Distances and predecessors from each source node to every node (cached)."""
        with self._lock:
            found = {s: self._rows[s] for s in sources if s in self._rows}
            for s in found:
                self._rows.move_to_end(s)
        missing = sorted(set(sources) - set(found))
        if missing:
            dist, pred = dijkstra(
                self.matrix, directed=False, indices=missing, return_predecessors=True
            )
            with self._lock:
                for k, s in enumerate(missing):
                    found[s] = (dist[k], pred[k])
                    self._rows[s] = found[s]
                while len(self._rows) > ROW_CACHE:
                    self._rows.popitem(last=False)
        return found

    def path(self, pred: NDArray[np.int32], source: int, target: int) -> list[tuple[float, float]]:
        """The node coordinates from `source` to `target` along a predecessor row."""
        nodes = [target]
        while nodes[-1] != source:
            nodes.append(int(pred[nodes[-1]]))
        return [(float(self.coords[i, 0]), float(self.coords[i, 1])) for i in reversed(nodes)]
