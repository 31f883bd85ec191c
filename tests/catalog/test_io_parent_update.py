"""A re-import with `--on-duplicate update` that changes a site's parent: the parent is updated
(even when nothing else in the row changed), and a loop is refused with the form's message."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from redres.api.i18n import translator
from redres.catalog.io import ImportOptions, OnDuplicate, import_file
from redres.catalog.models import Site
from tests.catalog.test_io_helpers import counts, write_csv
from tests.factories import add_toy_sites

UPDATE = ImportOptions(on_duplicate=OnDuplicate.update)
HEADER = ["编号", "名称", "类别", "上级"]


def _parents(session: Session) -> dict[str | None, int | None]:
    return dict(session.exec(select(Site.code, Site.parent_id)).all())


def _ids(session: Session) -> dict[str | None, int | None]:
    return dict(session.exec(select(Site.code, Site.id)).all())


def test_a_changed_parent_is_updated(session: Session, tmp_path: Path) -> None:
    add_toy_sites(session)
    first = [HEADER, ["E1", "群体", "旧址", "WH19"]]
    import_file(session, write_csv(tmp_path / "a.csv", first))
    session.commit()
    ids = _ids(session)
    assert _parents(session)["E1"] == ids["WH19"]
    other = next(code for code in ids if code not in ("WH19", "E1") and code)
    again = [HEADER, ["E1", "群体", "旧址", other]]  # only the parent differs
    report = import_file(session, write_csv(tmp_path / "b.csv", again), UPDATE)
    session.commit()
    assert (report.updated, report.unchanged, report.errors) == (1, 0, [])
    assert _parents(session)["E1"] == ids[other]
    same = import_file(session, write_csv(tmp_path / "c.csv", again), UPDATE)
    assert (same.updated, same.unchanged) == (0, 1)


def test_a_parent_loop_is_refused_with_the_forms_message(session: Session, tmp_path: Path) -> None:
    add_toy_sites(session)
    import_file(session, write_csv(tmp_path / "a.csv", [HEADER, ["E1", "群体", "旧址", "WH19"]]))
    session.commit()
    before = counts(session)
    parents = _parents(session)
    loop = [HEADER, ["WH19", "八七会议会址", "旧址", "E1"]]  # WH19 -> E1 -> WH19
    report = import_file(session, write_csv(tmp_path / "b.csv", loop), UPDATE)
    session.rollback()
    assert [(e.row, e.column) for e in report.errors] == [(2, "上级")]
    words = translator("zh")(report.errors[0].reason)
    assert words == "上级单位会形成循环：八七会议会址 → 群体 → 八七会议会址"
    assert counts(session) == before
    assert _parents(session) == parents


def test_a_loop_made_by_two_rows_of_one_file_is_refused(session: Session, tmp_path: Path) -> None:
    add_toy_sites(session)
    rows = [HEADER, ["E1", "甲", "旧址", ""], ["E2", "乙", "旧址", ""]]
    import_file(session, write_csv(tmp_path / "a.csv", rows))
    session.commit()
    swap = [HEADER, ["E1", "甲", "旧址", "E2"], ["E2", "乙", "旧址", "E1"]]
    report = import_file(session, write_csv(tmp_path / "b.csv", swap), UPDATE)
    session.rollback()
    assert {e.row for e in report.errors} == {2, 3}
    assert "上级单位会形成循环" in translator("zh")(report.errors[0].reason)
    assert set(_parents(session).values()) == {None}
