"""Imports that run off the request: a job row, the upload kept on disk, progress in a file.

An upload larger than `Settings.import_background_bytes` is not imported while the editor
waits: it is saved under the job directory and a job row is committed; a runner
(`api.job_runner`) later runs `run_job`, which imports the file exactly as a request would, in
one transaction: the job's final state and report are written in that same transaction, so a
job is `done` if and only if its sites were committed (all or nothing, as before). Progress
(rows written of rows to write) goes to a small file beside the upload, not to the database,
because on SQLite the import's own transaction holds the write lock until it commits; the
runner touches that file every few seconds, which is how a job whose worker died is told from
one still running. Running a job again after its worker died is safe: the interrupted
transaction left nothing, and a job already `done` or `failed` is not run again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel

from redres.catalog.enums import Status
from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.importer import ImportOptions, ImportReport, OnDuplicate, import_file
from redres.messages import message_from_json, message_json, said

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
PROGRESS_FILE = "progress.json"


class ImportJob(SQLModel, table=True):
    """One import run off the request, and what came of it."""

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(default=QUEUED, max_length=20, index=True)
    actor: str = Field(max_length=100)
    file_name: str = Field(max_length=200)
    """The upload's safe name (`survey_import.safe_name`), inside the job's directory."""
    size: int
    options: str = Field(max_length=2000)
    """The import options as JSON (crs, dry_run, skip_invalid, on_duplicate, status)."""
    owner: str | None = Field(default=None, max_length=100)
    """The process running it (host:pid), while it runs."""
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    status_code: int | None = None
    """What the same import answered over HTTP would have: 200, 422 (bad rows), 400 or 413."""
    report: str | None = None
    """The import report as JSON (`report_from_json` reads it back)."""
    error: str | None = Field(default=None, max_length=2000)
    """Why the file was refused: a message as JSON (`job_error` reads it back) or plain text."""


ERROR_MAX = 2000


def options_json(options: ImportOptions) -> str:
    """The options a job keeps (limits and the duplicate radius stay the defaults)."""
    return json.dumps(
        {
            "crs": options.crs,
            "dry_run": options.dry_run,
            "skip_invalid": options.skip_invalid,
            "on_duplicate": str(options.on_duplicate),
            "status": str(options.status),
        }
    )


def job_options(job: ImportJob) -> ImportOptions:
    """The options a job was queued with."""
    kept = json.loads(job.options)
    return ImportOptions(
        crs=kept["crs"],
        dry_run=kept["dry_run"],
        skip_invalid=kept["skip_invalid"],
        on_duplicate=OnDuplicate(kept["on_duplicate"]),
        status=Status(kept["status"]),
        actor=job.actor,
    )


def job_path(job_dir: Path, job: ImportJob) -> Path:
    """Where a job's upload is kept."""
    return job_dir / str(job.id) / job.file_name


def create_job(
    session: Session, job_dir: Path, upload: Path, name: str, options: ImportOptions
) -> ImportJob:
    """Queue an import of `upload` (moved into the job directory); the caller commits."""
    job = ImportJob(
        actor=options.actor,
        file_name=name,
        size=upload.stat().st_size,
        options=options_json(options),
        created_at=datetime.now(UTC),
    )
    session.add(job)
    session.flush()
    target = job_path(job_dir, job)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(upload, target)
    return job


def progress(job_dir: Path, job_id: int) -> tuple[int, int, float] | None:
    """Rows written, rows to write and when last heard of, or None before the first word."""
    file = job_dir / str(job_id) / PROGRESS_FILE
    try:
        kept = json.loads(file.read_text(encoding="utf-8"))
        seen = file.stat().st_mtime
    except (OSError, ValueError):
        return None
    return int(kept["done"]), int(kept["total"]), seen


def beat(job_dir: Path, job_id: int, done: int = 0, total: int = 0) -> None:
    """Say the job is alive (and how far it is), atomically."""
    folder = job_dir / str(job_id)
    if not folder.is_dir():
        return
    tmp = folder / f".{PROGRESS_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
    tmp.replace(folder / PROGRESS_FILE)


def run_job(engine: Engine, job_dir: Path, job_id: int) -> bool:
    """Import a queued job's file in one transaction that also records its outcome; True when
    it committed rows (the caller then refreshes the planner's statistics)."""
    with Session(engine, expire_on_commit=False) as session:
        job = session.get(ImportJob, job_id)
        if job is None or job.state in (DONE, FAILED):
            return False
        job.state, job.started_at = RUNNING, job.started_at or datetime.now(UTC)
        job.owner = owner_name()
        session.add(job)
        session.commit()
        options = job_options(job)
        path = job_path(job_dir, job)
        last = [0.0]

        def report_progress(done: int, total: int) -> None:
            if time.monotonic() - last[0] > 0.5 or done == total:
                last[0] = time.monotonic()
                beat(job_dir, job_id, done, total)

        wrote = False
        try:
            report = import_file(session, path, options, progress=report_progress)
        except InterchangeError as exc:
            session.rollback()
            _finish(session, job_id, 413 if isinstance(exc, LimitExceeded) else 400, None, exc)
        except Exception as exc:
            session.rollback()
            log.exception("import job %s failed", job_id)
            _finish(session, job_id, 500, None, exc)
            raise
        else:
            refused = bool(report.errors) and not options.skip_invalid
            if refused or options.dry_run:
                session.rollback()  # nothing of the file is kept
            _finish(session, job_id, 422 if refused else 200, report, None)
            wrote = report.written
    shutil.rmtree(job_dir / str(job_id), ignore_errors=True)
    return wrote


def _finish(
    session: Session,
    job_id: int,
    code: int,
    report: ImportReport | None,
    error: Exception | None,
) -> None:
    """Record the outcome, in the import's own transaction when it wrote something."""
    job = session.get(ImportJob, job_id)
    assert job is not None
    job.state = FAILED if error is not None else DONE
    job.finished_at = datetime.now(UTC)
    job.status_code = code
    job.owner = None
    job.report = None if report is None else json.dumps(_report_json(report), default=str)
    job.error = None if error is None else _error_text(error)
    session.add(job)
    session.commit()


def _report_json(report: ImportReport) -> dict[str, Any]:
    out = report.to_dict()
    for kept, error in zip(out["errors"], report.errors, strict=True):
        kept["reason"] = message_json(error.reason)
    out["warnings"] = [message_json(w) for w in report.warnings]
    return out


def report_from_json(text: str) -> dict[str, Any]:
    """A job's report for a page: the reasons are messages again, in the reader's language."""
    report: dict[str, Any] = json.loads(text)
    for error in report["errors"]:
        error["reason"] = message_from_json(error["reason"])
    report["warnings"] = [message_from_json(w) for w in report["warnings"]]
    return report


def _error_text(error: Exception) -> str:
    """A refusal as stored: its message as JSON (`job_error` reads it back), else its text."""
    text = json.dumps(message_json(said(error)), ensure_ascii=False)
    return text if len(text) <= ERROR_MAX else str(error)[:ERROR_MAX]


def job_error(job: ImportJob) -> str | None:
    """Why a failed job's file was refused, as a message the reader's language can say."""
    if job.error is None or not job.error.startswith('{"$msg"'):
        return job.error
    found: str = message_from_json(json.loads(job.error))
    return found


def owner_name() -> str:
    """This process, as a job's owner."""
    return f"{os.uname().nodename}:{os.getpid()}"[:100]
