"""简介 / 英文简介 become a site's summary, 来源 its citations; the summary columns migrate in 0003."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.io import ImportOptions, OnDuplicate, export_file, import_file
from redres.catalog.io.citations import SourceRef, format_sources, parse_sources
from redres.catalog.models import Citation, Site, Source
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import create_site, update_site
from redres.db import alembic_config, current_revision, make_engine
from tests.catalog.test_io_helpers import clear_sites, write_csv
from tests.conftest import new_database

HEAD = ["编号", "名称", "类别", "经度", "纬度", "简介", "英文简介", "来源"]
ROWS = [
    HEAD,
    [
        "S1",
        "八七会议会址",
        "旧址",
        114.2944,
        30.58899,
        "1927年8月7日中共中央在此召开紧急会议。",
        "The emergency meeting of 7 August 1927 was held here.",
        "《武汉革命遗址》p.12; 纪念馆官网 https://www.87hy.cn/about；https://example.org/x",
    ],
    ["S2", "施洋烈士墓", "烈士陵园", 114.30, 30.55, "", "", ""],
]


def _cited(session: Session, code: str) -> list[tuple[str, str | None]]:
    site = session.exec(select(Site).where(Site.code == code)).one()
    stmt = (
        select(Source.title, Source.url)
        .join(Citation, col(Citation.source_id) == Source.id)
        .where(Citation.entity == "site", Citation.entity_id == site.id)
        .order_by(col(Citation.id))
    )
    return [(t, u) for t, u in session.exec(stmt)]


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_summary_and_sources_columns(session: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", ROWS)
    report = import_file(session, path)
    session.commit()
    assert report.ok, report.errors
    assert not report.warnings
    s1 = session.exec(select(Site).where(Site.code == "S1")).one()
    assert s1.summary == "1927年8月7日中共中央在此召开紧急会议。"
    assert s1.summary_en == "The emergency meeting of 7 August 1927 was held here."
    assert _cited(session, "S1") == [
        ("《武汉革命遗址》p.12", None),
        ("纪念馆官网", "https://www.87hy.cn/about"),
        ("https://example.org/x", "https://example.org/x"),
    ]
    assert _cited(session, "S2") == []
    assert session.exec(select(Site.summary).where(Site.code == "S2")).one() is None

    counts = (_count(session, Source), _count(session, Citation), _count(session, AuditLog))
    again = import_file(session, path)
    session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (_count(session, Source), _count(session, Citation), _count(session, AuditLog)) == counts

    changed = [HEAD, [*ROWS[1][:7], "湖北日报 2021-07-01"], ROWS[2]]
    path2 = write_csv(tmp_path / "b.csv", changed)
    refused = import_file(session, path2)
    session.rollback()
    assert [e.row for e in refused.errors] == [2]
    updated = import_file(session, path2, ImportOptions(on_duplicate=OnDuplicate.update))
    session.commit()
    assert updated.updated == 1
    assert _cited(session, "S1") == [("湖北日报 2021-07-01", None)]


@pytest.mark.parametrize("ext", [".csv", ".xlsx", ".geojson", ".gpkg", ".kml"])
def test_sources_round_trip(session: Session, tmp_path: Path, ext: str) -> None:
    import_file(session, write_csv(tmp_path / "a.csv", ROWS))
    session.commit()
    before = _cited(session, "S1")
    out = tmp_path / f"out{ext}"
    export_file(session, out)
    clear_sites(session)
    for table in ("citation", "source"):
        session.execute(text(f"DELETE FROM {table}"))
    session.commit()
    report = import_file(session, out)
    session.commit()
    assert report.ok, report.errors
    assert _cited(session, "S1") == before
    assert session.exec(select(Site.summary_en).where(Site.code == "S1")).one() == ROWS[1][6]


def test_too_long_summary_is_a_row_error(session: Session, tmp_path: Path) -> None:
    rows = [HEAD, ["L1", "甲旧址", "旧址", "", "", "长" * 2001, "", "x" * 501]]
    report = import_file(session, write_csv(tmp_path / "a.csv", rows))
    assert {e.column for e in report.errors} == {"简介", "来源"}
    assert _count(session, Site) == 0


def test_sites_api_schemas_take_a_summary(session: Session) -> None:
    site = create_site(session, SiteCreate(name="甲旧址", category="former_site", summary=" 简介 "))
    assert site.summary == "简介"
    update_site(session, site, SiteUpdate(summary_en="Summary"))
    assert (site.summary, site.summary_en) == ("简介", "Summary")
    with pytest.raises(ValueError, match="2000"):
        SiteUpdate(summary="长" * 2001)


def test_parse_and_format_sources_round_trip() -> None:
    cell = "《武汉革命遗址》p.12；官网：https://x.cn/a?b=1 ; a\\;b"
    refs = parse_sources(cell)
    assert refs == [
        SourceRef("《武汉革命遗址》p.12"),
        SourceRef("官网", "https://x.cn/a?b=1"),
        SourceRef("a;b"),
    ]
    assert parse_sources(format_sources(refs) or "") == refs
    assert parse_sources("") == []


def test_migration_0003_up_and_down(db_kind: str, tmp_path: Path) -> None:
    with new_database(db_kind, tmp_path) as url:
        engine = make_engine(url)
        try:
            cfg = alembic_config(engine)
            command.upgrade(cfg, "0003")  # later revisions are others' business
            assert current_revision(engine) == "0003"

            def columns() -> set[str]:
                with engine.connect() as conn:
                    return set(conn.exec_driver_sql("SELECT * FROM site LIMIT 0").keys())

            assert {"summary", "summary_en"} <= columns()
            with engine.begin() as conn:
                conn.exec_driver_sql(
                    "INSERT INTO site (slug, name, aliases, category, designations, status, "
                    "created_at, updated_at, summary) VALUES ('a', '甲旧址', '[]', 'other', '[]', "
                    "'draft', '2026-01-01', '2026-01-01', '简介')"
                )
            command.downgrade(cfg, "0002")
            assert current_revision(engine) == "0002"
            assert not {"summary", "summary_en"} & columns()
            command.upgrade(cfg, "0003")
            assert {"summary", "summary_en"} <= columns()
            with engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT name, summary FROM site").all()
            assert [tuple(r) for r in rows] == [("甲旧址", None)]
        finally:
            engine.dispose()
