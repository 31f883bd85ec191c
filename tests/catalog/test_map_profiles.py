"""The map's counts kept per profile (`catalog.map_profiles`) against a brute-force count of the
sites and their theme links, after every kind of write, on both engines; and tiles filtered on
several facets read from them against the matching sites counted cell by cell."""

from __future__ import annotations

import math
import random
from collections import defaultdict

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, col, select

from redres.catalog import bulk, map_cells, map_facets, map_profiles
from redres.catalog.bulk import NewSite, insert_sites
from redres.catalog.enums import Category, Period, Protection, Status
from redres.catalog.map_clusters import MapFilter, Tile, _facet, _grid, _profile, tile_clusters
from redres.catalog.models import Site, SiteTheme, Theme
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import create_site, set_status, update_site
from redres.db import alembic_config, init_db
from tests.catalog.test_io_helpers import spy_first_load_finish
from tests.catalog.test_map_facets import _create, _data, _point, _themes

Key = tuple[int, int, str, str, str, str, str]
Sums = tuple[int, int, float, float]


def _kept(session: Session) -> dict[Key, Sums]:
    rows = session.connection().execute(
        text(
            "SELECT z, q, category, period, protection, district, themes, n, id_sum, lat_sum, "
            "lon_sum FROM mapprofile"
        )
    )
    return {tuple(r[:7]): (int(r[7]), int(r[8]), float(r[9]), float(r[10])) for r in rows}  # type: ignore[misc]


def _links(session: Session) -> dict[int, list[int]]:
    links: dict[int, list[int]] = defaultdict(list)
    for link in session.exec(select(SiteTheme)):
        links[link.site_id].append(link.theme_id)
    return links


def _located(session: Session) -> list[Site]:
    """The published sites with a point, as stored (raw SQL writes them behind the session)."""
    published = select(Site).where(col(Site.status) == Status.published)
    published = published.execution_options(populate_existing=True)
    return [s for s in session.exec(published) if s.lat is not None and s.lon is not None]


def _brute(session: Session) -> dict[Key, Sums]:
    """Per level, cell and profile: count, sum of ids and of positions of the published sites
    with a point."""
    links = _links(session)
    rows: dict[Key, Sums] = {}
    for site in _located(session):
        assert site.id is not None
        assert site.lat is not None
        assert site.lon is not None
        x, y = map_cells.cell_of(site.lat, site.lon)
        values = tuple(str(getattr(site, c) or "") for c in map_facets.COLUMNS)
        themes = map_facets.theme_key(links[site.id])
        for level in map_profiles.LEVELS:
            q = map_profiles.morton(x, y) >> (2 * (map_cells.CELL_ZOOM - level))
            key: Key = (level, q, *values, themes)  # type: ignore[assignment]
            n, ids, lats, lons = rows.get(key, (0, 0, 0.0, 0.0))
            rows[key] = (n + 1, ids + site.id, lats + site.lat, lons + site.lon)
    return rows


def _assert_kept_equals_brute(session: Session) -> None:
    session.flush()
    kept, brute = _kept(session), _brute(session)
    assert {k: v[:2] for k, v in kept.items()} == {k: v[:2] for k, v in brute.items()}
    for key, (_, _, lats, lons) in brute.items():
        assert math.isclose(kept[key][2], lats, abs_tol=1e-6)
        assert math.isclose(kept[key][3], lons, abs_tol=1e-6)


