"""Travel time and distance between places: straight line by default, a road network if given.

The default model is what a teacher would estimate with a ruler: great-circle distance times a
circuity factor (streets are not straight), divided by a speed per mode, plus a fixed overhead
per leg for modes that wait, board or park. Every number is a `TravelParams` field so a city
can be tuned without code; `redres.routes.network.NetworkTravel` is the road-network model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from redres.geo import LonLat, distance_m

DEFAULT_SPEED_KMH: Mapping[str, float] = {
    "walk": 4.5,
    "bike": 12.0,
    "bus": 18.0,
    "coach": 25.0,
    "drive": 25.0,
}
"""Door-to-door urban speeds; a group walks slower than one person."""

DEFAULT_CIRCUITY: Mapping[str, float] = {
    "walk": 1.3,
    "bike": 1.3,
    "bus": 1.4,
    "coach": 1.35,
    "drive": 1.35,
}
"""Road distance over straight-line distance, the usual 1.2-1.4 of city networks."""

DEFAULT_OVERHEAD_MIN: Mapping[str, float] = {
    "walk": 0.0,
    "bike": 0.0,
    "bus": 10.0,
    "coach": 10.0,
    "drive": 5.0,
}
"""Minutes per leg spent waiting for a bus, boarding a coach or parking."""


@dataclass(frozen=True, slots=True)
class TravelParams:
    """Speeds (km/h), circuity factors and per-leg overheads (minutes) per travel mode.

    Raises
    ------
    ValueError
        If a mode is missing or a value is not a positive (overhead: non-negative) number.

    Examples
    --------
    >>> TravelParams().minutes(4500.0, "walk")
    60.0
    """

    speed_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEED_KMH))
    circuity: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CIRCUITY))
    overhead_min: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_OVERHEAD_MIN))

    def __post_init__(self) -> None:
        for mode in DEFAULT_SPEED_KMH:
            for name, table, low in (
                ("speed_kmh", self.speed_kmh, False),
                ("circuity", self.circuity, False),
                ("overhead_min", self.overhead_min, True),
            ):
                value = table.get(mode)
                ok = isinstance(value, int | float) and math.isfinite(value)
                if not ok or (value < 0 if low else value <= 0):  # type: ignore[operator]
                    msg = f"{name}[{mode!r}] = {value!r} must be a {'non-negative' if low else 'positive'} number"
                    raise ValueError(msg)
        if any(self.circuity[m] < 1 for m in DEFAULT_CIRCUITY):
            msg = "circuity factors must be at least 1 (roads are never shorter than the line)"
            raise ValueError(msg)

    def minutes(self, metres: float, mode: str) -> float:
        """Minutes to cover `metres` of road in `mode`, without the per-leg overhead."""
        return metres / (self.speed_kmh[mode] * 1000.0 / 60.0)

    def overhead(self, metres: float, mode: str) -> float:
        """The per-leg overhead, none when there is nowhere to go."""
        return self.overhead_min[mode] if metres > 0 else 0.0


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """Minutes and metres between every pair of points, and each leg's line for the map."""

    minutes: NDArray[np.float64]
    metres: NDArray[np.float64]
    geometries: Mapping[tuple[int, int], tuple[tuple[float, float], ...]]

    def geometry(self, i: int, j: int) -> tuple[tuple[float, float], ...]:
        """The line of the leg from point `i` to point `j` as (lon, lat) pairs."""
        return self.geometries.get((i, j), ())


class TravelModel(Protocol):
    """Anything that turns points and a mode into a `TravelMatrix`."""

    def matrix(self, points: Sequence[LonLat], mode: str) -> TravelMatrix:
        """Minutes, metres and geometry between every pair of `points`."""
        ...


@dataclass(frozen=True, slots=True)
class StraightLineTravel:
    """The default model: great-circle distance x circuity / speed + overhead.

    Examples
    --------
    >>> m = StraightLineTravel().matrix([LonLat(114.0, 30.0), LonLat(114.0, 30.01)], "walk")
    >>> round(float(m.metres[0, 1])), round(float(m.minutes[0, 1]), 1)
    (1446, 19.3)
    """

    params: TravelParams = field(default_factory=TravelParams)

    def matrix(self, points: Sequence[LonLat], mode: str) -> TravelMatrix:
        """Minutes, metres and straight-line geometry between every pair of `points`."""
        n = len(points)
        minutes = np.zeros((n, n))
        metres = np.zeros((n, n))
        geometries: dict[tuple[int, int], tuple[tuple[float, float], ...]] = {}
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                if i == j:
                    continue
                road = distance_m(a.lon, a.lat, b.lon, b.lat) * self.params.circuity[mode]
                metres[i, j] = road
                minutes[i, j] = self.params.minutes(road, mode) + self.params.overhead(road, mode)
                geometries[i, j] = ((a.lon, a.lat), (b.lon, b.lat))
        return TravelMatrix(minutes, metres, geometries)
