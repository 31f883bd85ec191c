"""Large imports over HTTP run as background jobs (`catalog.import_jobs`, `api.job_runner`): 202
with the job's address, progress on the editor's page, the report at the end, all or nothing,
and a job outlives the worker that accepted it."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.import_jobs import RUNNING, ImportJob, beat
from redres.catalog.models import Site
from redres.config import Settings
from redres.db import make_engine
from tests.api.forms import PASSWORD, bearer, csrf, sign_in

# On both engines in every run: jobs run on a PostgreSQL queue there, in-process on SQLite.
pytestmark = pytest.mark.both_engines


def _csv(
    rows: int, *, bad_row: int | None = None, name: str = "测试旧址", lat: float = 30.4
) -> bytes:
    lines = ["名称,类别,经度,纬度,区"]
    for i in range(rows):
        kind = "寺庙" if i == bad_row else "纪念碑"
        lines.append(f"{name}{i},{kind},{114.1 + i * 0.002:.4f},{lat + i * 0.001:.4f},武昌区")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def catalogue(session: Session) -> None:
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url="sqlite://",
        secret_key="j" * 40,
        import_background_bytes=1000,  # a few dozen rows
        job_dir=tmp_path / "jobs",
    )


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def runner(client: TestClient) -> Iterator[Any]:
    """This app's job runner, started by the test when it wants jobs to run."""
    jobs = client.app.state.import_jobs  # type: ignore[attr-defined]
    yield jobs
    jobs.stop()


def _upload(client: TestClient, body: bytes, headers: dict[str, str]) -> Any:
    files = {"file": ("大调查.csv", io.BytesIO(body), "text/csv")}
    return client.post("/api/import", files=files, headers=headers)


def _wait(client: TestClient, href: str, headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(600):
        job: dict[str, Any] = client.get(href, headers=headers).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    pytest.fail(f"{href} did not finish: {job}")


def _sites(session: Session) -> int:
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(Site)).one())


def test_a_large_import_answers_202_and_runs_off_the_request(
    client: TestClient, session: Session, runner: Any
) -> None:
    editor = bearer(client, "editor")
    small = _upload(client, _csv(3, name="小旧址", lat=31.0), editor)
    assert small.status_code == 200  # under the threshold: imported at once, as before
    r = _upload(client, _csv(120), editor)
    assert r.status_code == 202, r.text
    href = r.headers["location"]
    assert href == f"/api/import/jobs/{r.json()['id']}"
    assert r.json()["state"] == "queued"
    assert client.get(href).status_code == 401  # editors only
    assert client.get(href, headers=editor).json()["state"] == "queued"
    assert _sites(session) == 3
    runner.start()
    job = _wait(client, href, editor)
    assert job["state"] == "done"
    assert job["status"] == 200
    assert job["report"]["created"] == 120
    assert job["report"]["written"] is True
    assert _sites(session) == 123


