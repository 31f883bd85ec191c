"""The map's counts kept per filter (`catalog.map_facets`) against a brute-force count of the
sites and their theme links, after every kind of write, on both engines; and filtered tiles
read from them against grouping the sites."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, col, select

from redres.catalog import bulk, map_cells, map_facets
from redres.catalog.bulk import NewSite, insert_sites
from redres.catalog.enums import Category, Period, Protection, Status
from redres.catalog.map_clusters import MapFilter, Tile, _facet, _grid, tile_clusters
from redres.catalog.models import Site, SiteTheme, Theme
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import create_site, set_status, update_site
from redres.db import alembic_config, init_db
from tests.catalog.test_io_helpers import spy_first_load_finish

CENTRES = [(114.3, 30.6), (116.4, 39.9), (106.7, 26.6)]
SLUGS = ["founding", "martyrs", "long-march"]
CATEGORIES = [Category.museum, Category.monument, Category.former_site]
Key = tuple[str, str, int, int]


def _point(rng: random.Random) -> tuple[float, float]:
    lon, lat = rng.choice(CENTRES)
    return round(lon + rng.gauss(0, 1.5), 6), round(lat + rng.gauss(0, 1.0), 6)


def _kept(session: Session) -> dict[Key, tuple[int, int, float, float]]:
    rows = session.connection().execute(
        text("SELECT kind, value, x, y, n, id_sum, lat_sum, lon_sum FROM mapfacet")
    )
    return {
        (r[0], r[1], r[2], r[3]): (int(r[4]), int(r[5]), float(r[6]), float(r[7])) for r in rows
    }


def _brute(session: Session) -> dict[Key, tuple[int, int, float, float]]:
    """Per facet and cell: count, sum of ids and of positions of the published sites."""
    links: dict[int, list[int]] = defaultdict(list)
    for link in session.exec(select(SiteTheme)):
        links[link.site_id].append(link.theme_id)
    cells: dict[Key, tuple[int, int, float, float]] = {}
    for site in session.exec(select(Site).where(col(Site.status) == Status.published)):
        assert site.id is not None
        x, y = map_cells.cell_of(site.lat, site.lon)
        values = [(c, getattr(site, c)) for c in map_facets.COLUMNS]
        values.append((map_facets.THEMES, map_facets.theme_key(links[site.id])))
        for kind, value in values:
            if value is None:
                continue
            key = (kind, str(value), x, y)
            n, ids, lats, lons = cells.get(key, (0, 0, 0.0, 0.0))
            cells[key] = (n + 1, ids + site.id, lats + (site.lat or 0), lons + (site.lon or 0))
    return cells


def _assert_kept_equals_brute(session: Session) -> None:
    session.flush()
    kept, brute = _kept(session), _brute(session)
    assert {k: v[:2] for k, v in kept.items()} == {k: v[:2] for k, v in brute.items()}
    for key, (_, _, lats, lons) in brute.items():
        assert math.isclose(kept[key][2], lats, abs_tol=1e-6)
        assert math.isclose(kept[key][3], lons, abs_tol=1e-6)


def _themes(session: Session) -> None:
    for slug in SLUGS:
        session.add(Theme(slug=slug, name=slug))
    session.flush()


def _data(rng: random.Random, i: int, **kw: object) -> SiteCreate:
    lon, lat = _point(rng)
    themes = {s: 1.0 for s in SLUGS if rng.random() < 0.35} or None
    fields: dict[str, object] = {
        "name": f"站点{i}",
        "category": rng.choice(CATEGORIES),
        "period": rng.choice([None, Period.founding, Period.liberation_war]),
        "protection": rng.choice([None, Protection.national, Protection.county]),
        "district": rng.choice([None, "武昌区", "江岸区"]),
        "lon": lon,
        "lat": lat,
        "themes": themes,
    }
    fields.update(kw)
    return SiteCreate(**fields)  # type: ignore[arg-type]


def _create(session: Session, rng: random.Random, n: int, **kw: object) -> list[Site]:
    return [create_site(session, _data(rng, rng.randrange(10**9), **kw)) for _ in range(n)]


def test_facets_follow_every_write(session: Session) -> None:
    rng = random.Random(17)
    _themes(session)
    published = _create(session, rng, 60, status=Status.published)
    drafts = _create(session, rng, 20)
    create_site(session, SiteCreate(name="无坐标", category=Category.museum, status="published"))
    session.commit()
    _assert_kept_equals_brute(session)
    assert any(k[0] == "themes" and k[1] == "" for k in _kept(session))

    # move, recategorise, change period/protection/district, publish, unpublish, archive
    for site in published[:8]:
        lon, lat = _point(rng)
        update_site(session, site, SiteUpdate(lon=lon, lat=lat))
    for site in published[8:14]:
        update_site(session, site, SiteUpdate(category=Category.martyrs_cemetery))
    update_site(session, published[14], SiteUpdate(period=Period.new_era, district="洪山区"))
    update_site(session, published[15], SiteUpdate(protection=None, lon=None, lat=None))
    update_site(session, published[16], SiteUpdate(name="只改名字"))
    for site in drafts[:6]:
        set_status(session, site, Status.published, actor="test")
    for site in published[17:22]:
        set_status(session, site, Status.archived, actor="test")
    set_status(session, published[22], Status.draft, actor="test")
    session.commit()
    _assert_kept_equals_brute(session)

    # theme links made and removed, by the editor's path and in plain SQL
    update_site(session, published[23], SiteUpdate(themes={"martyrs": 0.5, "founding": 1.0}))
    update_site(session, published[24], SiteUpdate(themes={}))
    update_site(session, drafts[10], SiteUpdate(themes={"long-march": 1.0}))
    conn = session.connection()
    conn.execute(text("DELETE FROM sitetheme WHERE site_id = :s"), {"s": published[25].id})
    conn.execute(
        text(
            "INSERT INTO sitetheme (site_id, theme_id, weight) SELECT :s, id, 1 FROM theme "
            "WHERE id NOT IN (SELECT theme_id FROM sitetheme WHERE site_id = :s)"
        ),
        {"s": published[26].id},
    )
    conn.execute(
        text("UPDATE sitetheme SET site_id = :s WHERE site_id = :o"),
        {"s": published[27].id, "o": published[28].id},
    )
    conn.execute(text("UPDATE sitetheme SET weight = 0.3"))  # weights are not counted
    session.commit()
    _assert_kept_equals_brute(session)

    # delete sites with their links (the foreign key deletes them), a theme with its links
    for site in (published[30], published[31], drafts[15]):
        session.connection().execute(text("DELETE FROM site WHERE id = :id"), {"id": site.id})
    session.connection().execute(text("DELETE FROM theme WHERE slug = 'martyrs'"))
    session.commit()
    _assert_kept_equals_brute(session)

    # a rolled-back write leaves the counts as they were
    before = _kept(session)
    _create(session, rng, 5, status=Status.published, themes={"founding": 1.0})
    update_site(session, published[40], SiteUpdate(themes={"long-march": 1.0}))
    session.flush()
    assert _kept(session) != before
    session.rollback()
    assert _kept(session) == before

    # the import's bulk path (sites, then their links)
    items = [
        NewSite(_data(rng, i, status=Status.published if i % 3 else Status.draft), f"imp-{i}")
        for i in range(200)
    ]
    theme_ids = {t.slug: pk for t in session.exec(select(Theme)) if (pk := t.id) is not None}
    items = [i for i in items if not (i.data.themes or {}).keys() - theme_ids.keys()]
    insert_sites(session, items, theme_ids=theme_ids, actor="test")
    session.commit()
    _assert_kept_equals_brute(session)


FILTERS = [
    MapFilter(category=Category.museum),
    MapFilter(period=Period.founding),
    MapFilter(protection=Protection.national),
    MapFilter(district="武昌区"),
    MapFilter(theme="martyrs"),
    MapFilter(theme="nobody"),
    MapFilter(shown_themes=("founding", "long-march"), untagged=True),  # martyrs toggled off
    MapFilter(shown_themes=("founding",), untagged=False),
    MapFilter(shown_themes=(), untagged=True),
    MapFilter(theme="founding", shown_themes=("martyrs",), untagged=True),
]


def test_filtered_tiles_are_sums_of_the_facets(session: Session) -> None:
    """Up to zoom 8, a tile filtered on one facet holds what grouping the sites finds, for
    every filter of `FILTERS` on one catalogue, in up to 16 tiles a zoom."""
    rng = random.Random(29)
    _themes(session)
    _create(session, rng, 150, status=Status.published)
    _create(session, rng, 20)
    session.commit()
    published = select(Site).where(col(Site.status) == Status.published)
    located = [s for s in session.exec(published) if s.lat is not None and s.lon is not None]
    pick = random.Random(30)
    for flt in FILTERS:
        assert _facet(session, flt) is not None, flt
        for z in (0, 3, 5, 8):
            side = 1 << z
            tiles = {
                (
                    min(side - 1, int((s.lon + 180) / 360 * side)),  # type: ignore[operator]
                    map_cells.cell_of(s.lat, s.lon)[1] >> (map_cells.CELL_ZOOM - z),
                )
                for s in located
            }
            for x, y in pick.sample(sorted(tiles), min(len(tiles), 16)):
                summed = tile_clusters(session, Tile(z, x, y), flt)
                grouped = _grid(session, Tile(z, x, y).bounds(), flt, 8)
                assert summed.total == grouped.total, (flt, z, x, y)
                assert set(summed.singles) <= {s.id for s in located}
                assert all(c[2] >= 2 for c in summed.clusters)


def test_several_filters_at_once_are_not_facets(session: Session) -> None:
    """Two facets at once are not kept in ``mapfacet``: the tile is read from the profiles
    (tests/catalog/test_map_profiles.py), with the totals of grouping ``site``."""
    rng = random.Random(31)
    _themes(session)
    _create(session, rng, 60, status=Status.published)
    session.commit()
    flt = MapFilter(category=Category.museum, theme="founding")
    assert _facet(session, flt) is None
    tile = Tile(3, 6, 3)
    assert tile_clusters(session, tile, flt).total == _grid(session, tile.bounds(), flt, 8).total


@pytest.mark.parametrize("existing", [5, 0])
def test_a_large_import_recounts_the_facets(
    session: Session, monkeypatch: pytest.MonkeyPatch, existing: int
) -> None:
    """Above the bulk threshold SQLite's import drops the triggers and recounts at the end;
    PostgreSQL's does into an empty registry (a first load: `existing` 0)."""
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 50)
    finished = spy_first_load_finish(monkeypatch)
    rng = random.Random(37)
    _themes(session)
    _create(session, rng, existing, status=Status.published)
    session.commit()
    items = [NewSite(_data(rng, i, status=Status.published), f"bulk-{i}") for i in range(120)]
    theme_ids = {t.slug: pk for t in session.exec(select(Theme)) if (pk := t.id) is not None}
    insert_sites(session, items, theme_ids=theme_ids, actor="test")
    session.commit()
    first_pg_load = session.get_bind().dialect.name == "postgresql" and not existing
    assert finished == ([1] if first_pg_load else [])
    _assert_kept_equals_brute(session)
    _create(session, rng, 3, status=Status.published)  # the triggers are back
    session.commit()
    _assert_kept_equals_brute(session)


