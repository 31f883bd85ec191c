"""Public lists that ship with redres and load into the catalogue as sites (`redres datasets`).

The first is the national key cultural relic protection units (全国重点文物保护单位): the facts
of the State Council's eight notices, without points (no coordinate file with a licence exists).
A deployer who holds a third-party coordinate file attaches it with `points`; each point keeps
where it came from and in which system it was given, and points a file shares between several
units (a geocoder's fallback) are flagged approximate.

Loading is idempotent: a unit is keyed by its batch, province and name (as `code`), so a second
load changes nothing and a corrected list updates only what changed. A unit the catalogue
already holds under another code (same name or alias, e.g. a demo site) is left to its editors.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from redres.catalog import sites as site_ops
from redres.catalog.bulk import NewSite, insert_sites
from redres.catalog.enums import Category, Protection, Status
from redres.catalog.io.third_party_points import PointsFile, ThirdPartyPoint, match_key
from redres.catalog.models import Site
from redres.catalog.partial_dates import read_years
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.slugs import slugify

DATA_DIR = Path(__file__).resolve().parent / "data" / "datasets"
ACTOR = "datasets"
MODERN = "近现代重要史迹及代表性建筑"


@dataclass(frozen=True, slots=True)
class Dataset:
    """A bundled list: where its rows are and what they come from."""

    name: str
    title: str
    path: Path
    source: str
    code_prefix: str


DATASETS = {
    d.name: d
    for d in [
        Dataset(
            name="national-key-units",
            title="全国重点文物保护单位（第一至八批）",
            path=DATA_DIR / "national-key-units.csv",
            source=(
                "国务院公布的八批全国重点文物保护单位名单（1961-2019），据 Ye, Wang, Chen 等, "
                "Spatial Distribution Dataset of 5058 National Key Protected Cultural Relic Units "
                "of China（DOI 10.3974/geodp.2023.04.03）表1转录"
            ),
            code_prefix="nku-",
        )
    ]
}


@dataclass(slots=True)
class DatasetLoad:
    """What a load did, for the command's report."""

    dataset: str
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    held_elsewhere: list[str] = field(default_factory=list)
    """Units the catalogue already holds under another code (by name or alias)."""
    located: int = 0
    approximate: int = 0
    unmatched_points: int = 0
    years_not_read: int = 0


@dataclass(frozen=True, slots=True)
class _Unit:
    """One row of a list, as the notices give it."""

    batch: str
    number: str
    classification: str
    name: str
    era: str
    address: str
    kind: str
    province: str


def load_dataset(
    session: Session,
    dataset: Dataset,
    *,
    status: Status = Status.draft,
    points: PointsFile | None = None,
    points_label: str = "",
) -> DatasetLoad:
    """Add or refresh the sites of `dataset` in the caller's transaction (never commits)."""
    report = DatasetLoad(dataset=dataset.name)
    located = _index_points(points)
    used: set[tuple[str, str]] = set()
    existing = {
        s.code: s
        for s in session.exec(select(Site).where(col(Site.code).startswith(dataset.code_prefix)))
    }
    others = _names_held(session, dataset.code_prefix)
    taken = set(session.exec(select(Site.slug)))
    new: list[NewSite] = []
    for unit in _units(dataset.path):
        report.rows += 1
        key = match_key(unit.name, unit.province)
        point = located.get(key)
        if point is not None:
            used.add(key)
        fields = _fields(unit, dataset, point, points, points_label, report)
        code = fields["code"]
        site = existing.get(code)
        if site is None and key[0] in others:
            report.held_elsewhere.append(unit.name)
            continue
        if point is not None:
            report.located += 1
            report.approximate += point.shared
        if site is None:
            slug = _free(slugify(unit.name), taken)
            new.append(NewSite(SiteCreate(**fields, status=status), slug))
            continue
        changed = _changes(site, fields, keep_point=point is None)
        if changed:
            site_ops.update_site(session, site, SiteUpdate(**changed), actor=ACTOR)
            report.updated += 1
        else:
            report.unchanged += 1
    if new:
        insert_sites(session, new, theme_ids={}, actor=ACTOR)
    report.added = len(new)
    report.unmatched_points = len(located) - len(used)
    return report


def _units(path: Path) -> Iterator[_Unit]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield _Unit(
                batch=row["批次"],
                number=row["编号"],
                classification=row["分类号"],
                name=row["名称"],
                era=row["时代"],
                address=row["地址"],
                kind=row["类型"],
                province=row["省份"],
            )


