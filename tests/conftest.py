"""Shared fixtures: the catalogue runs against a SQLite file and a fresh PostgreSQL/PostGIS database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel

import redres.tables  # noqa: F401  (every table on SQLModel.metadata, for _empty)
from redres.catalog import search_index
from redres.catalog.demo import load_demo
from redres.db import init_db, make_engine
from tests.db_copy import Snapshot, restore_snapshot, snapshot

os.environ.setdefault("REDRES_ARGON2_PROFILE", "fast")

# Hypothesis draws the same examples on every run ("ci"), so a new find never fails an unrelated
# change by chance; REDRES_HYPOTHESIS_PROFILE=hunt draws fresh ones to look for bugs.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.register_profile("hunt", derandomize=False)
hypothesis_settings.load_profile(
    os.environ.get("REDRES_HYPOTHESIS_PROFILE", "ci")
)  # cheap hashes; production keeps the default

PG_ADMIN_URL = os.environ.get(
    "REDRES_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PG_UNREACHABLE = (
    f"PostgreSQL with PostGIS is not answering at {PG_ADMIN_URL}: `make test` starts it"
    " (scripts/test-prereqs.sh), or set REDRES_TEST_PG_ADMIN_URL to a server that runs."
)
RESTART_SEQUENCES = """
SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)
FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL
  AND sequencename NOT LIKE 'procrastinate%'
"""
"""The job queue's ids (api.job_runner) keep counting: its rows are not the catalogue's."""
WARM_UP_DONE = "REDRES_TEST_WARM_UP_DONE"
"""Names the file that says the solver's kernels are in numba's cache (`pytest_sessionstart`)."""
DEMO_DIR = Path(__file__).resolve().parent.parent / "data" / "wuhan"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow")


def pytest_sessionstart(session: pytest.Session) -> None:
    """With xdist workers, compile the solver's kernels into numba's cache once, in a process of
    its own started before the workers: they collect the tests meanwhile on the other core, then
    wait for it (`pytest_collection_finish`) and only load the kernels (~0.4 s) instead of each
    compiling them all again (~17 s of CPU).

    The cache lives in a folder named for the solver's source (`routes.solver.jit_cache`), so
    later runs of the same source only load it, and any change to the solver compiles afresh.
    """
    config = session.config
    if hasattr(config, "workerinput") or not config.getoption("numprocesses", None):
        return  # a worker, or a single process that compiles on first use anyway
    done = Path(tempfile.mkdtemp(prefix="redres-warm-up-")) / "done"
    os.environ[WARM_UP_DONE] = str(done)  # the workers, started after this hook, inherit it
    compiling = subprocess.Popen(
        [sys.executable, "-c", "from redres.routes.solver import warm_up; warm_up()"]
    )

    def _mark_done() -> None:
        done.write_text(str(compiling.wait()))

    threading.Thread(target=_mark_done, daemon=True).start()


def pytest_collection_finish(session: pytest.Session) -> None:
    """A worker waits for the kernels being compiled for it (see `pytest_sessionstart`)."""
    flag = os.environ.get(WARM_UP_DONE)
    if not flag or not hasattr(session.config, "workerinput"):
        return
    waited = 0.0
    while not Path(flag).exists() and waited < 600:
        time.sleep(0.1)
        waited += 0.1


COSTLY_TO_COLLECT = {"test_fuzz_api.py"}
"""Slow modules whose collection itself costs (schemathesis builds its schema from an app on a
demo catalogue of its own): without --runslow they are not even collected."""


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name in COSTLY_TO_COLLECT and not config.getoption("--runslow"):
        return True
    return None


API_TESTS = Path(__file__).resolve().parent / "api"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests marked slow unless --runslow (CI) asks for them.

    Deselected rather than skipped: they are not missing features, only left to CI (a run in
    one process counts them as "deselected" in its summary; with xdist workers it does not).

    The HTTP tests (tests/api) on PostgreSQL count as slow, but for the modules marked
    `both_engines`: where the app's answer depends on the engine (search, maps, imports,
    caching, conflicts, streaming). The catalogue's own tests, where the SQL lives, run on
    both engines in every run, but for those marked `postgres_in_ci` (a file refused before
    any SQL). CI runs everything on both (docs/dev/README.md, "Tests").
    """
    if config.getoption("--runslow"):
        return
    for item in items:
        if _postgres_half_left_to_ci(item):
            item.add_marker(pytest.mark.slow)
    slow = [item for item in items if "slow" in item.keywords]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if "slow" not in item.keywords]


def _postgres_half_left_to_ci(item: pytest.Item) -> bool:
    """An HTTP test not marked `both_engines`, or any test marked `postgres_in_ci`, on
    PostgreSQL."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or callspec.params.get("db_kind") != "postgresql":
        return False
    if "postgres_in_ci" in item.keywords:
        return True
    return API_TESTS in item.path.parents and "both_engines" not in item.keywords


@pytest.fixture(scope="session", autouse=True)
def _secret_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Apps made without a secret key keep the generated one in this run's temp directory, not
    in the checkout, where parallel workers would race to write the same file."""
    path = tmp_path_factory.mktemp("secret") / "redres-secret"
    before = os.environ.get("REDRES_SECRET_FILE")
    os.environ["REDRES_SECRET_FILE"] = str(path)
    yield
    if before is None:
        del os.environ["REDRES_SECRET_FILE"]
    else:
        os.environ["REDRES_SECRET_FILE"] = before


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_kind(request: pytest.FixtureRequest) -> str:
    """Which engine the catalogue tests run on; every such test runs on both."""
    return str(request.param)


@pytest.fixture(scope="session")
def db_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database URL: a SQLite file, or a PostgreSQL database made for this test run."""
    with new_database(db_kind, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine for the whole session on one database."""
    eng = fast_commits(make_engine(db_url))
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on an emptied database, so each test starts from nothing."""
    _empty(engine)
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(scope="session")
def demo_engine(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database of its own with the Wuhan demo catalogue loaded once; tests only read it."""
    with new_database(db_kind, tmp_path_factory.mktemp("demo")) as url:
        eng = fast_commits(make_engine(url))
        init_db(eng)
        with Session(eng) as s:
            load_demo(s, DEMO_DIR)
            s.commit()
        yield eng
        eng.dispose()


@pytest.fixture(autouse=True)
def _demo_rate_limits_fresh(request: pytest.FixtureRequest) -> None:
    """Rate limits count calls in the database; on the shared demo database each test starts
    with none counted, as it would on an app of its own."""
    if "demo_engine" in request.fixturenames:
        with request.getfixturevalue("demo_engine").begin() as conn:
            conn.execute(text("DELETE FROM ratehit"))


@pytest.fixture(scope="session")
def demo_snapshot(demo_engine: Engine) -> Snapshot:
    """Every row of the demo database, read once per engine and worker."""
    return snapshot(demo_engine)


@pytest.fixture
def demo_copy(session: Session, engine: Engine, demo_snapshot: Snapshot) -> None:
    """The test database emptied, then holding a copy of the demo catalogue the test may change.

    The same rows, ids and id sequences as `load_demo` leaves, written in a few milliseconds
    instead of loaded in seconds (tests/catalog/test_demo.py tests the load itself).
    """
    restore_snapshot(engine, demo_snapshot)


def fast_commits(engine: Engine) -> Engine:
    """Let a SQLite test database commit without waiting for the disk.

    `make_engine` asks for `synchronous=FULL` (a commit survives a power cut); in WAL mode
    NORMAL is still atomic and survives a crash of the process, and saves an fsync of ~5 ms a
    commit, thousands of times a run: the counterpart of `synchronous_commit = off` on the
    PostgreSQL test databases. Tests of durability run their own engines and servers.
    """
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _no_fsync)
    return engine


def _no_fsync(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


@contextmanager
def new_database(kind: str, directory: Path) -> Iterator[str]:
    """Make an empty database of `kind` and drop it afterwards.

    PostgreSQL databases are named for the xdist worker and a random part, so parallel workers
    and other people's runs on the same server never meet. They commit without waiting for
    the WAL to reach the disk (`synchronous_commit = off`): a commit is still atomic and
    visible to every connection, only a crash of the server itself could lose the last few,
    and that saves ~6 ms a commit, thousands of times a run.
    """
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'redres.db'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"redres_test_{worker}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 10}
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except OperationalError as e:
        unreachable = f"{PG_UNREACHABLE}\n{e.orig}"
    else:
        unreachable = ""
    if unreachable:  # raised outside the handler, so the message is not buried in a traceback
        admin.dispose()
        pytest.fail(unreachable, pytrace=False)
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _empty(engine: Engine) -> None:
    """Delete every row and restart the id sequences, as a fresh database would have them.

    On PostgreSQL only the tables that hold rows are emptied, with DELETE: TRUNCATE makes new
    files for every table and index and costs about half a second a test, DELETE on a few small
    tables a few milliseconds.
    """
    tables = [  # children first; the catalogue's version moves on, as after any change
        t.name for t in reversed(SQLModel.metadata.sorted_tables) if t.name != "catalogueversion"
    ]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            probe = " UNION ALL ".join(
                f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables
            )
            held = {row[0] for row in conn.execute(text(probe))}
            for t in tables:
                if t in held:
                    conn.execute(text(f'DELETE FROM "{t}"'))
            conn.execute(text(RESTART_SEQUENCES))
        else:
            for t in tables:  # the search terms live in FTS5 on SQLite (catalog.search_index)
                name = search_index.FTS_TABLE if t == "searchterm" else t
                conn.execute(text(f'DELETE FROM "{name}"'))
