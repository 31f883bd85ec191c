"""An uploaded survey file imported like `redres import` does: shared by the JSON upload and the
editor's import page, so both write (or refuse) exactly the same way."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from sqlmodel import Session

from redres.api.i18n import Translate
from redres.catalog.import_jobs import ImportJob, create_job, job_error, progress, report_from_json
from redres.catalog.io.formats import FORMATS, format_for
from redres.catalog.io.importer import ImportOptions, ImportReport, import_file
from redres.db import analyze
from redres.messages import Message


def queue_import(
    session: Session, file: UploadFile, options: ImportOptions, *, job_dir: Path, threshold: int
) -> ImportJob | None:
    """Queue an upload larger than `threshold` bytes as a background job (committed here);
    None for a smaller one, which the caller imports at once with `run_import`."""
    size = file.size
    if size is None:
        size = file.file.seek(0, 2)
        file.file.seek(0)
    if size <= threshold:
        return None
    suffix = _suffix(file)
    job_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".upload-", dir=job_dir) as tmp:
        path = Path(tmp) / safe_name(file.filename or "", suffix)
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, length=1 << 20)
        job = create_job(session, job_dir, path, path.name, options)
        session.commit()
    return job


def job_body(job: ImportJob, job_dir: Path, say: Translate) -> dict[str, Any]:
    """A job as the API and the editor's page show it: state, progress, and at the end the
    report (`status` is what the import would have answered at once: 200, 422, 400, 413),
    its reasons, warnings and refusal said by `say` in the reader's language."""
    seen = progress(job_dir, job.id or 0)
    report = report_from_json(job.report) if job.report else None
    if report is not None:
        report = said_report(report, say)
    error = job_error(job)
    return {
        "id": job.id,
        "state": job.state,
        "file": job.file_name,
        "size": job.size,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "done": seen[0] if seen else None,
        "total": seen[1] if seen else None,
        "status": job.status_code,
        "report": report,
        "error": None if error is None else say(error),
        "error_en": None if error is None else str(error),
    }


def said_report(report: dict[str, Any], say: Translate) -> dict[str, Any]:
    """An import report (`ImportReport.to_dict` or a job's) with its reasons and warnings said
    by `say`, each beside its English (`reason_en`, `warnings_en`) and its message key."""
    for error in report["errors"]:
        reason = error["reason"]
        error["reason"] = say(reason)
        error["reason_en"] = str(reason)
        error["reason_key"] = reason.key if isinstance(reason, Message) else None
    report["warnings_en"] = [str(w) for w in report["warnings"]]
    report["warnings"] = [say(w) for w in report["warnings"]]
    return report


def _suffix(file: UploadFile) -> str:
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in FORMATS:
        format_for(Path(f"upload{suffix}"))  # raises UnsupportedFormat with the known types
    return suffix


def run_import(session: Session, file: UploadFile, options: ImportOptions) -> ImportReport:
    """Import an upload: written and committed only when the report allows it.

    The upload is read from a private temporary file, never from a path the user chose: the
    user's file name gives its extension and, reduced to letters, digits, `-` and `_`, the name
    that error messages show.
    """
    suffix = _suffix(file)
    with tempfile.TemporaryDirectory(prefix="redres-import-") as tmp:
        path = Path(tmp) / safe_name(file.filename or "", suffix)
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, length=1 << 20)
        report = import_file(session, path, options)
    if (report.errors and not options.skip_invalid) or options.dry_run:
        session.rollback()
        return report
    session.commit()
    analyze(session.get_bind())  # type: ignore[arg-type]
    return report


def safe_name(filename: str, suffix: str) -> str:
    """`调查 (2).csv` -> `调查_2_.csv`: no separators, dots or control characters; short.

    >>> safe_name("../调查 (2).csv", ".csv")
    '调查_2_.csv'
    """
    stem = re.sub(r"[^\w\-]+", "_", Path(filename.replace("\\", "/")).stem)[:80]
    return (stem or "upload") + suffix
