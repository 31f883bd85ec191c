"""`/api/map/clusters` and the site maps' server mode: counts against a brute-force count,
filters, drafts, cache headers and invalidation, parameter checks."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from redres.catalog.enums import Category, Status
from redres.catalog.models import Site, SiteTheme, Theme
from redres.catalog.sites import set_status
from redres.config import Settings
from tests.api.conftest import MakeClient

# On both engines in every run: cell counts and clusters are different SQL on each engine.
pytestmark = pytest.mark.both_engines

CATS = [Category.memorial_hall, Category.museum, Category.former_residence]
THEMES = ["long-march", "martyrs", "founding"]
CENTRES = [(114.3, 30.6), (116.4, 39.9), (112.5, 28.2), (106.7, 26.6)]


@dataclass(frozen=True)
class Row:
    """What the brute-force count needs of one site."""

    id: int
    lon: float
    lat: float
    status: Status
    category: Category
    themes: tuple[str, ...]


def _bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """A web-map tile's (west, south, east, north), written out here independently."""
    n = 2**z

    def lat(row: int) -> float:
        if row == 0:
            return 90.0
        if row == n:
            return -90.0
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = min(n - 1, int((lon + 180) / 360 * n))
    r = math.radians(lat)
    y = min(n - 1, int((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n))
    return x, y


def _brute(rows: list[Row], z: int, x: int, y: int, **flt: object) -> int:
    west, south, east, north = _bounds(z, x, y)
    return sum(
        1
        for r in rows
        if r.status == Status.published
        and west <= r.lon < east
        and south <= r.lat < north
        and (flt.get("category") is None or r.category == flt["category"])
        and (flt.get("theme") is None or flt["theme"] in r.themes)
    )


def _total(answer: dict[str, object]) -> int:
    clusters = answer["clusters"]
    sites = answer["sites"]
    assert isinstance(clusters, list)
    assert isinstance(sites, list)
    return sum(c[2] for c in clusters) + len(sites)


@pytest.fixture
def rows(session: Session) -> list[Row]:
    """300 sites around four cities (some on tile edges, a pile at one spot), a fifth drafts."""
    rng = random.Random(19)
    themes = [Theme(slug=s, name=f"主题{i}") for i, s in enumerate(THEMES)]
    session.add_all(themes)
    session.flush()
    made: list[Row] = []
    links: list[SiteTheme] = []
    for i in range(300):
        cx, cy = rng.choice(CENTRES)
        lon, lat = round(cx + rng.gauss(0, 1.5), 6), round(cy + rng.gauss(0, 1.0), 6)
        if i % 37 == 0:
            lon = 112.5  # a tile edge from zoom 4 on
        if i % 41 == 0:
            lon, lat = 114.305, 30.593  # a pile of sites at one spot
        status = Status.draft if i % 5 == 0 else Status.published
        category = CATS[i % 3]
        session.add(
            Site(
                id=i + 1,
                slug=f"s-{i}",
                name=f"站点{i}",
                category=category,
                lon=lon,
                lat=lat,
                status=status,
            )
        )
        linked = tuple(t.slug for j, t in enumerate(themes) if (i >> j) & 1)
        links += [SiteTheme(site_id=i + 1, theme_id=t.id) for t in themes if t.slug in linked]
        made.append(Row(i + 1, lon, lat, status, category, linked))
    session.add(
        Site(id=1000, slug="nowhere", name="位置待考", category=Category.other, status="published")
    )
    session.flush()
    session.add_all(links)
    session.commit()
    return made


@pytest.fixture
def api(engine: Engine, make_client: MakeClient) -> TestClient:
    return make_client(engine, Settings(database_url="sqlite://", map_server_threshold=10))


def test_tile_counts_match_a_brute_force_count(rows: list[Row], api: TestClient) -> None:
    rng = random.Random(7)
    published = [r for r in rows if r.status == Status.published]
    # whole zoom levels add up to every published located site, drafts never counted
    for z in (0, 2):
        n = 2**z
        total = 0
        for x in range(n):
            for y in range(n):
                total += _total(
                    api.get("/api/map/clusters", params={"z": z, "x": x, "y": y}).json()
                )
        assert total == len(published)
    # random tiles holding sites, at every zoom, and random tiles anywhere
    tiles = []
    for _ in range(40):
        r = rng.choice(rows)
        z = rng.randrange(0, 20)
        tiles.append((z, *_tile_of(r.lon, r.lat, z)))
    for _ in range(10):
        z = rng.randrange(0, 20)
        tiles.append((z, rng.randrange(2**z), rng.randrange(2**z)))
    for z, x, y in tiles:
        answer = api.get("/api/map/clusters", params={"z": z, "x": x, "y": y}).json()
        assert _total(answer) == _brute(rows, z, x, y), (z, x, y)
        assert len(answer["clusters"]) + len(answer["sites"]) <= 64 or z >= 16
        assert all(c[2] >= 2 for c in answer["clusters"])


def test_clusters_sit_inside_their_tile_and_singles_carry_popup_rows(
    rows: list[Row], api: TestClient
) -> None:
    x, y = _tile_of(114.3, 30.6, 6)
    west, south, east, north = _bounds(6, x, y)
    answer = api.get("/api/map/clusters", params={"z": 6, "x": x, "y": y}).json()
    assert answer["tile"] == [6, x, y]
    for lat, lon, _ in answer["clusters"]:
        assert south <= lat < north
        assert west <= lon < east
    # from zoom 17 every site is its own marker: the pile of sites at one spot too
    x, y = _tile_of(114.305, 30.593, 17)
    deep = api.get("/api/map/clusters", params={"z": 17, "x": x, "y": y}).json()
    pile = [r for r in rows if (r.lon, r.lat) == (114.305, 30.593) and r.status == "published"]
    assert deep["clusters"] == []
    assert len(deep["sites"]) == len(pile) > 1
    row = deep["sites"][0]
    assert row[4].startswith("站点")
    assert row[5].startswith("s-")
    assert isinstance(row[3], list)  # theme indices, as in sites.json


def test_filters_and_theme_toggles(rows: list[Row], api: TestClient) -> None:
    z, x, y = 3, *_tile_of(114.3, 30.6, 3)

    def count(**params: object) -> int:
        r = api.get("/api/map/clusters", params={"z": z, "x": x, "y": y, **params})
        assert r.status_code == 200, r.text
        return _total(r.json())

    assert count(category="museum") == _brute(rows, z, x, y, category=Category.museum)
    assert count(theme="martyrs") == _brute(rows, z, x, y, theme="martyrs")
    in_tile = [
        r
        for r in rows
        if r.status == Status.published and _brute([r], z, x, y) == 1  # the same tile
    ]
    shown = {"long-march", "founding"}
    assert count(themes="long-march,founding", untagged="false") == sum(
        1 for r in in_tile if shown & set(r.themes)
    )
    assert count(themes="long-march,founding", untagged="true") == sum(
        1 for r in in_tile if shown & set(r.themes) or not r.themes
    )
    assert count(themes="", untagged="true") == sum(1 for r in in_tile if not r.themes)
    assert count(themes="", untagged="false") == 0
    assert count(category="museum", theme="martyrs") == sum(
        1 for r in in_tile if r.category == Category.museum and "martyrs" in r.themes
    )


def test_parameters_are_checked(api: TestClient) -> None:
    cases = [
        ({"z": 20, "x": 0, "y": 0}, "z"),
        ({"z": 2, "x": 4, "y": 0}, "x and y must be between 0 and 3 at zoom 2"),
        ({"z": 2, "x": 0, "y": -1}, "y"),
        ({"z": 2, "x": 0}, "y"),
        ({"z": 2, "x": 0, "y": 0, "category": "castle"}, "category"),
        ({"z": 2, "x": 0, "y": 0, "themes": ",".join(f"t{i}" for i in range(101))}, "at most 100"),
        ({"z": 2, "x": 0, "y": 0, "lang": "fr"}, "lang"),
    ]
    for params, words in cases:
        r = api.get("/api/map/clusters", params=params)
        assert r.status_code == 422, params
        assert words in r.text, r.text


def test_answers_are_tagged_by_catalogue_version_and_change_on_publish(
    rows: list[Row], session: Session, api: TestClient
) -> None:
    draft = next(r for r in rows if r.status == Status.draft)
    z, x, y = 5, *_tile_of(draft.lon, draft.lat, 5)
    params = {"z": z, "x": x, "y": y}
    first = api.get("/api/map/clusters", params=params)
    assert first.headers["cache-control"] == "public, max-age=60"
    etag = first.headers["etag"]
    assert (
        api.get("/api/map/clusters", params=params, headers={"If-None-Match": etag}).status_code
        == 304
    )
    site = session.exec(select(Site).where(Site.id == draft.id)).one()
    set_status(session, site, Status.published, actor="test")
    session.commit()
    again = api.get("/api/map/clusters", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.headers["etag"] != etag
    assert _total(again.json()) == _total(first.json()) + 1


def test_site_map_switches_to_tiles_above_the_threshold(
    rows: list[Row], engine: Engine, make_client: MakeClient, api: TestClient
) -> None:
    page = api.get("/maps/sites.html", params={"category": "museum", "lang": "en"}).text
    assert r'tiles: "/api/map/clusters?category=museum\u0026lang=en"' in page
    assert "url: null" in page
    assert "sites.json" not in page
    assert api.get("/maps/sites.html", params={"category": "castle"}).status_code == 422
    # a name search shows its own hits, from sites.json, as below the threshold
    assert "sites.json?q=" in api.get("/maps/sites.html", params={"q": "站点"}).text
    themed = api.get("/maps/themes/martyrs.html").text
    assert 'tiles: "/api/map/clusters?theme=martyrs"' in themed
    below = make_client(engine, Settings(database_url="sqlite://", map_server_threshold=1000))
    assert 'url: "sites.json"' in below.get("/maps/sites.html").text
