"""The map's kept cell counts (`catalog.map_cells`) against a brute-force count of the sites,
after every kind of write, on both engines; and the tiles and extent read from them."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from redres.catalog import bulk, map_cells
from redres.catalog.bulk import NewSite, insert_sites
from redres.catalog.enums import Category, Status
from redres.catalog.map_clusters import (
    MapFilter,
    Tile,
    _grid,
    map_extent,
    map_extent_scanned,
    tile_clusters,
)
from redres.catalog.models import Site, Theme
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import create_site, set_status, update_site
from redres.db import init_db
from tests.catalog.test_io_helpers import spy_first_load_finish

CENTRES = [(114.3, 30.6), (116.4, 39.9), (106.7, 26.6)]


def _point(rng: random.Random) -> tuple[float, float]:
    lon, lat = rng.choice(CENTRES)
    return round(lon + rng.gauss(0, 1.5), 6), round(lat + rng.gauss(0, 1.0), 6)


def _kept(session: Session) -> dict[tuple[int, int], tuple[int, int, float, float]]:
    rows = session.connection().execute(
        text("SELECT x, y, n, id_sum, lat_sum, lon_sum FROM mapcell")
    )
    return {(r[0], r[1]): (int(r[2]), int(r[3]), float(r[4]), float(r[5])) for r in rows}


def _brute(session: Session) -> dict[tuple[int, int], tuple[int, int, float, float]]:
    """Per cell: count, sum of ids and of positions of the published sites, from `site`."""
    cells: dict[tuple[int, int], tuple[int, int, float, float]] = {}
    for site in session.exec(select(Site).where(col(Site.status) == Status.published)):
        key = map_cells.cell_of(site.lat, site.lon)
        n, ids, lats, lons = cells.get(key, (0, 0, 0.0, 0.0))
        assert site.id is not None
        cells[key] = (n + 1, ids + site.id, lats + (site.lat or 0), lons + (site.lon or 0))
    return cells


def _assert_kept_equals_brute(session: Session) -> None:
    session.flush()
    kept, brute = _kept(session), _brute(session)
    assert {k: v[:2] for k, v in kept.items()} == {k: v[:2] for k, v in brute.items()}
    for key, (_, _, lats, lons) in brute.items():
        assert math.isclose(kept[key][2], lats, abs_tol=1e-6)
        assert math.isclose(kept[key][3], lons, abs_tol=1e-6)


def _create(session: Session, rng: random.Random, n: int, **kw: object) -> list[Site]:
    sites = []
    for _ in range(n):
        lon, lat = _point(rng)
        data = SiteCreate(name=f"站点{rng.randrange(10**9)}", category=Category.museum, lon=lon,
                          lat=lat, **kw)  # fmt: skip
        sites.append(create_site(session, data))
    return sites


def test_counts_follow_every_write(session: Session) -> None:
    rng = random.Random(7)
    session.add(Theme(slug="martyrs", name="英烈纪念"))
    session.flush()
    published = _create(session, rng, 60, status=Status.published)
    drafts = _create(session, rng, 20)
    unlocated = create_site(
        session, SiteCreate(name="无坐标站点", category=Category.museum, status=Status.published)
    )
    session.commit()
    _assert_kept_equals_brute(session)
    assert _kept(session)[(-1, -1)][:2] == (1, unlocated.id)

    # move sites (to another cell, and off the map: a point cleared), publish, unpublish
    for site in published[:10]:
        lon, lat = _point(rng)
        update_site(session, site, SiteUpdate(lon=lon, lat=lat))
    update_site(session, published[10], SiteUpdate(lon=None, lat=None))
    update_site(session, published[11], SiteUpdate(name="只改名字"))  # no move: no change
    for site in drafts[:8]:
        set_status(session, site, Status.published, actor="test")
    for site in published[12:20]:
        set_status(session, site, Status.archived, actor="test")
    set_status(session, published[20], Status.draft, actor="test")
    session.commit()
    _assert_kept_equals_brute(session)

    # delete (a published one and a draft), in plain SQL as any writer could
    conn = session.connection()
    for site in (published[30], drafts[15]):
        conn.execute(text("DELETE FROM site WHERE id = :id"), {"id": site.id})
    session.commit()
    _assert_kept_equals_brute(session)

    # a rolled-back write leaves the counts as they were
    before = _kept(session)
    _create(session, rng, 5, status=Status.published)
    session.flush()
    assert _kept(session) != before
    session.rollback()
    assert _kept(session) == before

    # the import's bulk path
    items = []
    for i in range(300):
        lon, lat = _point(rng)
        status = Status.published if i % 3 else Status.draft
        data = SiteCreate(name=f"导入{i}", category=Category.museum, lon=lon, lat=lat,
                          status=status, themes={"martyrs": 1.0} if i % 2 else None)  # fmt: skip
        items.append(NewSite(data, f"import-{i}"))
    theme_id = session.exec(select(Theme.id).where(Theme.slug == "martyrs")).one()
    assert theme_id is not None
    insert_sites(session, items, theme_ids={"martyrs": theme_id}, actor="test")
    session.commit()
    _assert_kept_equals_brute(session)

    # the extent: counts exact, the box the cells' around the sites' own
    kept, scanned = map_extent(session), map_extent_scanned(session)
    assert (kept.located, kept.unlocated) == (scanned.located, scanned.unlocated)
    assert kept.box is not None
    assert scanned.box is not None
    west, south, east, north = kept.box
    assert west <= scanned.box[0] < scanned.box[2] <= east
    assert south <= scanned.box[1] < scanned.box[3] <= north
    assert east - west - (scanned.box[2] - scanned.box[0]) <= 2 * 360 / map_cells.SIDE

    # tiles up to zoom 8 are sums of the cells; they hold what grouping the sites finds
    located = [
        s
        for s in session.exec(select(Site).where(col(Site.status) == Status.published))
        if s.lat is not None and s.lon is not None
    ]
    for z in range(map_cells.AGGREGATE_MAX_ZOOM + 1):
        side = 1 << z
        tiles = Counter(
            (
                min(side - 1, int((s.lon + 180) / 360 * side)),  # type: ignore[operator]
                map_cells.cell_of(s.lat, s.lon)[1] >> (map_cells.CELL_ZOOM - z),
            )
            for s in located
        )
        for (x, y), n in tiles.items():
            summed = tile_clusters(session, Tile(z, x, y), MapFilter())
            grouped = _grid(session, Tile(z, x, y).bounds(), MapFilter(), 8)
            assert summed.total == grouped.total == n, (z, x, y)
            assert all(c[2] >= 2 for c in summed.clusters)
            assert len(summed.clusters) + len(summed.singles) <= 64
            assert set(summed.singles) <= {s.id for s in located}
            west, south, east, north = Tile(z, x, y).bounds()
            for lat, lon, _ in summed.clusters:
                assert south <= lat < north
                assert west <= lon < east


def test_theme_filter_groups_the_sites_themselves(session: Session) -> None:
    """A filtered map is grouped from `site` (the kept counts are of all published sites)."""
    rng = random.Random(3)
    session.add(Theme(slug="martyrs", name="英烈纪念"))
    session.flush()
    themed = _create(session, rng, 30, status=Status.published, themes={"martyrs": 1.0})
    _create(session, rng, 40, status=Status.published)
    session.commit()
    z, x, y = 3, 6, 3  # all of south-central China
    everything = tile_clusters(session, Tile(z, x, y), MapFilter())
    only = tile_clusters(session, Tile(z, x, y), MapFilter(theme="martyrs"))
    west, south, east, north = Tile(z, x, y).bounds()
    inside = [s for s in themed if west <= s.lon < east and south <= s.lat < north]  # type: ignore[operator]
    assert only.total == len(inside) < everything.total
    shown = tile_clusters(session, Tile(z, x, y), MapFilter(shown_themes=(), untagged=True))
    assert shown.total == everything.total - only.total


def test_init_puts_back_triggers_a_migration_dropped(session: Session, engine: Engine) -> None:
    """Rebuilding `site` (Alembic's batch mode on SQLite) drops its triggers; init restores
    and recounts them."""
    rng = random.Random(5)
    _create(session, rng, 10, status=Status.published)
    session.commit()
    with engine.begin() as conn:
        for stmt in map_cells.drop_statements(engine.dialect.name):
            conn.exec_driver_sql(stmt)
    init_db(engine)
    _create(session, rng, 5, status=Status.published)
    session.commit()
    _assert_kept_equals_brute(session)
    with engine.begin() as conn:
        assert not map_cells.ensure(conn)


@pytest.mark.parametrize("existing", [5, 0])
def test_a_large_import_recounts_once(
    session: Session, monkeypatch: pytest.MonkeyPatch, existing: int
) -> None:
    """Above the bulk threshold SQLite's import drops the triggers and recounts at the end;
    PostgreSQL's does into an empty registry (a first load: `existing` 0)."""
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 50)
    finished = spy_first_load_finish(monkeypatch)
    rng = random.Random(11)
    _create(session, rng, existing, status=Status.published)
    session.commit()
    items = []
    for i in range(120):
        lon, lat = _point(rng)
        status = Status.published if i % 4 else Status.draft
        data = SiteCreate(
            name=f"大批{i}", category=Category.museum, lon=lon, lat=lat, status=status
        )
        items.append(NewSite(data, f"bulk-{i}"))
    insert_sites(session, items, theme_ids={}, actor="test")
    session.commit()
    first_pg_load = session.get_bind().dialect.name == "postgresql" and not existing
    assert finished == ([1] if first_pg_load else [])
    _assert_kept_equals_brute(session)
    _create(session, rng, 3, status=Status.published)  # the triggers are back
    session.commit()
    _assert_kept_equals_brute(session)
