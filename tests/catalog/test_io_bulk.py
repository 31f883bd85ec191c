"""The bulk path writes what `create_site` writes: same columns, search terms and audit state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, select

from redres.catalog import search_index
from redres.catalog.audit import history
from redres.catalog.bulk import pinyin_slug
from redres.catalog.io import ImportOptions, import_file
from redres.catalog.io.fields import encode_list
from redres.catalog.models import Site
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.catalog.slugs import slugify
from tests.catalog.test_io_helpers import write_csv
from tests.conftest import DEMO_DIR
from tests.factories import add_themes

TRICKY = [
    "重庆红岩革命纪念馆",
    "长沙银行旧址",
    "中共“五大”会址 (Site)",
    "Xinhai 1911 革命 博物馆",
    "乐山乐水",
    "行长",
    "朝阳门·朝鲜",
    "单县",
    "女娲 绿",
    "一二·九运动",
]


def _demo_texts() -> list[dict[str, object]]:
    sites = json.loads((DEMO_DIR / "sites.json").read_text(encoding="utf-8"))
    out: list[dict[str, object]] = [
        {
            "name": s["name"],
            "aliases": tuple(s.get("aliases") or ()),
            "name_en": s.get("name_en"),
            "address": s.get("address"),
            "code": s.get("code"),
        }
        for s in sites
    ]
    return out + [{"name": n, "address": n} for n in TRICKY]


@pytest.mark.parametrize(
    "name", [n for n in TRICKY if all("\u4e00" <= c <= "\u9fff" for c in n)] + ["八七会议会址"]
)
def test_pinyin_slug_equals_slugify(name: str) -> None:
    assert pinyin_slug(name) == slugify(name)


def test_imported_site_equals_created_site(session: Session, tmp_path: Path) -> None:
    add_themes(session)
    fields = {
        "name": "中共五大会址纪念馆",
        "name_en": "Site of the 5th National Congress",
        "aliases": ["五大会址", "都府堤20号"],
        "category": "former_site",
        "period": "great_revolution",
        "protection": "national",
        "designations": ["全国爱国主义教育示范基地"],
        "district": "武昌区",
        "address": "武汉市武昌区都府堤20号",
        "lon": 114.29302,
        "lat": 30.55339,
        "opening_hours": "Tu-Su 09:00-17:00",
        "capacity": 300,
        "survey_date": "2024-05-01",
    }
    made = create_site(
        session, SiteCreate(**fields, code="A", themes={"great-revolution": 0.5}), actor="import"
    )
    session.commit()
    row = {
        **fields,
        "code": "B",
        "aliases": encode_list(fields["aliases"]),
        "designations": encode_list(fields["designations"]),
        "themes": "great-revolution=0.5",
    }
    row["lon"] = 114.5  # far enough not to be the same place
    path = write_csv(tmp_path / "a.csv", [list(row), list(row.values())])
    report = import_file(session, path, ImportOptions())
    session.commit()
    assert report.created == 1, report.errors
    bulk = session.exec(select(Site).where(Site.code == "B")).one()
    skip = {"id", "code", "slug", "lon", "created_at", "updated_at"}
    for name in Site.model_fields:
        if name not in skip:
            assert getattr(bulk, name) == getattr(made, name), name
    assert bulk.slug == made.slug + "-2"

    def terms(site: Site) -> set[tuple[str, str]]:
        stored = search_index.terms_of(session.connection(), site.id or 0)
        return {(k, t) for k, t in stored if t not in ("a", "b")}

    assert terms(bulk) == terms(made)
    (a,) = history(session, entity="site", entity_id=made.id or 0)
    (b,) = history(session, entity="site", entity_id=bulk.id or 0)
    assert (a.action, a.actor) == (b.action, b.actor) == ("create", "import")
    assert a.after is not None
    assert b.after is not None
    differ = {k for k in a.after.keys() | b.after.keys() if a.after.get(k) != b.after.get(k)}
    assert differ == {"id", "code", "slug", "lon"}


def _indexes(session: Session) -> set[str]:
    """The site table's indexes (a large SQLite load drops and rebuilds them)."""
    from sqlalchemy import inspect

    found = inspect(session.connection())
    return {ix["name"] for t in ("site",) for ix in found.get_indexes(t) if ix["name"]}


def test_large_sqlite_load_rebuilds_site_indexes(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redres.catalog import bulk
    from redres.catalog.enums import STAFF
    from redres.catalog.listing import SiteQuery, list_sites

    before = _indexes(session)
    assert {"ix_site_name", "ix_site_category"} <= before
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 2)
    monkeypatch.setattr(bulk, "BATCH", 2)
    rows = [
        ["名称", "类别"],
        ["八七会议会址", "旧址"],
        ["施洋烈士墓", "烈士陵园"],
        ["五大会址", "旧址"],
    ]
    report = import_file(session, write_csv(tmp_path / "a.csv", rows))
    session.commit()
    assert report.created == 3
    assert _indexes(session) == before
    page = list_sites(session, SiteQuery(q="shiyang"), visible=STAFF)
    assert [h.site.name for h in page.items] == ["施洋烈士墓"]


def test_failed_load_keeps_site_indexes(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from redres.catalog import bulk

    before = _indexes(session)
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 2)
    real = bulk._insert_batch
    calls: list[int] = []

    def failing(*args: object, **kwargs: object) -> list[int]:
        calls.append(1)
        if len(calls) == 2:
            msg = "disk on fire"
            raise OSError(msg)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "_insert_batch", failing)
    monkeypatch.setattr(bulk, "BATCH", 1)
    rows = [["名称", "类别"], ["甲旧址", "旧址"], ["乙旧址", "旧址"], ["丙旧址", "旧址"]]
    with pytest.raises(OSError, match="disk on fire"):
        import_file(session, write_csv(tmp_path / "a.csv", rows))
    session.commit()  # a careless caller commits anyway: indexes must still be there
    assert _indexes(session) == before
