"""The test fixtures keep their promise: each `session` starts from an empty database."""

from __future__ import annotations

from sqlalchemy import Engine, func, text
from sqlmodel import Session, SQLModel, select

from redres.catalog import search_index
from redres.catalog.models import AuditLog, Person, Site, Theme
from tests.conftest import _empty
from tests.factories import add_toy_sites


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
