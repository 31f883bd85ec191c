"""Published sites counted per map tile and grid cell: the national-scale map's data.

A map of a million sites cannot send every point to the browser. Instead the browser asks
for web-map tiles (``z/x/y``, Web Mercator) one zoom level above the one it shows, so each
tile covers 512 x 512 screen pixels and a view needs a dozen of them, and each tile is
answered with its sites grouped in SQL: the tile is cut into ``GRID`` x ``GRID`` cells of 64
screen pixels (about the 60 px radius the browser-side clustering uses) by snapping latitude
and longitude, counted by ``GROUP BY`` on the covering index (status, lat, lon, id), the
same SQL on SQLite and PostgreSQL (SQLite runs it per row of cells, see `_grid`). A cell with
one site is that site (its popup row is added by the caller); a cell with more is a cluster
at the mean position of its sites. From ``SINGLES_ZOOM`` on every site is shown by itself,
as the browser-side clustering does, up to ``SINGLES_CAP`` per tile (a pile of sites at one
spot is then clustered on a finer grid, so no answer is unbounded).

Tiles partition the plane: a site belongs to the tile with ``west <= lon < east`` and
``south <= lat < north``, so the counts of the tiles in view add up to the sites in view.
Only published sites are counted, whoever asks: the answers are the same for everyone, so
they can be kept and shared by caches.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, cast, exists, func, literal, not_, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from redres.catalog import map_cells, map_facets, map_profiles
from redres.catalog.enums import Category, Period, Protection, Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.map_cells import MapExtent as MapExtent  # one type for both ways of counting
from redres.catalog.models import Site, SiteTheme, Theme

MAX_ZOOM = 19
"""The deepest zoom the maps offer (Leaflet's `max_zoom` in `redres.maps.render`)."""
GRID = 8
"""Cells per tile side: 64 px cells on a tile shown 512 px wide (at the next zoom)."""
SINGLES_ZOOM = 16
"""From this tile zoom on (map zoom 17), sites are shown one by one (the browser-side
clustering stops at map zoom 16)."""
SINGLES_CAP = 300
"""At most this many single sites in one tile; beyond, a finer grid of clusters."""
FINE_GRID = 16
MERCATOR_MAX_LAT = 85.0511287798066


@dataclass(frozen=True, slots=True)
class Tile:
    """A web-map tile: zoom and column/row from the north-west corner."""

    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        if not 0 <= self.z <= MAX_ZOOM:
            msg = f"z {self.z} must be between 0 and {MAX_ZOOM}"
            raise InvalidQuery(msg)
        side = 1 << self.z
        if not (0 <= self.x < side and 0 <= self.y < side):
            msg = (
                f"x and y must be between 0 and {side - 1} at zoom {self.z}, not {self.x}, {self.y}"
            )
            raise InvalidQuery(msg)

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees; the outer rows reach the poles.

        Examples
        --------
        >>> Tile(1, 1, 0).bounds()
        (0.0, 0.0, 180.0, 90.0)
        """
        side = 1 << self.z
        west = self.x / side * 360.0 - 180.0
        east = (self.x + 1) / side * 360.0 - 180.0
        north = 90.0 if self.y == 0 else _lat(self.y / side)
        south = -90.0 if self.y == side - 1 else _lat((self.y + 1) / side)
        return west, south, east, north


def _lat(fraction: float) -> float:
    """The latitude at `fraction` of the Web Mercator square's height from the top."""
    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * fraction))))


@dataclass(frozen=True, slots=True)
class MapFilter:
    """Which published sites the map shows: the page's filters and the reader's theme toggles.

    `theme` and the column filters narrow (as on the home page's search); `shown_themes`,
    when not None, keeps the sites linked to one of those themes, plus those linked to none
    when `untagged` (the layer control's toggles).
    """

    theme: str | None = None
    category: Category | None = None
    period: Period | None = None
    district: str | None = None
    protection: Protection | None = None
    shown_themes: tuple[str, ...] | None = None
    untagged: bool = True


@dataclass(frozen=True, slots=True)
class TileClusters:
    """One tile's answer: clusters as (lat, lon, count), and the ids of sites shown alone."""

    clusters: list[tuple[float, float, int]]
    singles: list[int]

    @property
    def total(self) -> int:
        """How many sites the tile holds."""
        return sum(c[2] for c in self.clusters) + len(self.singles)


def _conditions(flt: MapFilter, bounds: tuple[float, float, float, float]) -> list[Any]:
    west, south, east, north = bounds
    where: list[Any] = [
        col(Site.status) == Status.published,
        col(Site.lat) >= south,
        col(Site.lat) < north,
        col(Site.lon) >= west,
        col(Site.lon) < east,
    ]
    if flt.category is not None:
        where.append(col(Site.category) == flt.category)
    if flt.period is not None:
        where.append(col(Site.period) == flt.period)
    if flt.protection is not None:
        where.append(col(Site.protection) == flt.protection)
    if flt.district is not None:
        where.append(col(Site.district) == flt.district)
    if flt.theme is not None:
        where.append(_linked([flt.theme]))
    if flt.shown_themes is not None:
        either: list[Any] = []
        if flt.shown_themes:
            either.append(_linked(flt.shown_themes))
        if flt.untagged:
            either.append(not_(exists().where(col(SiteTheme.site_id) == col(Site.id))))
        where.append(or_(*either) if either else col(Site.id).is_(None))
    return where