def test_profiles_follow_every_write(session: Session) -> None:
    rng = random.Random(53)
    _themes(session)
    published = _create(session, rng, 60, status=Status.published)
    drafts = _create(session, rng, 20)
    create_site(session, SiteCreate(name="无坐标", category=Category.museum, status="published"))
    session.commit()
    _assert_kept_equals_brute(session)
    assert {k[0] for k in _kept(session)} == set(map_profiles.LEVELS)

    for site in published[:8]:
        lon, lat = _point(rng)
        update_site(session, site, SiteUpdate(lon=lon, lat=lat))
    for site in published[8:14]:
        update_site(session, site, SiteUpdate(category=Category.martyrs_cemetery))
    update_site(session, published[14], SiteUpdate(period=Period.new_era, district="洪山区"))
    update_site(session, published[15], SiteUpdate(protection=None, lon=None, lat=None))
    update_site(session, published[16], SiteUpdate(name="只改名字"))
    update_site(session, published[17], SiteUpdate(district=""))
    for site in drafts[:6]:
        set_status(session, site, Status.published, actor="test")
    for site in published[18:22]:
        set_status(session, site, Status.archived, actor="test")
    set_status(session, published[22], Status.draft, actor="test")
    session.commit()
    _assert_kept_equals_brute(session)

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
    conn.execute(text("DELETE FROM sitetheme WHERE site_id = :s"), {"s": published[27].id})
    conn.execute(
        text("UPDATE sitetheme SET site_id = :s WHERE site_id = :o"),
        {"s": published[27].id, "o": published[28].id},
    )
    conn.execute(text("UPDATE site SET category = 'monument' WHERE id % 3 = 0"))  # many at once
    session.commit()
    _assert_kept_equals_brute(session)

    for site in (published[30], published[31], drafts[15]):
        session.connection().execute(text("DELETE FROM site WHERE id = :id"), {"id": site.id})
    session.connection().execute(text("DELETE FROM theme WHERE slug = 'martyrs'"))
    session.commit()
    _assert_kept_equals_brute(session)

    before = _kept(session)
    _create(session, rng, 5, status=Status.published, themes={"founding": 1.0})
    update_site(session, published[40], SiteUpdate(themes={"long-march": 1.0}, lat=20.0, lon=110.0))
    session.flush()
    assert _kept(session) != before
    session.rollback()
    assert _kept(session) == before

    items = [
        NewSite(_data(rng, i, status=Status.published if i % 3 else Status.draft), f"imp-{i}")
        for i in range(200)
    ]
    theme_ids = {t.slug: pk for t in session.exec(select(Theme)) if (pk := t.id) is not None}
    items = [i for i in items if not (i.data.themes or {}).keys() - theme_ids.keys()]
    insert_sites(session, items, theme_ids=theme_ids, actor="test")
    session.commit()
    _assert_kept_equals_brute(session)


MUSEUM, NATIONAL = Category.museum, Protection.national
SEVERAL = [
    MapFilter(category=MUSEUM, protection=NATIONAL),
    MapFilter(category=MUSEUM, period=Period.founding, protection=Protection.county),
    MapFilter(category=Category.monument, district="武昌区"),
    MapFilter(category=MUSEUM, theme="martyrs"),
    MapFilter(protection=NATIONAL, shown_themes=("founding", "long-march"), untagged=True),
    MapFilter(period=Period.liberation_war, shown_themes=("founding",), untagged=False),
    MapFilter(category=MUSEUM, shown_themes=(), untagged=True),
    MapFilter(category=MUSEUM, shown_themes=(), untagged=False),
    MapFilter(district="江岸区", theme="nobody"),
    MapFilter(
        category=MUSEUM,
        period=Period.founding,
        protection=NATIONAL,
        district="武昌区",
        theme="founding",
        shown_themes=("martyrs",),
    ),
]


def _matches(site: Site, themes: set[str], flt: MapFilter) -> bool:
    """Whether `flt` shows `site` (linked to the themes `themes`), as `_conditions` says."""
    for name in ("category", "period", "protection", "district"):
        wanted = getattr(flt, name)
        if wanted is not None and getattr(site, name) != wanted:
            return False
    if flt.theme is not None and flt.theme not in themes:
        return False
    if flt.shown_themes is None:
        return True
    return bool(themes & set(flt.shown_themes)) or (flt.untagged and not themes)


def test_tiles_on_several_facets_are_sums_of_the_profiles(session: Session) -> None:
    """Up to zoom 8 a tile filtered on several facets holds, cell by cell, the matching
    sites: their number, mean position, and the id of a site alone. One catalogue for every
    filter of `SEVERAL` (making it is most of the test's time)."""
    rng = random.Random(59)
    _themes(session)
    _create(session, rng, 150, status=Status.published)
    _create(session, rng, 20)
    session.commit()
    slugs = {t.id: t.slug for t in session.exec(select(Theme))}
    links = _links(session)
    located = _located(session)
    for flt in SEVERAL:
        assert _facet(session, flt) is None, flt
        assert _profile(session, flt) is not None, flt
        shown = [s for s in located if _matches(s, {slugs[t] for t in links[s.id or 0]}, flt)]
        _assert_tiles_hold(session, flt, shown, random.Random(61))


