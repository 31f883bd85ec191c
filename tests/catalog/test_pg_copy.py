"""On PostgreSQL a bulk import writes with COPY, and stores exactly what INSERTs stored.

The same export of hard strings (tabs, newlines, backslashes, quotes, JSON lists, themes, a
footprint) is imported into an emptied registry twice, once through COPY and once through the
INSERT path (`pg_copy.uses_copy` turned off): the sites, their search terms, theme links and
audit entries must be the same, and so must search results. A load that fails half-way
writes nothing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from redres.catalog import bulk, pg_copy, search_index
from redres.catalog.enums import STAFF, Status
from redres.catalog.io import ImportOptions, export_file, import_file
from redres.catalog.listing import SiteQuery, list_sites
from tests.catalog.test_io_helpers import add_catalogue, clear_sites, counts, write_csv

# COPY is PostgreSQL's: these run on it alone (SQLite's bulk path is tested in test_io_bulk)
pytestmark = pytest.mark.parametrize("db_kind", ["postgresql"], indirect=True)


def _stored(session: Session) -> dict[str, Any]:
    """Everything the import wrote, keyed by slug (ids and timestamps differ between loads)."""
    conn = session.connection()
    sites = conn.execute(text("SELECT * FROM site ORDER BY slug")).mappings().all()
    slug_of = {s["id"]: s["slug"] for s in sites}
    skip = {"id", "created_at", "updated_at", "parent_id"}
    terms = sorted((slug_of[i], k, t) for i, k, t in search_index.all_terms(conn))
    themes = sorted(
        (slug_of[i], t, w)
        for i, t, w in conn.execute(text("SELECT site_id, theme_id, weight FROM sitetheme"))
    )
    audits = sorted(
        (slug_of[i], action, actor, before_null, {k: v for k, v in after.items() if k != "id"})
        for i, action, actor, before_null, after in conn.execute(
            text(
                "SELECT entity_id, action, actor, before::text, after FROM auditlog "
                "WHERE entity = 'site'"
            )
        )
    )
    return {
        "sites": [{k: v for k, v in s.items() if k not in skip} for s in sites],
        "terms": terms,
        "themes": themes,
        "audits": [repr(a) for a in audits],
        "search": {
            q: [h.site.slug for h in list_sites(session, SiteQuery(q=q), visible=STAFF).items]
            for q in ("纪念馆", "纪念", "hall", "ji", "胜利街", "X1")
        },
    }


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements the engine runs meanwhile (COPY goes around SQLAlchemy)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _import(session: Session, path: Path) -> None:
    report = import_file(session, path, ImportOptions(status=Status.published))
    session.commit()
    assert report.ok, report.errors
    assert report.created == 6


def test_copy_stores_what_inserts_stored(
    session: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_catalogue(session)
    path = tmp_path / "sites.csv"
    export_file(session, path, statuses=tuple(Status))
    clear_sites(session)
    monkeypatch.setattr(bulk, "BATCH", 4)  # two batches: ids taken per batch stay in order

    with _statements(engine) as seen:
        _import(session, path)
    copied = _stored(session)
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT")]
    assert not [s for s in inserts if any(t in s for t in ("site ", "searchterm", "auditlog"))]
    assert len(copied["sites"]) == 6
    assert copied["search"]["纪念馆"]  # the search finds the copied sites

    clear_sites(session)
    monkeypatch.setattr(pg_copy, "uses_copy", lambda _conn: False)
    _import(session, path)
    inserted = _stored(session)
    for part in ("sites", "terms", "themes", "audits", "search"):
        assert copied[part] == inserted[part], part


def test_copy_failing_half_way_writes_nothing(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_catalogue(session)
    before = counts(session)
    real = pg_copy.copy_rows
    calls: list[str] = []

    def failing(conn: Any, table: Any, *args: Any, **kwargs: Any) -> None:
        real(conn, table, *args, **kwargs)  # the rows reach the server, then the load fails
        calls.append(table.name)
        if calls.count("site") == 2:
            msg = "disk on fire"
            raise OSError(msg)

    monkeypatch.setattr(pg_copy, "copy_rows", failing)
    monkeypatch.setattr(bulk, "BATCH", 1)
    rows = [["名称", "类别"], ["甲旧址", "旧址"], ["乙旧址", "旧址"], ["丙旧址", "旧址"]]
    with pytest.raises(OSError, match="disk on fire"):
        import_file(session, write_csv(tmp_path / "a.csv", rows))
    session.rollback()
    assert calls.count("site") == 2
    assert counts(session) == before


def test_a_bad_row_writes_nothing(session: Session, tmp_path: Path) -> None:
    add_catalogue(session)
    before = counts(session)
    rows = [["名称", "类别", "经度"], ["甲旧址", "旧址", "114.3"], ["乙旧址", "旧址", "东经"]]
    report = import_file(session, write_csv(tmp_path / "a.csv", rows))
    session.commit()
    assert not report.ok
    assert not report.written
    assert counts(session) == before


def test_analyze_after_a_load_leaves_pages_all_visible(
    session: Session, engine: Engine, tmp_path: Path
) -> None:
    """`db.analyze` vacuums on PostgreSQL: a common word's hits are then counted from the
    indexes alone (bench/SCALE.md), which needs the new rows' pages marked all-visible."""
    from redres.db import analyze

    add_catalogue(session)
    # the test databases commit with synchronous_commit = off; VACUUM may not mark rows
    # all-visible before their commit is flushed: commit as a deployed server does
    session.execute(text("SET synchronous_commit = on"))
    rows = [["名称", "类别"], *([f"第{i}号纪念馆", "纪念馆"] for i in range(300))]
    assert import_file(session, write_csv(tmp_path / "a.csv", rows)).created == 300
    session.commit()
    session.close()
    analyze(engine)
    with engine.begin() as conn:
        # what the common-word counts need: the sites read from an index alone, no heap fetch
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        plan = conn.execute(
            text("EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM site WHERE id > 0")
        ).scalar_one()
    scans = [n for n in _nodes(plan[0]["Plan"]) if n["Node Type"] == "Index Only Scan"]
    assert scans, json.dumps(plan)
    assert sum(n["Heap Fetches"] for n in scans) == 0


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A plan node and every node under it."""
    return [node, *(m for child in node.get("Plans", []) for m in _nodes(child))]


def _term_indexes(session: Session) -> dict[str, str]:
    """The search terms' indexes and their definitions (a first load drops and rebuilds them)."""
    rows = session.execute(
        text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'searchterm'")
    )
    return {str(name): str(definition) for name, definition in rows}


