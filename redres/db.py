"""Engines and sessions for SQLite (the embedded default) and PostgreSQL/PostGIS.

Nothing connects at import time: callers build an engine from a URL and pass it on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, ProgrammingError
from sqlmodel import Session, create_engine

from redres import catalogue_version
from redres.errors import ConfigurationError

log = logging.getLogger(__name__)

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


POSTGIS_ONLY = frozenset(
    {
        "geom",
        "ix_site_geom",
        "ix_site_geog",
        "spatial_ref_sys",
        "ix_site_id_status",
        "ix_site_name_c",
    }
)
"""Schema objects written by hand in migrations for PostGIS, which the models do not describe
(the last two are PostgreSQL's indexes for large searches, migration 0022)."""


def schema_filter(dialect: str) -> Callable[..., bool]:
    """Which schema objects autogenerate compares on `dialect`.

    Left out: PostGIS's hand-written objects, the map's kept counts (kept by triggers,
    `catalog.map_cells`, `catalog.map_facets`, `catalog.map_profiles`), the job queue's tables on PostgreSQL; on
    SQLite the FTS5 search tables, and the `searchterm` table of the models, which only
    PostgreSQL has (`catalog.search_index`).
    """
    from redres.catalog import map_cells, map_facets, map_profiles
    from redres.catalog.search_index import FTS_OBJECTS

    skip = POSTGIS_ONLY | map_cells.OBJECTS | map_facets.OBJECTS | map_profiles.OBJECTS
    skip |= FTS_OBJECTS | {"searchterm"} if dialect == "sqlite" else frozenset()

    def include(_obj: object, name: str | None, kind: str, *_: object) -> bool:
        if name is not None and name.startswith("procrastinate_"):
            return False  # the job queue's own schema (api.job_runner), not ours
        if kind == "index" and name is not None and name.startswith("ix_searchterm_"):
            return dialect != "sqlite"
        return name not in skip

    return include


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste (postgres://, postgresql://) and pick our drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        msg = f"not a database URL: {url!r}"
        raise ConfigurationError(msg) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        msg = f"unsupported database {parsed.get_backend_name()!r}; use sqlite or postgresql"
        raise ConfigurationError(msg)
    return url


BACKGROUND_CONNECTIONS = 5
"""Connections a worker may open beyond `connections` for work outside requests (background
imports, the warm-up, a stream still being sent); closed again when returned."""


def _in_memory(url: str) -> bool:
    """An in-memory SQLite database: one connection shared, no pool to size."""
    database = make_url(url).database
    return url.startswith("sqlite") and database in (None, "", ":memory:")


def make_engine(
    url: str, *, echo: bool = False, connections: int | None = None, **pool: int
) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout. Commits
    that change the catalogue move its version (`catalogue_version.watch`).

    `connections`: the connections a server's worker keeps (`Settings.db_connections`), with
    `BACKGROUND_CONNECTIONS` more allowed; SQLAlchemy's default (5 kept, 10 more opened and
    closed again) made the 16th of 16 concurrent requests wait seconds for a connection (the
    queue is not first come, first served) and opened a new PostgreSQL session for most of the
    others. `pool` passes QueuePool sizes (pool_size, max_overflow, pool_timeout) through.
    """
    url = normalise_url(url)
    if connections is not None and not _in_memory(url):
        pool = {"pool_size": connections, "max_overflow": BACKGROUND_CONNECTIONS} | pool
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True, **pool)
    catalogue_version.watch(engine)
    return engine


def is_postgres(engine: Engine) -> bool:
    """Whether spatial queries can use PostGIS."""
    return engine.dialect.name == "postgresql"


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Session]:
    """A read-only session whose every query sees the same committed state, then rolled back.

    A long read in pages (a streamed export) must not mix states: on PostgreSQL the
    transaction is REPEATABLE READ (one snapshot for all its statements, where the default
    READ COMMITTED takes one per statement); on SQLite an explicit BEGIN makes the reads one
    transaction (the driver opens none for SELECTs), which in WAL mode reads one snapshot
    while writers go on.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        else:
            conn.exec_driver_sql("BEGIN")
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                yield session
        finally:
            conn.rollback()


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration that migrates `engine` with the packaged scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def init_db(engine: Engine) -> str | None:
    """Create or upgrade the schema to the newest migration; returns the revision reached.

    Users who upgrade keep their data: the schema only ever moves by migrations.

    Raises
    ------
    ConfigurationError
        When PostgreSQL lacks PostGIS and this role cannot enable it.
    """
    from redres.catalog import map_cells, map_facets, map_profiles

    if is_postgres(engine):
        _enable_postgis(engine)
    with engine.begin() as conn:
        cfg = alembic_config(engine)
        cfg.attributes["connection"] = conn
        catalogue_version.paused(conn, True)  # the counter's table may not exist yet
        try:
            command.upgrade(cfg, "head")
            map_cells.ensure(conn)  # a migration that rebuilt `site` on SQLite dropped them
            map_facets.ensure(conn)
            map_profiles.ensure(conn)
        finally:
            catalogue_version.paused(conn, False)
    analyze(engine)
    return current_revision(engine)


def _enable_postgis(engine: Engine) -> None:
    """Enable PostGIS before the first migration needs it, or say who must do what.

    Its own transaction, so a refusal is a clear message and no half-made schema.
    """
    with engine.connect() as conn:
        database, role, major, installed, available = conn.exec_driver_sql(
            "SELECT current_database(), current_user,"
            " current_setting('server_version_num')::int / 10000,"
            " EXISTS (SELECT FROM pg_extension WHERE extname = 'postgis'),"
            " EXISTS (SELECT FROM pg_available_extensions WHERE name = 'postgis')"
        ).one()
    if installed:
        return
    if not available:
        msg = (
            f"PostGIS is not installed on the PostgreSQL {major} server of database "
            f"{database!r}; install it on that server (Debian/Ubuntu: apt-get install "
            f"postgresql-{major}-postgis-3), then run `redres init` again"
        )
        raise ConfigurationError(msg)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    except ProgrammingError as exc:  # e.g. InsufficientPrivilege: postgis is not trusted
        reason = str(exc.orig).splitlines()[0]
        msg = (
            f"role {role!r} cannot enable PostGIS in database {database!r} ({reason}); "
            f"have a superuser run `CREATE EXTENSION postgis;` in that database "
            f"(psql -d {database} -c 'CREATE EXTENSION postgis'), then run `redres init` again"
        )
        raise ConfigurationError(msg) from exc


def analyze(engine: Engine) -> None:
    """Refresh the planner's table statistics after bulk writes.

    Without them SQLite walks the status index instead of the lat/lon index, and a bbox query
    over 100,000 sites takes several times longer (bench/README.md). PostgreSQL's autovacuum
    analyses on its own, but an explicit ANALYZE after a bulk load helps at once; there it is
    a `VACUUM (ANALYZE)`, which also marks the new rows' pages all-visible: until then the
    planner cannot count a common word's hits from the indexes alone (migration 0024) and
    scans every site instead, 1,025 ms against 37 ms at 100,000 sites (bench/SCALE.md).
    VACUUM skips pages already all-visible, so after a small import it reads little.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")  # not in a transaction block
        return
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return None if row is None else str(row[0])


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a commit survives power loss, not only a crash
    cur.close()