def _assert_tiles_hold(
    session: Session, flt: MapFilter, shown: list[Site], rng: random.Random
) -> None:
    """Some tiles of each zoom up to 8 (and an empty one) hold exactly the `shown` sites."""
    for z in (0, 3, 5, 6, 8):
        cells: dict[tuple[int, int, int, int], list[Site]] = defaultdict(list)
        for s in shown:
            x, y = map_cells.cell_of(s.lat, s.lon)
            shift = map_cells.CELL_ZOOM - z
            cells[x >> shift, y >> shift, x >> (shift - 3), y >> (shift - 3)].append(s)
        held = sorted({k[:2] for k in cells})
        for tx, ty in [(0, 0), *rng.sample(held, min(len(held), 12))]:
            at = (flt, z, tx, ty)
            mine = [c for k, c in cells.items() if k[:2] == (tx, ty)]
            got = tile_clusters(session, Tile(z, tx, ty), flt)
            assert got.singles == sorted(c[0].id for c in mine if len(c) == 1), at
            expected = sorted(
                (len(c), sum(s.lat for s in c) / len(c), sum(s.lon for s in c) / len(c))  # type: ignore[misc]
                for c in mine
                if len(c) > 1
            )
            counted = sorted((n, lat, lon) for lat, lon, n in got.clusters)
            assert [c[0] for c in counted] == [c[0] for c in expected], at
            for a, b in zip(counted, expected, strict=True):
                assert math.isclose(a[1], b[1], abs_tol=1e-5), at
                assert math.isclose(a[2], b[2], abs_tol=1e-5), at
            if z == 3:  # the same totals as grouping the sites (a slower check)
                assert got.total == _grid(session, Tile(z, tx, ty).bounds(), flt, 8).total, at


def test_an_empty_district_is_grouped_from_the_sites(session: Session) -> None:
    """The profiles count an empty district with none; a filter on it groups the sites."""
    rng = random.Random(61)
    _themes(session)
    _create(session, rng, 10, status=Status.published, district="")
    _create(session, rng, 10, status=Status.published, district=None)
    session.commit()
    flt = MapFilter(category=Category.museum, district="")
    assert _profile(session, flt) is None
    tile = Tile(0, 0, 0)
    wanted = sum(1 for s in _located(session) if s.district == "" and s.category == MUSEUM)
    assert tile_clusters(session, tile, flt).total == wanted


@pytest.mark.parametrize("existing", [5, 0])
def test_a_large_import_recounts_the_profiles(
    session: Session, monkeypatch: pytest.MonkeyPatch, existing: int
) -> None:
    """Above the bulk threshold SQLite's import drops the triggers and recounts at the end;
    PostgreSQL's does into an empty registry (a first load: `existing` 0)."""
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 50)
    finished = spy_first_load_finish(monkeypatch)
    rng = random.Random(67)
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
    _create(session, rng, 3, status=Status.published, themes={"martyrs": 1.0})
    session.commit()
    _assert_kept_equals_brute(session)


def test_init_puts_back_triggers_a_migration_dropped(session: Session, engine: Engine) -> None:
    rng = random.Random(71)
    _themes(session)
    _create(session, rng, 10, status=Status.published)
    session.commit()
    with engine.begin() as conn:
        for stmt in map_profiles.drop_statements(engine.dialect.name):
            conn.exec_driver_sql(stmt)
    init_db(engine)
    _create(session, rng, 5, status=Status.published)
    session.commit()
    _assert_kept_equals_brute(session)
    with engine.begin() as conn:
        assert not map_profiles.ensure(conn)


def test_migration_0029_down_and_up(session: Session, engine: Engine) -> None:
    """Downgrading removes the table and its triggers; upgrading counts the sites held."""
    rng = random.Random(73)
    _themes(session)
    _create(session, rng, 20, status=Status.published)
    session.commit()
    session.close()
    cfg = alembic_config(engine)
    try:
        command.downgrade(cfg, "0028")
        with engine.connect() as conn:
            assert map_profiles.TABLE not in inspect(conn).get_table_names()
        with Session(engine) as s:  # writes without the triggers must not fail
            _create(s, rng, 3, status=Status.published)
            s.commit()
    finally:
        command.upgrade(cfg, "head")
    with Session(engine) as s:
        _assert_kept_equals_brute(s)


def test_tile_cells_names_its_facets() -> None:
    with pytest.raises(ValueError, match="not a facet of mapprofile: colour"):
        map_profiles.tile_cells(None, {"colour": "red"}, None, (3, 6, 3))  # type: ignore[arg-type]