def _linked(slugs: Collection[str]) -> Any:
    """Whether the site is linked to one of `slugs`: a lookup of its own links (the primary
    key starts with the site), not a set of every linked site, which PostgreSQL could not
    hash at a million links and then scanned once per site (bench/MAPS.md)."""
    themes = select(Theme.id).where(col(Theme.slug).in_(list(slugs)))
    return exists().where(
        col(SiteTheme.site_id) == col(Site.id), col(SiteTheme.theme_id).in_(themes)
    )


def _cell(session: Session, value: ColumnElement[Any]) -> ColumnElement[Any]:
    """The integer part of a non-negative number: CAST truncates on SQLite, rounds on PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(value), Integer)
    return cast(value, Integer)


def tile_clusters(session: Session, tile: Tile, flt: MapFilter) -> TileClusters:
    """The published sites of `tile` that `flt` keeps, grouped into grid cells.

    Tiles up to zoom `map_cells.AGGREGATE_MAX_ZOOM` are sums of kept counts: unfiltered from
    `redres.catalog.map_cells`, filtered on one facet (a column, or themes) from
    `redres.catalog.map_facets`, on several at once from `redres.catalog.map_profiles`.
    Deeper tiles are grouped here.
    """
    if tile.z <= map_cells.AGGREGATE_MAX_ZOOM:
        if flt == MapFilter():
            return _summed(map_cells.tile_cells(session.connection(), tile.z, tile.x, tile.y))
        conn, at = session.connection(), (tile.z, tile.x, tile.y)
        facet = _facet(session, flt)
        if facet is not None:
            return _summed(map_facets.tile_cells(conn, *facet.sum, at, others=facet.others))
        profile = _profile(session, flt)
        if profile is not None:
            return _summed(map_profiles.tile_cells(conn, *profile, at))
    bounds = tile.bounds()
    where = _conditions(flt, bounds)
    if tile.z >= SINGLES_ZOOM:
        ids = session.exec(
            select(col(Site.id)).where(*where).order_by(col(Site.id)).limit(SINGLES_CAP + 1)
        ).all()
        if len(ids) <= SINGLES_CAP:
            return TileClusters([], [int(i) for i in ids if i is not None])
    grid = FINE_GRID if tile.z >= SINGLES_ZOOM else GRID
    return _grid(session, bounds, flt, grid)


def _grid(
    session: Session, bounds: tuple[float, float, float, float], flt: MapFilter, grid: int
) -> TileClusters:
    """The tile's cells with a site, counted by `GROUP BY`.

    PostgreSQL groups the whole tile in one statement (hash aggregation). SQLite sorts to
    group, and one `GROUP BY` per row of cells (eight sorts of an eighth of the rows) took 0.9 s
    of CPU where one of them all took 1.25 s (nine tiles of all China at 1,000,000 sites); on
    PostgreSQL the eight statements were four times slower than one (bench/MAPS.md).
    """
    west, south, east, north = bounds
    gx = _cell(session, (col(Site.lon) - west) * (grid / (east - west))).label("gx")
    values = [func.count(), func.avg(Site.lat), func.avg(Site.lon), func.min(Site.id)]
    statements = []
    if session.get_bind().dialect.name == "postgresql":
        gy = _cell(session, (col(Site.lat) - south) * (grid / (north - south))).label("gy")
        statements.append(
            sa_select(gy, gx, *values)
            .where(*_conditions(flt, bounds))
            .group_by(text("gy, gx"))  # by name: the bound numbers are different parameters
        )
    else:
        for row in range(grid):
            low = south + (north - south) * row / grid
            high = north if row == grid - 1 else south + (north - south) * (row + 1) / grid
            statements.append(
                sa_select(literal(row).label("gy"), gx, *values)
                .where(*_conditions(flt, (west, low, east, high)))
                .group_by(text("gx"))
            )
    clusters: list[tuple[float, float, int]] = []
    singles: list[int] = []
    for stmt in statements:
        for _, _, count, lat, lon, first in session.execute(stmt):
            if count == 1:
                singles.append(int(first))
            else:
                clusters.append((round(float(lat), 6), round(float(lon), 6), int(count)))
    clusters.sort(key=lambda c: (-c[2], c[0], c[1]))
    singles.sort()
    return TileClusters(clusters, singles)


def _summed(cells: Collection[map_cells.CellCount]) -> TileClusters:
    """A tile's answer from its kept cells (its 8 x 8 cells are the tiles three zooms down)."""
    clusters: list[tuple[float, float, int]] = []
    singles: list[int] = []
    for cell in cells:
        if cell.only is not None:
            singles.append(cell.only)
        else:
            clusters.append((round(cell.lat, 6), round(cell.lon, 6), cell.n))
    clusters.sort(key=lambda c: (-c[2], c[0], c[1]))
    singles.sort()
    return TileClusters(clusters, singles)


