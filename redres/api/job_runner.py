"""Who runs background imports (`catalog.import_jobs`): procrastinate on PostgreSQL, a thread on
SQLite; in every worker process of `redres serve`, so a job outlives the worker that took it.

- PostgreSQL: the jobs are procrastinate's (a maintained queue kept in PostgreSQL tables, woken
  by LISTEN/NOTIFY). Each worker process runs a procrastinate worker in a thread of its own;
  a worker that dies stops sending heartbeats, and a periodic task (every minute) puts the
  jobs it held back in the queue for another worker (the recipe of procrastinate's docs).
- SQLite: each process polls the `importjob` table; a job is taken with a compare-and-set
  update, and one whose progress file has not been touched for `STALE_SECONDS` (its worker
  died) is taken again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Engine, text, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from redres.catalog.import_jobs import (
    QUEUED,
    RUNNING,
    ImportJob,
    beat,
    owner_name,
    progress,
    run_job,
)
from redres.db import analyze

log = logging.getLogger(__name__)

STALE_SECONDS = 30.0
"""A running job not heard of for this long lost its worker."""
BEAT_SECONDS = 5.0
TASK = "redres.import_job"


class JobRunner(Protocol):
    """Starts in a serving process; takes queued jobs (`submit` is a hint that one is there)."""

    def start(self) -> None: ...
    def submit(self, job_id: int) -> None: ...
    def stop(self) -> None: ...


def runner_for(engine: Engine, job_dir: Path) -> JobRunner:
    """The runner for this database."""
    if engine.dialect.name == "postgresql":
        return QueueRunner(engine, job_dir)
    return ThreadRunner(engine, job_dir)


def _run_with_beats(engine: Engine, job_dir: Path, job_id: int) -> None:
    """Run a job while a side thread says every few seconds that it is alive."""
    done = threading.Event()

    def beats() -> None:
        while not done.wait(BEAT_SECONDS):
            found = progress(job_dir, job_id)
            beat(job_dir, job_id, *(found[:2] if found else (0, 0)))

    beat(job_dir, job_id)
    side = threading.Thread(target=beats, daemon=True, name=f"import-job-{job_id}-beat")
    side.start()
    try:
        wrote = run_job(engine, job_dir, job_id)
    finally:
        done.set()
    if wrote:  # as `redres import` does: without it PostgreSQL counts common words from the
        analyze(engine)  # heap (no index-only scans) and SQLite may skip the lat/lon index


class ThreadRunner:
    """SQLite: one thread per process polls for queued (or abandoned) jobs and runs them."""

    def __init__(self, engine: Engine, job_dir: Path, poll: float = 1.0) -> None:
        self.engine, self.job_dir, self.poll = engine, job_dir, poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin polling (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, daemon=True, name="import-jobs")
            self._thread.start()

    def submit(self, job_id: int) -> None:
        """Look now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the job at hand."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                job_id = self._claim()
            except OperationalError:  # the database is busy (another import): later
                job_id = None
            if job_id is not None:
                try:
                    _run_with_beats(self.engine, self.job_dir, job_id)
                except Exception:
                    log.exception("import job %s", job_id)
                continue
            self._wake.wait(self.poll)
            self._wake.clear()

    def _claim(self) -> int | None:
        """Take the oldest queued job, or a running one whose worker fell silent."""
        with Session(self.engine) as session:
            jobs = session.exec(
                select(ImportJob)
                .where(col(ImportJob.state).in_([QUEUED, RUNNING]))
                .order_by(col(ImportJob.id))
            ).all()
            now = time.time()
            for job in jobs:
                if job.state == RUNNING:
                    heard = progress(self.job_dir, job.id or 0)
                    started = job.started_at.timestamp() if job.started_at else 0.0
                    if now - (heard[2] if heard else started) < STALE_SECONDS:
                        continue
                taken = session.exec(
                    update(ImportJob)
                    .where(col(ImportJob.id) == job.id, col(ImportJob.state) == job.state)
                    .where(
                        col(ImportJob.owner).is_(None)
                        if job.owner is None
                        else col(ImportJob.owner) == job.owner
                    )
                    .values(state=RUNNING, owner=owner_name(), started_at=datetime.now(UTC))
                )
                session.commit()
                if taken.rowcount == 1:
                    assert job.id is not None
                    return job.id
        return None


class QueueRunner:
    """PostgreSQL: procrastinate's queue and a procrastinate worker in this process."""

    def __init__(self, engine: Engine, job_dir: Path) -> None:
        self.engine, self.job_dir = engine, job_dir
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def conninfo(self) -> str:
        """libpq's form of the engine's URL."""
        url = self.engine.url.set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def _app(self, connector: Any) -> Any:
        import procrastinate

        app = procrastinate.App(connector=connector)
        engine, job_dir = self.engine, self.job_dir

        @app.task(name=TASK)
        def import_job(job_id: int) -> None:
            _run_with_beats(engine, job_dir, job_id)

        @app.periodic(cron="* * * * *")
        @app.task(name="redres.retry_stalled", queueing_lock="redres.retry_stalled")
        async def retry_stalled(timestamp: int) -> None:
            for job in await app.job_manager.get_stalled_jobs():
                await app.job_manager.retry_job(job)

        return app

    def ensure_schema(self) -> None:
        """Create procrastinate's tables once (two workers starting at once wait on a lock)."""
        from procrastinate.schema import SchemaManager

        with self.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('redres-procrastinate'))"))
            if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
                cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                cursor.execute(SchemaManager.get_schema())  # no parameters: its % stay as they are
                cursor.close()

    def start(self) -> None:
        """A procrastinate worker in a thread with its own event loop."""
        if self._thread is not None:
            return
        self.ensure_schema()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="import-jobs")
        self._thread.start()

    def _serve(self) -> None:
        from procrastinate import PsycopgConnector

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._task = asyncio.current_task()
            app = self._app(PsycopgConnector(conninfo=self.conninfo()))
            async with app.open_async():
                await app.run_worker_async(
                    install_signal_handlers=False,
                    concurrency=1,
                    update_heartbeat_interval=BEAT_SECONDS,
                    stalled_worker_timeout=STALE_SECONDS,
                    name=f"redres-{threading.get_native_id()}",
                )

        with contextlib.suppress(asyncio.CancelledError):
            asyncio.run(main())

    def submit(self, job_id: int) -> None:
        """Put the job in procrastinate's queue (from the request's thread)."""
        from procrastinate import SyncPsycopgConnector

        self.ensure_schema()
        app = self._app(SyncPsycopgConnector(conninfo=self.conninfo(), min_size=1, max_size=1))
        with app.open():
            app.tasks[TASK].defer(job_id=job_id)

    def stop(self) -> None:
        """Stop the worker (the job at hand is left to the stalled-job retry)."""
        loop, task, thread = self._loop, self._task, self._thread
        if loop is not None and task is not None and thread is not None:
            loop.call_soon_threadsafe(task.cancel)
            thread.join(timeout=30)
        self._thread = self._loop = self._task = None
