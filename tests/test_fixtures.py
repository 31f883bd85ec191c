"""The test fixtures keep their promise: each `session` starts from an empty database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, text
from sqlmodel import Session, SQLModel, select

from redres.catalog import search_index
from redres.catalog.account_tables import AuditLog
from redres.catalog.demo import load_demo
from redres.catalog.models import Person, Site, Theme
from tests.conftest import DEMO_DIR, _empty
from tests.db_copy import Snapshot, restore_snapshot, snapshot
from tests.factories import add_toy_sites


@pytest.mark.usefixtures("session")  # starts empty, whatever the test before it left
def test_emptying_removes_every_row_and_restarts_the_ids(engine: Engine) -> None:
    """Rows written and ids drawn by a rolled-back insert are all gone, so the next test's
    first site is id 1 again, whichever tables the last test wrote to."""
    with Session(engine) as s:
        add_toy_sites(s)
    with Session(engine) as s:  # draws an id from a table that holds no row
        s.add(Person(slug="rolled-back", name="回滚"))
        s.flush()
        s.rollback()
    _empty(engine)
    with Session(engine) as s:
        for table in SQLModel.metadata.sorted_tables:
            name = table.name
            if name == "catalogueversion":  # kept: the version only moves on (conftest._empty)
                assert s.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() == 1
                continue
            if name == "searchterm" and engine.dialect.name == "sqlite":
                name = search_index.FTS_TABLE  # the terms live in FTS5 there
            assert s.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() == 0, name
        sites = add_toy_sites(s)
        assert [site.id for site in sites] == [1, 2, 3, 4, 5]
        assert s.exec(select(Theme.id).where(Theme.slug == "great-revolution")).one() == 1
        assert s.exec(select(func.min(AuditLog.id))).one() == 1
        assert s.exec(select(func.count()).select_from(Site)).one() == 5
        person = Person(slug="first", name="第一")
        s.add(person)
        s.flush()
        assert person.id == 1
        s.rollback()
    _empty(engine)


@pytest.mark.slow
def test_a_demo_copy_holds_what_loading_the_demo_writes(
    engine: Engine, session: Session, demo_snapshot: Snapshot
) -> None:
    """`demo_copy` stands in for `load_demo`: the same rows, search documents and next ids
    (only the times of writing differ)."""
    load_demo(session, DEMO_DIR)
    session.commit()
    loaded = snapshot(engine)
    _empty(engine)
    restore_snapshot(engine, demo_snapshot)
    copied = snapshot(engine)

    def timeless(snap: Snapshot) -> dict[str, list[str]]:
        return {
            table.name: sorted(
                repr({k: v for k, v in row.items() if not isinstance(v, dt.datetime)})
                for row in rows
            )
            for table, rows in snap.tables
        }

    assert sum(len(rows) for _, rows in copied.tables) > 1000
    assert timeless(copied) == timeless(loaded)
    assert copied.fts_documents == loaded.fts_documents
    assert copied.sequences == loaded.sequences
    with Session(engine) as s:
        theme = Theme(slug="new-after-copy", name="新")
        s.add(theme)
        s.flush()
        assert theme.id == max(t.id or 0 for t in s.exec(select(Theme))) == 12
        s.rollback()
    _empty(engine)
