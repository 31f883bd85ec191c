"""An uploaded survey file imported like `redres import` does: shared by the JSON upload and the
editor's import page, so both write (or refuse) exactly the same way."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import UploadFile
from sqlmodel import Session

from redres.catalog.io.formats import FORMATS, format_for
from redres.catalog.io.importer import ImportOptions, ImportReport, import_file
from redres.db import analyze


def run_import(session: Session, file: UploadFile, options: ImportOptions) -> ImportReport:
    """Import an upload: written and committed only when the report allows it.

    The upload is read from a private temporary file, never from a path the user chose: the
    user's file name gives its extension and, reduced to letters, digits, `-` and `_`, the name
    that error messages show.
    """
    suffix = Path(file.filename or "").suffix.lower()
    if suffix not in FORMATS:
        format_for(Path(f"upload{suffix}"))  # raises UnsupportedFormat with the known types
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