@dataclass(frozen=True, slots=True)
class _Facet:
    """Which kept counts answer a filter: a facet's kind and values, summed, or with `others`
    subtracted from all the published sites."""

    kind: str
    values: list[str]
    others: bool = False

    @property
    def sum(self) -> tuple[str, list[str]]:
        """The kind and the values whose counts are read."""
        return self.kind, self.values


def _columns(flt: MapFilter) -> dict[str, str]:
    """The column facets `flt` filters on, with their values."""
    columns = {
        "category": flt.category,
        "period": flt.period,
        "protection": flt.protection,
        "district": flt.district,
    }
    return {kind: str(v) for kind, v in columns.items() if v is not None}


def _themed(flt: MapFilter) -> bool:
    return flt.theme is not None or flt.shown_themes is not None


def _facet(session: Session, flt: MapFilter) -> _Facet | None:
    """The kept facet that answers `flt`; None when it takes more than one (several facets
    are read from `map_profiles`)."""
    given = _columns(flt)
    if len(given) + _themed(flt) != 1:
        return None
    if given:
        kind, value = next(iter(given.items()))
        return _Facet(kind, [value])
    return _theme_sets(session, flt)


def _profile(
    session: Session, flt: MapFilter
) -> tuple[dict[str, str], tuple[list[str], bool] | None] | None:
    """The column values and sets of themes of the kept profiles that answer `flt` (for
    `map_profiles.tile_cells`); None when they cannot (the sites are then grouped).

    A ``district=''`` filter is grouped: the profiles count an empty district with none.
    """
    given = _columns(flt)
    if given.get("district") == "":
        return None
    if not _themed(flt):
        return given, None
    sets = _theme_sets(session, flt)
    return None if sets is None else (given, (sets.values, sets.others))


def _theme_sets(session: Session, flt: MapFilter) -> _Facet | None:
    """The sets of themes (``themes`` values) that `flt`'s theme filters keep, or with
    `others` those they hide, whichever are fewer; None when more than `MAX_VALUES`."""
    slugs = {*(flt.shown_themes or ()), *([flt.theme] if flt.theme else [])}
    found = session.execute(
        sa_select(col(Theme.slug), col(Theme.id)).where(col(Theme.slug).in_(slugs))
    )
    ids = {str(slug): int(theme_id) for slug, theme_id in found}
    need = ids.get(flt.theme, 0) if flt.theme is not None else None
    shown = None
    if flt.shown_themes is not None:
        shown = {ids[s] for s in flt.shown_themes if s in ids}
    kept: list[str] = []
    left: list[str] = []
    for value in map_facets.theme_values(session.connection()):
        linked = map_facets.key_ids(value)
        (kept if _shows(linked, need, shown, untagged=flt.untagged) else left).append(value)
    facet = _Facet(map_facets.THEMES, left, others=True) if len(left) < len(kept) else None
    facet = facet or _Facet(map_facets.THEMES, kept)
    return None if len(facet.values) > map_facets.MAX_VALUES else facet


def _shows(
    linked: frozenset[int], need: int | None, shown: set[int] | None, *, untagged: bool
) -> bool:
    """Whether a site linked to the themes `linked` is on a map showing theme `need` and,
    from the layer control, the themes `shown` (plus the untagged sites when `untagged`)."""
    if need is not None and need not in linked:
        return False
    return shown is None or bool(linked & shown) or (untagged and not linked)


def map_extent(session: Session) -> MapExtent:
    """Counts and bounds of the published sites: decides the map's mode and first view.

    Read from the kept cell counts (the box is that of the cells holding sites, up to a
    cell's width, ~0.18 degrees, wider than the sites' own).
    """
    return map_cells.extent(session.connection())


def map_extent_scanned(session: Session) -> MapExtent:
    """`map_extent` counted from ``site`` itself, with the exact box (the tests' reference)."""
    published = col(Site.status) == Status.published
    located, west, south, east, north = session.execute(
        sa_select(
            func.count(),
            func.min(Site.lon),
            func.min(Site.lat),
            func.max(Site.lon),
            func.max(Site.lat),
        ).where(published, col(Site.lat).is_not(None), col(Site.lon).is_not(None))
    ).one()
    total = session.exec(select(func.count()).select_from(Site).where(published)).one()
    box = None if not located else (float(west), float(south), float(east), float(north))
    return MapExtent(int(located), int(total) - int(located), box)