def _statistics(engine: Engine, *, clear: bool = False) -> object:
    """When `site` was last vacuumed (PostgreSQL), or its rows of statistics (SQLite)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            query = "SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'site'"
            return conn.exec_driver_sql(query).scalar_one()
        if clear:
            conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl = 'site'")
        return conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'site'").one()


def test_a_job_that_wrote_refreshes_the_statistics(
    client: TestClient, engine: Engine, runner: Any
) -> None:
    """As `redres import` does: PostgreSQL then counts common words from the indexes alone
    (VACUUM marks the new rows all-visible) and SQLite keeps using the lat/lon index."""
    editor = bearer(client, "editor")
    before = _statistics(engine, clear=True)
    r = _upload(client, _csv(120), editor)
    assert r.status_code == 202
    runner.start()
    assert _wait(client, r.headers["location"], editor)["status"] == 200
    for _ in range(100):  # the job is marked done, then the statistics are refreshed
        if _statistics(engine) != before:
            break
        time.sleep(0.1)
    assert _statistics(engine) != before


def test_a_bad_row_in_a_large_file_writes_nothing(
    client: TestClient, session: Session, runner: Any
) -> None:
    editor = bearer(client, "editor")
    r = _upload(client, _csv(120, bad_row=77), editor)
    assert r.status_code == 202
    runner.start()
    job = _wait(client, r.headers["location"], editor)
    assert job["state"] == "done"
    assert job["status"] == 422
    assert [(e["row"], e["value"]) for e in job["report"]["errors"]] == [(79, "寺庙")]
    assert job["report"]["written"] is False
    assert _sites(session) == 0


def test_the_editor_page_shows_the_queue_the_progress_and_the_report(
    client: TestClient, session: Session, runner: Any, app_settings: Settings
) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/import")
    files = {"file": ("大调查.csv", io.BytesIO(_csv(120)), "text/csv")}
    r = client.post("/editor/import", files=files, data={"csrf": csrf(form.text)})
    assert r.status_code == 303
    page_url = r.headers["location"]
    queued = client.get(page_url)
    assert queued.status_code == 200
    assert "正在排队" in queued.text
    assert 'http-equiv="refresh"' in queued.text
    job_id = int(page_url.rsplit("/", 1)[1])
    with Session(session.get_bind()) as s:  # a worker has taken it and written 40 of 120
        job = s.get(ImportJob, job_id)
        assert job is not None
        job.state = RUNNING
        s.add(job)
        s.commit()
    beat(app_settings.job_dir, job_id, 40, 120)
    running = client.get(page_url)
    assert "40 / 120" in running.text
    assert '<progress max="120" value="40">' in running.text
    english = client.get(page_url + "?lang=en")
    assert "Writing: 40 of 120 rows." in english.text
    with Session(session.get_bind()) as s:
        job = s.get(ImportJob, job_id)
        assert job is not None
        job.state = "queued"  # as the worker left it when it died before its first write
        s.add(job)
        s.commit()
    runner.start()
    for _ in range(600):
        done = client.get(page_url)
        if "http-equiv" not in done.text:
            break
        time.sleep(0.1)
    assert "已新建 120" in done.text or "120" in done.text
    assert _sites(session) == 120


def test_a_job_outlives_the_worker_that_accepted_it(
    client: TestClient, session: Session, db_url: str, app_settings: Settings
) -> None:
    """The first app queues the job and never runs it (its worker died); a second app with its
    own engine, standing for another worker process, runs it."""
    editor = bearer(client, "editor")
    r = _upload(client, _csv(60), editor)
    assert r.status_code == 202
    other_engine = make_engine(db_url)
    try:
        with TestClient(create_app(app_settings, engine=other_engine)) as other:
            other.app.state.import_jobs.start()  # type: ignore[attr-defined]
            try:
                job = _wait(other, r.headers["location"], editor)
            finally:
                other.app.state.import_jobs.stop()  # type: ignore[attr-defined]
    finally:
        other_engine.dispose()
    assert job["state"] == "done"
    assert _sites(session) == 60


def test_a_running_job_whose_worker_fell_silent_is_taken_again(
    client: TestClient, session: Session, engine: Engine, runner: Any
) -> None:
    """On SQLite the runner takes it again once its progress file is stale; on PostgreSQL the
    job row says running but procrastinate still holds the job, and runs it."""
    editor = bearer(client, "editor")
    r = _upload(client, _csv(60), editor)
    job_id = r.json()["id"]
    with Session(engine) as s:  # taken by a worker that then died, a minute ago
        job = s.get(ImportJob, job_id)
        assert job is not None
        job.state, job.owner = RUNNING, "gone:1"
        job.started_at = datetime.now(UTC) - timedelta(minutes=1)
        s.add(job)
        s.commit()
    runner.start()
    job_body = _wait(client, r.headers["location"], editor)
    assert job_body["state"] == "done"
    assert _sites(session) == 60
