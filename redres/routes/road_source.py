"""Which travel model a plan uses, decided in one place for the API, the pages and the CLI.

`REDRES_ROAD_NETWORK` names a road network file (any layer `load_network` reads), or ``none``
for straight lines. Unset, the bundled Wuhan network (``data/roads/wuhan-roads.gpkg``) is used
when `redres demo` recorded that the catalogue holds the Wuhan demo, and straight lines
otherwise. A loaded network (and the shortest paths it has answered) stays in memory for the
life of the process, keyed by the file's path and modification time, so editing the file
reloads it and every other plan reuses it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.app_state import demo_loaded
from redres.config import Settings
from redres.routes.network import NetworkError, NetworkTravel, RoadNetwork, load_network
from redres.routes.travel import TravelModel

log = logging.getLogger(__name__)

BUNDLED = Path("roads") / "wuhan-roads.gpkg"
"""The demo's road network, under the settings' `data_dir` (OSM-derived, ODbL: see its
ATTRIBUTION.txt)."""

_loaded: dict[Path, tuple[int, RoadNetwork]] = {}
_lock = threading.Lock()


def network_path(settings: Settings, session: Session | None) -> Path | None:
    """The road network file plans should use, or None for straight lines."""
    chosen = settings.road_network
    if chosen is not None and chosen.strip():
        return None if chosen.strip().lower() == "none" else Path(chosen.strip())
    if session is not None and demo_loaded(session):
        return settings.data_dir / BUNDLED
    return None


def cached_network(path: Path) -> RoadNetwork:
    """The network in `path`, read once per process and again only when the file changes.

    Raises
    ------
    NetworkError
        When the file is missing, unreadable or holds no lines.
    """
    key = path.resolve()
    try:
        mtime = key.stat().st_mtime_ns
    except OSError as exc:
        msg = f"road network file {str(path)!r} cannot be read: {exc.strerror}"
        raise NetworkError(msg) from exc
    with _lock:  # one reader at a time: a second plan waits for the first load, not a second
        held = _loaded.get(key)
        if held is None or held[0] != mtime:
            _loaded[key] = (mtime, load_network(key))
            log.info("road network %s loaded", key)
        return _loaded[key][1]


def travel_model(
    settings: Settings, session: Session | None, *, strict: bool = False
) -> TravelModel | None:
    """The road-network model the settings and catalogue call for (None: straight lines).

    A configured file that cannot be read is an error when `strict` (the CLI says so and
    stops); the web app logs it and plans with straight lines rather than failing every plan.

    Raises
    ------
    NetworkError
        When `strict` and the configured network cannot be read.
    """
    path = network_path(settings, session)
    if path is None:
        return None
    try:
        return NetworkTravel(cached_network(path))
    except NetworkError:
        if strict:
            raise
        log.exception("road network %s unusable; planning with straight lines", path)
        return None


def warm_up(settings: Settings, engine: Engine) -> None:
    """Read the network a server's plans will use and build its indexes, before the first plan.

    Run in a background thread at start; a failure is logged (plans then say the same).
    """
    try:
        with Session(engine) as session:
            path = network_path(settings, session)
        if path is not None:
            network = cached_network(path)
            for walkable_only in (False, True):
                network.index(walkable_only=walkable_only)
    except Exception:  # a warm-up never stops a server; the first plan reports the problem
        log.exception("road network warm-up failed")