_CATEGORY_WORDS: list[tuple[str, Category, bool]] = [
    ("烈士陵园", Category.martyrs_cemetery, True),
    ("烈士墓", Category.martyrs_cemetery, True),
    ("纪念馆", Category.memorial_hall, True),
    ("纪念碑", Category.monument, True),
    ("纪念塔", Category.monument, True),
    ("博物馆", Category.museum, False),
    ("博物苑", Category.museum, False),
    ("故居", Category.former_residence, False),
    ("旧居", Category.former_residence, False),
    ("旧址", Category.former_site, True),
    ("会址", Category.former_site, True),
    ("遗址", Category.former_site, True),
]
"""Name words that say what kind of place a unit is; the flag limits a word to the modern
category (an ancient 遗址 is an archaeological site, not a former site of the revolution)."""


def category_of(name: str, kind: str) -> Category:
    """Our category for a unit, from its name and the list's category; else `other`."""
    for word, category, modern_only in _CATEGORY_WORDS:
        if word in name and (kind == MODERN or not modern_only):
            return category
    return Category.other


def _fields(
    unit: _Unit,
    dataset: Dataset,
    point: ThirdPartyPoint | None,
    points: PointsFile | None,
    points_label: str,
    report: DatasetLoad,
) -> dict[str, Any]:
    """The site fields a unit gives (its point only when the points file has one)."""
    digest = hashlib.sha1(f"{unit.batch}|{unit.province}|{unit.name}".encode()).hexdigest()[:12]
    years = None
    if unit.era:
        try:
            years = read_years(unit.era)
        except ValueError:
            report.years_not_read += 1
    designation = f"全国重点文物保护单位（{unit.batch}）"
    if unit.classification:
        designation += f" {unit.classification}"
    fields: dict[str, Any] = {
        "code": dataset.code_prefix + digest,
        "name": unit.name[:200],
        "category": category_of(unit.name, unit.kind),
        "protection": Protection.national,
        "designations": [designation, unit.kind] if unit.kind else [designation],
        "address": unit.address[:300] or None,
        "years": years,
    }
    if point is not None and points is not None:
        inferred = "（按文件格式推断）" if points.crs_inferred else ""
        fields |= {
            "lon": round(point.lon, 7),
            "lat": round(point.lat, 7),
            "point_source": f"第三方坐标文件 {points_label}"[:300],
            "point_crs": points.crs,
            "point_note": (
                f"按名称与省份匹配；原坐标系 {points.crs}{inferred}"
                + ("；该点为文件中多个单位共用的位置，仅为近似" if point.shared else "")
            ),
            "point_approximate": point.shared,
        }
    return fields


_POINT_FIELDS = ("lon", "lat", "point_source", "point_crs", "point_note", "point_approximate")


def _changes(site: Site, fields: dict[str, Any], *, keep_point: bool) -> dict[str, Any]:
    """The fields whose stored value differs; a point is never cleared by a load without one."""
    changed = {}
    for name, value in fields.items():
        if name == "code" or (keep_point and name in _POINT_FIELDS):
            continue
        if getattr(site, name) != value:
            changed[name] = value
    if "lon" in changed or "lat" in changed:
        changed["lon"], changed["lat"] = fields["lon"], fields["lat"]
    return changed


def _index_points(points: PointsFile | None) -> dict[tuple[str, str], ThirdPartyPoint]:
    """Points by match key; a key two rows of the file claim is dropped (no guessing)."""
    if points is None:
        return {}
    index: dict[tuple[str, str], ThirdPartyPoint] = {}
    clashes: set[tuple[str, str]] = set()
    for p in points.points:
        key = match_key(p.name, p.province)
        if key in index and (index[key].lon, index[key].lat) != (p.lon, p.lat):
            clashes.add(key)
        index[key] = p
    for key in clashes:
        del index[key]
    return index


def _names_held(session: Session, prefix: str) -> set[str]:
    """Names and aliases of the sites that did not come from this dataset."""
    held: set[str] = set()
    rows = session.exec(
        select(Site.name, Site.aliases, Site.code).where(
            (col(Site.code).is_(None)) | (~col(Site.code).startswith(prefix))
        )
    )
    for name, aliases, _code in rows:
        held.update(match_key(n, "")[0] for n in [name, *(aliases or [])])
    return held


def _free(base: str, taken: set[str]) -> str:
    """`base` or `base-2`, `base-3` ...: the first slug not in `taken` (which it joins)."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug
