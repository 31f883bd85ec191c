"""Helpers shared by the interchange tests (no tests here): a catalogue with hard cases, test files."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from redres.catalog import pg_bulk, search_index
from redres.catalog.account_tables import AuditLog
from redres.catalog.enums import Status
from redres.catalog.io.records import site_records
from redres.catalog.models import Site
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from tests.factories import TOY_SITES, add_themes

HARD_SITES: list[dict[str, Any]] = [
    {
        "name": '=HYPERLINK("http://x")纪念馆',
        "category": "memorial_hall",
        "name_en": "<script>alert('x')</script> & \"Hall\"",
        "aliases": ["甲;乙", "back\\slash", "+1 别名"],
        "designations": ["全国爱国主义教育示范基地", "@省级"],
        "address": "武汉市江岸区\n胜利街 1 号",
        "summary": "简介：含;分号、\n换行和 =公式 的一段文字",
        "summary_en": 'A <b>bold</b> & "quoted" summary',
        "lon": 114.2999999,
        "lat": 30.6000001,
        "capacity": 120,
        "visit_minutes": 45,
        "survey_date": "2024-05-01",
        "condition": "fair",
        "reservation": "required",
        "reservation_days": 3,
        "hours_note": "节假日 -- 照常开放",
        "years": "1927-1937",
        "code": "-X1",
        "themes": {"martyrs": 0.25, "great-revolution": 1.0},
        "footprint": {
            "type": "Polygon",
            "coordinates": [
                [[114.2995, 30.5995], [114.3005, 30.5995], [114.3005, 30.6005], [114.2995, 30.5995]]
            ],
        },
    },
]


def add_catalogue(session: Session) -> list[Site]:
    """The five toy sites plus hard strings; published, themes in place."""
    add_themes(session)
    sites = [
        create_site(session, SiteCreate(**row, status=Status.published))
        for row in [*TOY_SITES, *HARD_SITES]
    ]
    session.commit()
    return sites


def records(session: Session) -> list[dict[str, Any]]:
    """Every site as an export record, ordered by code then name (ids differ between databases)."""
    out = list(site_records(session, statuses=tuple(Status)))
    return sorted(out, key=lambda r: (r["code"] or "", r["name"]))


def clear_sites(session: Session) -> None:
    """Remove every site and what hangs off it, keeping themes."""
    for table in (search_index.table_name(session.connection()), "sitetheme", "auditlog", "site"):
        session.execute(text(f"DELETE FROM {table}"))
    session.commit()


def counts(session: Session) -> tuple[int, int, int]:
    """Sites, search terms and audit entries: what an import that changes nothing must keep."""
    return (
        session.exec(select(func.count()).select_from(Site)).one(),
        search_index.count(session.connection()),
        session.exec(select(func.count()).select_from(AuditLog)).one(),
    )


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8") -> Path:
    """A CSV file as a survey office would save it."""
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def spy_first_load_finish(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Notes each time a PostgreSQL first load puts the map's triggers back and recounts."""
    real = pg_bulk.finish_load
    calls: list[int] = []

    def finish(*args: Any) -> None:
        calls.append(1)
        real(*args)

    monkeypatch.setattr(pg_bulk, "finish_load", finish)
    return calls
