"""Duplicates: the same registry code, slug, or normalised name within 200 m, in the file or registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from redres.catalog.audit import history
from redres.catalog.io import ImportOptions, OnDuplicate, import_file
from redres.catalog.models import Site
from tests.catalog.test_io_helpers import counts, write_csv
from tests.factories import add_toy_sites

HEADER = ["编号", "名称", "类别", "经度", "纬度", "区"]


def test_duplicate_of_existing_site_is_an_error_by_default(
    session: Session, tmp_path: Path
) -> None:
    add_toy_sites(session)
    path = write_csv(
        tmp_path / "a.csv", [HEADER, ["WH19", "八七会议会址", "旧址", 114.2944, 30.58899, "汉口"]]
    )
    before = counts(session)
    report = import_file(session, path)
    assert [(e.row, e.column) for e in report.errors] == [(2, "编号")]
    assert "same registry code 'WH19'" in report.errors[0].reason
    assert counts(session) == before


def test_same_name_within_200_m_is_a_duplicate_and_farther_is_not(
    session: Session, tmp_path: Path
) -> None:
    add_toy_sites(session)
    near = ["", " 八七会议 会址", "旧址", 114.2950, 30.58899, ""]  # ~58 m east, spaced differently
    far = ["", "八七会议会址", "旧址", 114.3000, 30.58899, ""]  # ~535 m east
    report = import_file(
        session, write_csv(tmp_path / "a.csv", [HEADER, near, far]), ImportOptions(dry_run=True)
    )
    assert [e.row for e in report.errors] == [2]
    assert re.search(r"same name '八七会议 ?会址' (5[5-9]|6[0-2]) m away", report.errors[0].reason)
    assert report.created == 0  # nothing counted when the import is refused


def test_duplicate_rows_within_the_file(session: Session, tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["A1", "甲旧址", "旧址", 114.3, 30.6, ""],
        ["A1", "乙旧址", "旧址", 114.4, 30.7, ""],
        ["", "甲旧址", "旧址", 114.3001, 30.6, ""],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    report = import_file(session, path)
    assert [(e.row, e.column) for e in report.errors] == [(3, "编号"), (4, "名称")]
    assert "duplicate of row 2" in report.errors[0].reason
    skipped = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.skip))
    assert (skipped.created, skipped.skipped) == (1, 2)


def test_on_duplicate_update_changes_and_audits(session: Session, tmp_path: Path) -> None:
    add_toy_sites(session)
    path = write_csv(
        tmp_path / "a.csv",
        [HEADER, ["WH19", "八七会议会址", "纪念馆", 114.2944, 30.58899, "江岸区"]],
    )
    report = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.update))
    session.commit()
    assert (report.updated, report.created) == (1, 0), report.errors
    site = session.exec(select(Site).where(Site.code == "WH19")).one()
    assert site.category == "memorial_hall"
    assert site.opening_hours == "Tu-Su 09:00-17:00"  # a column the file lacks is left alone
    last = history(session, entity="site", entity_id=site.id or 0)[-1]
    assert (last.action, last.actor) == ("update", "import")
    assert last.before == {"category": "former_site"}
    assert last.after == {"category": "memorial_hall"}


def test_identical_duplicates_are_unchanged_in_every_mode(session: Session, tmp_path: Path) -> None:
    add_toy_sites(session)
    row = ["WH19", "八七会议会址", "旧址", 114.2944, 30.58899, "江岸区"]
    path = write_csv(tmp_path / "a.csv", [HEADER, row])
    before = counts(session)
    for mode in OnDuplicate:
        report = import_file(session, path, ImportOptions(on_duplicate=mode))
        session.commit()
        assert report.ok, report.errors
        assert report.unchanged == 1
    assert counts(session) == before


def test_on_duplicate_skip_leaves_the_site(session: Session, tmp_path: Path) -> None:
    add_toy_sites(session)
    path = write_csv(
        tmp_path / "a.csv", [HEADER, ["WH19", "八七会议会址", "纪念馆", 114.2944, 30.58899, ""]]
    )
    report = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.skip))
    session.commit()
    assert (report.skipped, report.updated) == (1, 0)
    assert session.exec(select(Site.category).where(Site.code == "WH19")).one() == "former_site"


def test_parent_by_code_in_file_and_registry(session: Session, tmp_path: Path) -> None:
    add_toy_sites(session)
    rows = [
        ["编号", "名称", "类别", "上级"],
        ["E1", "群体", "旧址", "WH19"],
        ["E2", "子项", "旧址", "E1"],
        ["E3", "错", "旧址", "NOPE"],
    ]
    report = import_file(
        session, write_csv(tmp_path / "a.csv", rows), ImportOptions(skip_invalid=True)
    )
    session.commit()
    assert [(e.row, e.column) for e in report.errors] == [(4, "上级")]
    ids = dict(session.exec(select(Site.code, Site.id)).all())
    parents = dict(session.exec(select(Site.code, Site.parent_id)).all())
    assert parents["E1"] == ids["WH19"]
    assert parents["E2"] == ids["E1"]


def test_namesakes_with_their_own_codes_are_not_duplicates(
    session: Session, tmp_path: Path
) -> None:
    from redres.catalog.io import export_file

    rows = [
        HEADER,
        ["M1", "烈士墓", "烈士陵园", 114.3, 30.6, ""],
        ["M2", "烈士墓", "烈士陵园", 114.3005, 30.6, ""],
    ]
    report = import_file(session, write_csv(tmp_path / "a.csv", rows))
    session.commit()
    assert report.created == 2, report.errors
    path = tmp_path / "out.csv"
    export_file(session, path)
    again = import_file(session, path)
    assert again.ok, again.errors
    assert again.unchanged == 2
    no_code = import_file(
        session,
        write_csv(tmp_path / "b.csv", [HEADER, ["", "烈士墓", "烈士陵园", 114.3001, 30.6, ""]]),
    )
    assert [e.row for e in no_code.errors] == [2]  # without a code of its own, it is a duplicate


def test_matches_compared_chunk_by_chunk_keep_file_order(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-importing a registry compares its rows a chunk of sites at a time (a million matched
    sites held at once took gigabytes); the outcome and its order are those of the file."""
    import redres.catalog.io.import_plan as import_plan

    rows = [[f"C{i}", f"第{i}号旧址", "旧址", 114.3 + i / 100, 30.6, "江岸区"] for i in range(5)]
    assert import_file(session, write_csv(tmp_path / "first.csv", [HEADER, *rows])).ok
    session.commit()
    slugs = {s.code: s.slug for s in session.exec(select(Site))}
    monkeypatch.setattr(import_plan, "_ID_CHUNK", 2)
    again = [list(r) for r in rows]
    for i in (1, 4):  # rows 3 and 6 of the file, in different chunks
        again[i][2] = "纪念馆"
    path = write_csv(tmp_path / "again.csv", [HEADER, *again])
    refused = import_file(session, path)
    assert [e.row for e in refused.errors] == [3, 6]
    assert [slugs["C1"] in e.reason for e in refused.errors] == [True, False]
    assert slugs["C4"] in refused.errors[1].reason
    skipped = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.skip))
    assert (skipped.skipped, skipped.unchanged) == (2, 3)
    updated = import_file(session, path, ImportOptions(on_duplicate=OnDuplicate.update))
    session.commit()
    assert (updated.updated, updated.unchanged) == (2, 3), updated.errors
    kinds = {s.code: s.category for s in session.exec(select(Site))}
    assert [kinds[f"C{i}"] for i in range(5)] == [
        "former_site",
        "memorial_hall",
        "former_site",
        "former_site",
        "memorial_hall",
    ]
