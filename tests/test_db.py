"""Databases: migrations create and re-run cleanly; PostGIS gets an indexed point; URLs are checked."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url

from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.db import current_revision, init_db, make_engine, normalise_url
from redres.errors import ConfigurationError


def test_init_is_idempotent(engine: Engine) -> None:
    head = current_revision(engine)
    assert head is not None
    assert init_db(engine) == head
    terms = "site_search" if engine.dialect.name == "sqlite" else "searchterm"
    assert {"site", "story", "auditlog", terms} <= set(inspect(engine).get_table_names())


def test_postgis_point_follows_lon_lat(engine: Engine, session: object) -> None:
    if engine.dialect.name != "postgresql":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        return
    from sqlmodel import Session

    assert isinstance(session, Session)
    site = create_site(
        session,
        SiteCreate(name="施洋烈士墓", category="martyrs_cemetery", lon=114.33583, lat=30.53972),
    )
    session.commit()
    with engine.connect() as conn:
        wkt = conn.execute(
            text("SELECT ST_AsText(geom) FROM site WHERE id = :i"), {"i": site.id}
        ).scalar()
        indexes = {
            r[0]
            for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'site'"))
        }
    assert wkt == "POINT(114.33583 30.53972)"
    assert {"ix_site_geom", "ix_site_geog"} <= indexes


def test_fresh_sqlite_file(tmp_path: object) -> None:
    eng = make_engine(f"sqlite:///{tmp_path}/x.db")
    assert current_revision(eng) is None
    assert init_db(eng) is not None


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "not a url"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(ConfigurationError):
        normalise_url(url)


def test_postgres_urls_get_our_driver() -> None:
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    """A model change without its migration (or the reverse) shows up here, on both engines."""
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import redres.tables  # noqa: F401  (every table module, as the migrations see them)
    from redres.db import schema_filter

    with engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # reflection does not know PostGIS's geometry type
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": schema_filter(conn.dialect.name)}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_sqlite_search_terms_move_to_fts_and_back(tmp_path: Path) -> None:
    """Migration 0005 carries an existing catalogue's search terms over, and back on downgrade."""
    from alembic import command
    from sqlmodel import Session

    from redres.catalog import search_index
    from redres.catalog.listing import SiteQuery, list_sites
    from redres.db import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0004")
    old_terms = [
        ("zh", "八七"),
        ("zh", "七会"),
        ("py", "baqihuiyi"),
        ("in", "bqhy"),
        ("en", "wh19"),
    ]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO site (id, slug, name, category, status, aliases, designations, "
                "created_at, updated_at) VALUES (7, 'baqi', '八七会议', 'former_site', "
                "'published', '[]', '[]', '2025-01-01', '2025-01-01')"
            )
        )
        for kind, term in old_terms:
            conn.execute(
                text("INSERT INTO searchterm (site_id, kind, term) VALUES (7, :k, :t)"),
                {"k": kind, "t": term},
            )
    command.upgrade(cfg, "head")
    with Session(engine) as session:
        assert search_index.terms_of(session.connection(), 7) == set(old_terms)
        assert [h.site.slug for h in list_sites(session, SiteQuery(q="八七")).items] == ["baqi"]
        assert [h.site.slug for h in list_sites(session, SiteQuery(q="bqh")).items] == ["baqi"]
    command.downgrade(cfg, "0004")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, term FROM searchterm WHERE site_id = 7")).all()
        assert "site_search" not in inspect(conn).get_table_names()
    assert {(k, t) for k, t in rows} == set(old_terms)


def test_sqlite_without_fts5_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from redres.catalog import search_index

    broken = search_index.FTS_DDL.replace("USING fts5(", "USING fts5_missing(")
    monkeypatch.setattr(search_index, "FTS_DDL", broken)
    engine = make_engine("sqlite://")
    with engine.begin() as conn, pytest.raises(ConfigurationError, match="no FTS5"):
        search_index.create_fts(conn)


@pytest.mark.slow
def test_init_without_the_right_to_enable_postgis_says_what_to_do() -> None:
    """A role that may not create extensions (PostGIS is not trusted) learns what to ask for.

    The real `redres` entry point answers exit 2 with the statement a superuser must run, and
    leaves the database empty; once that statement has run, the same role initialises it.
    """
    from tests.conftest import PG_ADMIN_URL

    suffix = uuid.uuid4().hex[:12]
    role, database = f"redres_norights_{suffix}", f"redres_test_{suffix}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{role}"'))
    url = make_url(PG_ADMIN_URL).set(username=role, database=database)
    root = Path(__file__).resolve().parent.parent
    init = [sys.executable, "-c", "from redres.cli import main; main()", "init", "--db"]
    env = {**os.environ, "PYTHONPATH": str(root)}
    try:
        refused = subprocess.run(
            [*init, url.render_as_string()], capture_output=True, text=True, cwd=root, env=env
        )
        assert refused.returncode == 2, refused.stderr
        assert "Traceback" not in refused.stderr
        assert "CREATE EXTENSION postgis" in refused.stderr
        assert f"role {role!r}" in refused.stderr
        assert f"database {database!r}" in refused.stderr
        engine = make_engine(url.render_as_string())
        assert inspect(engine).get_table_names() == []
        engine.dispose()
        superuser = create_engine(url.set(username=make_url(PG_ADMIN_URL).username))
        with superuser.begin() as conn:
            conn.execute(text("CREATE EXTENSION postgis"))
        superuser.dispose()
        done = subprocess.run(
            [*init, url.render_as_string()], capture_output=True, text=True, cwd=root, env=env
        )
        assert done.returncode == 0, done.stderr
        assert "schema revision" in done.stdout
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_a_worker_keeps_its_connections_and_a_few_for_background_work(db_url: str) -> None:
    """`connections` are kept open (no new PostgreSQL session per request) and at most
    BACKGROUND_CONNECTIONS more are opened; beyond that a caller waits (here: times out)."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from redres.db import BACKGROUND_CONNECTIONS

    eng = make_engine(db_url, connections=3, pool_timeout=1)
    held = [eng.connect() for _ in range(3 + BACKGROUND_CONNECTIONS)]
    try:
        with pytest.raises(PoolTimeout):
            eng.connect()
    finally:
        for conn in held:
            conn.close()
    assert eng.pool.checkedin() == 3  # type: ignore[attr-defined]
    eng.dispose()


def test_an_in_memory_database_has_no_pool_to_size() -> None:
    eng = make_engine("sqlite://", connections=3)
    with eng.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