def test_first_load_builds_term_indexes_once_and_stores_the_same(
    session: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into an empty registry, above the threshold: the secondary indexes of `searchterm` are
    dropped and built at the end; the rows, the indexes and the searches are as before."""
    before = _term_indexes(session)
    assert {"ix_searchterm_kind_term_site", "ix_searchterm_site_id"} <= set(before)
    add_catalogue(session)
    path = tmp_path / "sites.csv"
    export_file(session, path, statuses=tuple(Status))
    clear_sites(session)
    monkeypatch.setattr(bulk, "BATCH", 4)
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 6)

    with _statements(engine) as seen:
        _import(session, path)
    rebuilt = _stored(session)
    dropped = [s.strip() for s in seen if s.strip().upper().startswith("DROP INDEX")]
    assert sorted(dropped) == [
        "DROP INDEX ix_searchterm_kind_term_site",
        "DROP INDEX ix_searchterm_site_id",
    ]
    assert [s for s in seen if "maintenance_work_mem" in s]
    assert _term_indexes(session) == before
    assert rebuilt["search"]["纪念馆"]

    clear_sites(session)
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 7)  # 6 sites: below it, indexes kept
    with _statements(engine) as seen:
        _import(session, path)
    assert not [s for s in seen if "DROP INDEX" in s.upper()]
    kept = _stored(session)
    for part in ("sites", "terms", "themes", "audits", "search"):
        assert rebuilt[part] == kept[part], part


def test_load_into_a_registry_with_sites_keeps_term_indexes(
    session: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """People may be searching a registry that has sites: its indexes are not dropped."""
    add_catalogue(session)
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 2)
    rows = [["名称", "类别"], ["甲旧址", "旧址"], ["乙旧址", "旧址"], ["丙旧址", "旧址"]]
    with _statements(engine) as seen:
        report = import_file(session, write_csv(tmp_path / "a.csv", rows))
        session.commit()
    assert report.created == 3
    assert not [s for s in seen if "DROP INDEX" in s.upper()]


def test_failed_first_load_keeps_term_indexes(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _term_indexes(session)
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 2)
    monkeypatch.setattr(bulk, "BATCH", 1)
    real = bulk._insert_batch
    calls: list[int] = []

    def failing(*args: Any, **kwargs: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 2:
            msg = "disk on fire"
            raise OSError(msg)
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "_insert_batch", failing)
    rows = [["名称", "类别"], ["甲旧址", "旧址"], ["乙旧址", "旧址"], ["丙旧址", "旧址"]]
    with pytest.raises(OSError, match="disk on fire"):
        import_file(session, write_csv(tmp_path / "a.csv", rows))
    session.commit()  # a careless caller commits anyway: the indexes must still be there
    assert _term_indexes(session) == before


def test_search_during_a_first_load_waits_for_all_of_it(
    session: Session, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search by name while a first load writes waits for its commit and then finds every
    site, never a part; a list that does not search is not held up (it sees no site yet)."""
    monkeypatch.setattr(bulk, "BULK_INDEX_THRESHOLD", 2)
    monkeypatch.setattr(bulk, "BATCH", 1)
    real = bulk._insert_batch
    found: list[list[str]] = []
    listed: list[int] = []
    threads: list[threading.Thread] = []

    def search() -> None:
        with Session(engine) as other:
            page = list_sites(other, SiteQuery(q="旧址"), visible=STAFF)
            found.append(sorted(h.site.name for h in page.items))

    def writing(*args: Any, **kwargs: Any) -> list[int]:
        ids = real(*args, **kwargs)
        if not threads:  # after the first batch: a search starts, and waits
            threads.append(threading.Thread(target=search))
            threads[0].start()
            assert _waits_for_a_lock(engine), "the search should wait for the load"
            with Session(engine) as other:
                other.execute(text("SET lock_timeout = '5s'"))  # fail rather than hang
                listed.append(len(list_sites(other, SiteQuery(), visible=STAFF).items))
        return ids

    monkeypatch.setattr(bulk, "_insert_batch", writing)
    rows = [["名称", "类别"], ["甲旧址", "旧址"], ["乙旧址", "旧址"], ["丙旧址", "旧址"]]
    report = import_file(session, write_csv(tmp_path / "a.csv", rows))
    assert not found  # still waiting while the load is uncommitted
    session.commit()
    threads[0].join(timeout=30)
    assert report.created == 3
    assert listed == [0]
    assert found == [["丙旧址", "乙旧址", "甲旧址"]]


def _waits_for_a_lock(engine: Engine) -> bool:
    """Whether another connection of this database is waiting for a lock (within 10 s)."""
    deadline = time.monotonic() + 10
    sql = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(sql).scalar_one():
                return True
        time.sleep(0.05)
    return False