def test_init_puts_back_triggers_a_migration_dropped(session: Session, engine: Engine) -> None:
    rng = random.Random(41)
    _themes(session)
    _create(session, rng, 10, status=Status.published)
    session.commit()
    with engine.begin() as conn:
        for stmt in map_facets.drop_statements(engine.dialect.name):
            conn.exec_driver_sql(stmt)
    init_db(engine)
    _create(session, rng, 5, status=Status.published)
    session.commit()
    _assert_kept_equals_brute(session)
    with engine.begin() as conn:
        assert not map_facets.ensure(conn)


def test_migration_0028_down_and_up(session: Session, engine: Engine) -> None:
    """Downgrading removes the table and its triggers; upgrading counts the sites held."""
    rng = random.Random(43)
    _themes(session)
    _create(session, rng, 20, status=Status.published)
    session.commit()
    session.close()
    cfg = alembic_config(engine)
    try:
        command.downgrade(cfg, "0027")
        with engine.connect() as conn:
            assert map_facets.TABLE not in inspect(conn).get_table_names()
        with Session(engine) as s:  # writes without the triggers must not fail
            _create(s, rng, 3, status=Status.published)
            s.commit()
    finally:
        command.upgrade(cfg, "head")
    with Session(engine) as s:
        _assert_kept_equals_brute(s)


def test_one_theme_off_subtracts_from_all_sites(session: Session) -> None:
    """The layer control with one theme off reads the few sets of themes it hides, not the
    many it shows."""
    rng = random.Random(47)
    _themes(session)
    _create(session, rng, 40, status=Status.published)
    session.commit()
    facet = _facet(session, MapFilter(shown_themes=("founding", "long-march")))
    assert facet is not None
    assert facet.others
    assert [map_facets.key_ids(v) for v in facet.values] == [
        {session.exec(select(Theme.id).where(Theme.slug == "martyrs")).one()}
    ]
