"""Closures travel through every interchange format: a survey sheet's `临时闭馆` column in,
the same text out, and an export imports back unchanged."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlmodel import Session, select

from redres.catalog.enums import Status
from redres.catalog.io import ImportOptions, OnDuplicate, export_file, import_file
from redres.catalog.models import Site
from tests.catalog.test_io_helpers import clear_sites, write_csv
from tests.factories import add_themes

SHEET = [
    ["名录编号", "名称", "类别", "经度", "纬度", "开放时间", "临时闭馆"],
    [
        "WH19",
        "八七会议会址",
        "旧址",
        "114.2944",
        "30.58899",
        "周二至周日 9:00-17:00",
        "2027-02-01至2027-03-31 闭馆维修；2027年5月1日 设备检修\n2027-06-01起 闭馆改造",
    ],
    [
        "WH01",
        "中共五大会址纪念馆",
        "旧址",
        "114.29302",
        "30.55339",
        "",
        "２０２７/２/１～２０２７/２/３",
    ],
    ["WH03", "农讲所旧址", "旧址", "114.29562", "30.5536", "", ""],
]
STORED = {
    "WH19": [
        {"start": "2027-02-01", "end": "2027-03-31", "note": "闭馆维修"},
        {"start": "2027-05-01", "end": "2027-05-01", "note": "设备检修"},
        {"start": "2027-06-01", "end": None, "note": "闭馆改造"},
    ],
    "WH01": [{"start": "2027-02-01", "end": "2027-02-03", "note": ""}],
    "WH03": [],
}
FORMATS = [".csv", ".xlsx", ".geojson", ".gpkg", ".kml", ".zip"]


def _closures(session: Session) -> dict[str | None, list[dict[str, object]]]:
    session.expire_all()
    return {s.code: s.closures for s in session.exec(select(Site))}


def _import_sheet(session: Session, tmp_path: Path) -> None:
    add_themes(session)
    report = import_file(session, write_csv(tmp_path / "survey.csv", SHEET), ImportOptions())
    session.commit()
    assert report.ok, report.errors
    assert report.created == 3


def test_a_survey_csv_column_imports_exports_and_imports_back(
    session: Session, tmp_path: Path
) -> None:
    _import_sheet(session, tmp_path)
    assert _closures(session) == STORED

    out = tmp_path / "export.csv"
    export_file(session, out, statuses=tuple(Status))
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    assert rows["WH19"]["closures"] == (
        "2027-02-01至2027-03-31 闭馆维修；2027-05-01至2027-05-01 设备检修；2027-06-01起 闭馆改造"
    )
    assert rows["WH03"]["closures"] == ""

    again = import_file(session, out, ImportOptions(on_duplicate=OnDuplicate.update))
    session.commit()
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    clear_sites(session)
    fresh = import_file(session, out, ImportOptions())
    session.commit()
    assert fresh.ok, fresh.errors
    assert _closures(session) == STORED


@pytest.mark.parametrize("ext", FORMATS)
def test_every_format_carries_closures(session: Session, tmp_path: Path, ext: str) -> None:
    _import_sheet(session, tmp_path)
    path = tmp_path / f"sites{ext}"
    export_file(session, path, statuses=tuple(Status))
    if ext == ".kml":  # viewers that ignore ExtendedData still show the closures
        assert "<description>临时闭馆 Temporary closures: 2027-02-01至2027-03-31 闭馆维修" in (
            path.read_text(encoding="utf-8")
        )
    clear_sites(session)
    report = import_file(session, path, ImportOptions())
    session.commit()
    assert report.ok, report.errors
    assert _closures(session) == STORED


def test_a_bad_closure_is_a_row_error_and_nothing_is_written(
    session: Session, tmp_path: Path
) -> None:
    add_themes(session)
    rows = [SHEET[0], [*SHEET[3][:6], "2027-02-30至2027-03-31 维修"], SHEET[2]]
    report = import_file(session, write_csv(tmp_path / "bad.csv", rows), ImportOptions())
    session.rollback()
    assert not report.ok
    [error] = report.errors
    assert error.row == 2
    assert error.column == "临时闭馆"
    assert "2027-02-30至2027-03-31 维修" in error.reason
    assert session.exec(select(Site)).all() == []
