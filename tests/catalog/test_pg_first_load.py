"""A first load on PostgreSQL skips the foreign keys' row checks and checks every row at the end.

The constraints are never dropped: after a load, a failed load or a careless commit they are
all there and valid, the session's `session_replication_role` is back, and a dangling
reference written during the load fails it with nothing kept. A role that may not set the
parameter loads with the checks on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from redres.catalog import bulk, pg_bulk
from redres.catalog.io import import_file
from tests.catalog.test_io_helpers import add_catalogue, clear_sites, write_csv
from tests.catalog.test_pg_copy import _statements

pytestmark = pytest.mark.parametrize("db_kind", ["postgresql"], indirect=True)

ROWS = [["名称", "类别", "主题"], *([f"{c}旧址", "旧址", "martyrs"] for c in "甲乙丙丁")]


def _constraints(session: Session) -> set[tuple[str, str, bool]]:
    """(table, constraint, validated) of every foreign key of the tables a load writes."""
    names = [t.name for t in pg_bulk.WRITTEN]
    rows = session.execute(
        text(
            "SELECT conrelid::regclass::text, conname, convalidated FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:t)"
        ),
        {"t": names},
    )
    return {(str(t), str(c), bool(v)) for t, c, v in rows}


def _written(session: Session) -> tuple[int, ...]:
    return tuple(
        int(session.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one())
        for t in pg_bulk.WRITTEN
    )


def _role(session: Session) -> str:
    return str(session.execute(text("SHOW session_replication_role")).scalar_one())


@pytest.fixture
def first_load(session: Session, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str, bool]]:
    """An empty registry with its themes, a first load from 2 sites, 1 site a batch."""
    add_catalogue(session)
    clear_sites(session)
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 2)
    monkeypatch.setattr(bulk, "BATCH", 1)
    before = _constraints(session)
    assert {("searchterm", "searchterm_site_id_fkey", True)} <= before
    return before


def test_first_load_skips_row_checks_and_keeps_constraints(
    session: Session, engine: Engine, tmp_path: Path, first_load: set[tuple[str, str, bool]]
) -> None:
    with _statements(engine) as seen:
        report = import_file(session, write_csv(tmp_path / "a.csv", ROWS))
        assert _role(session) == "origin"  # back before the import returns, not at commit
        session.commit()
    assert report.created == 4
    assert [s for s in seen if "session_replication_role = replica" in s]
    assert [s for s in seen if "FOR KEY SHARE" in s]  # the themes, as the checks would lock
    assert not [s for s in seen if "DROP CONSTRAINT" in s.upper()]
    assert _constraints(session) == first_load
    sites, terms, links, audits = _written(session)
    assert (sites, links, audits) == (4, 4, 4)
    assert terms > 4 * 5
    with pytest.raises(IntegrityError):  # the constraint checks the next write
        session.execute(
            text("INSERT INTO searchterm (site_id, kind, term) VALUES (-1, 'zh', '甲')")
        )
    session.rollback()


def test_a_first_load_failing_midway_leaves_nothing(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_load: Any
) -> None:
    before = _written(session)
    real = bulk._insert_batch
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 3:
            msg = "disk on fire"
            raise OSError(msg)
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_insert_batch", failing)
    with pytest.raises(OSError, match="disk on fire"):
        import_file(session, write_csv(tmp_path / "a.csv", ROWS))
    session.rollback()
    assert _written(session) == before
    assert _constraints(session) == first_load
    assert _role(session) == "origin"


def test_a_careless_commit_after_a_failure_keeps_checks_and_constraints(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_load: Any
) -> None:
    real = bulk._insert_batch

    def failing(*args: Any, **kwargs: Any) -> list[int]:
        real(*args, **kwargs)
        msg = "disk on fire"
        raise OSError(msg)

    monkeypatch.setattr(bulk, "_insert_batch", failing)
    with pytest.raises(OSError, match="disk on fire"):
        import_file(session, write_csv(tmp_path / "a.csv", ROWS))
    assert _role(session) == "origin"
    session.commit()  # the first batch is committed, and checked
    assert _written(session)[0] == 1
    assert _constraints(session) == first_load


def test_a_dangling_reference_fails_the_load(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first_load: Any
) -> None:
    """The end-of-load check is real: a term row pointing at no site (a bug) is caught."""
    before = _written(session)
    real = bulk._insert_batch

    def dangling(conn: Any, *args: Any, **kwargs: Any) -> list[int]:
        conn.exec_driver_sql("INSERT INTO searchterm (site_id, kind, term) VALUES (-7, 'zh', '甲')")
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(bulk, "_insert_batch", dangling)
    with pytest.raises(pg_bulk.DanglingReference, match=r"searchterm\.site_id = -7"):
        import_file(session, write_csv(tmp_path / "a.csv", ROWS))
    session.rollback()
    assert _written(session) == before
    assert _constraints(session) == first_load


def test_a_first_load_locks_the_themes_it_links_to(
    session: Session,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    first_load: Any,
) -> None:
    """The row checks locked the themes a link names (`FOR KEY SHARE`); without them the load
    locks them itself, so no theme can be deleted or renumbered under it."""
    real = bulk._insert_batch
    refused: list[str] = []

    def locking(*args: Any, **kwargs: Any) -> list[int]:
        if not refused:
            with engine.connect() as other:
                try:
                    other.exec_driver_sql(
                        "SELECT id FROM theme WHERE slug = 'martyrs' FOR UPDATE NOWAIT"
                    )
                except OperationalError as exc:
                    refused.append(str(exc))
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_insert_batch", locking)
    assert import_file(session, write_csv(tmp_path / "a.csv", ROWS)).created == 4
    session.commit()
    assert refused
    assert "could not obtain lock" in refused[0]
    themed = session.execute(text("SELECT count(*) FROM sitetheme")).scalar_one()
    assert themed == 4


def test_a_role_without_the_right_checks_rows_as_written(
    session: Session,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    first_load: Any,
) -> None:
    monkeypatch.setattr(pg_bulk, "may_skip_checks", lambda _conn: False)
    with _statements(engine) as seen:
        assert import_file(session, write_csv(tmp_path / "a.csv", ROWS)).created == 4
        session.commit()
    assert not [s for s in seen if "session_replication_role" in s]
    assert [s for s in seen if s.strip().upper().startswith("DROP INDEX")]  # still a first load
    assert _constraints(session) == first_load


def test_the_test_role_may_skip_checks(engine: Engine) -> None:
    """The tests run as a superuser: the skipping path is the one the other tests exercise."""
    with engine.connect() as conn:
        assert pg_bulk.may_skip_checks(conn)
