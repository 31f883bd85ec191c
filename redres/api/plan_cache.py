"""One solve per plan request: the planner page, its map frame and its downloads share it.

The plan page solves a request, then the browser asks for the same plan again for the map in
its frame (and perhaps a download). Each solve costs about a second, so the solved itinerary
is kept here, in process, under a hash of the normalised request and of what decides its
answer (who may see which sites, the solver seconds granted, and the catalogue's last change:
`redres.catalogue_version`, so a plan asked after any edit is solved afresh). The cache is small
and bounded (least recently used out first) and each entry lives a few minutes (a plan without
a date follows the day); with several worker processes each keeps its own, which costs at most
one more solve per process.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from redres.config import Settings
from redres.routes.answer import Itinerary


def plan_key(
    request: Mapping[str, Any],
    *,
    visible: Collection[str],
    seconds: float,
    catalogue: int = 0,
) -> str:
    """The cache key of a plan request: a SHA-256 of its normalised JSON and its context.

    Examples
    --------
    >>> a = plan_key({"date": "2025-06-10", "themes": {"x": 1}}, visible={"published"}, seconds=2)
    >>> a == plan_key({"themes": {"x": 1}, "date": "2025-06-10"}, visible=["published"], seconds=2)
    True
    >>> a == plan_key({"date": "2025-06-10", "themes": {"x": 1}}, visible={"published"}, seconds=9)
    False
    >>> a == plan_key({"date": "2025-06-10", "themes": {"x": 1}}, visible={"published"}, seconds=2,
    ...               catalogue=7)
    False
    """
    normal = json.dumps(
        {
            "request": request,
            "visible": sorted(visible),
            "seconds": seconds,
            "catalogue": catalogue,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(normal.encode()).hexdigest()


@dataclass(slots=True)
class ItineraryCache:
    """Solved itineraries by `plan_key`, at most `entries` of them, each for `seconds`."""

    entries: int
    seconds: float
    clock: Callable[[], float] = time.monotonic
    solves: int = 0
    """How many times `get_or_solve` had to solve (the rest were reused)."""
    hits: int = 0
    _kept: OrderedDict[str, tuple[float, Itinerary]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> ItineraryCache:
        """The cache the settings size."""
        return cls(entries=settings.plan_cache_entries, seconds=settings.plan_cache_seconds)

    def get(self, key: str) -> Itinerary | None:
        """The itinerary kept under `key` if it is still fresh."""
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                return None
            stored_at, itinerary = found
            if self.clock() - stored_at > self.seconds:
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return itinerary

    def put(self, key: str, itinerary: Itinerary) -> None:
        """Keep an itinerary, dropping the least recently used beyond `entries`."""
        with self._lock:
            self.solves += 1
            if self.entries == 0:
                return
            self._kept[key] = (self.clock(), itinerary)
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        """Forget every kept plan (benchmarks measure cold solves with it)."""
        with self._lock:
            self._kept.clear()
