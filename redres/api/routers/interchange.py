"""Import uploads for editors and catalogue exports, over HTTP, with the CLI's validation report."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from sqlalchemy import Engine
from starlette.background import BackgroundTask

from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.api.i18n import pick_language, translator
from redres.api.import_bodies import ImportReportBody
from redres.api.spooled_stream import spooled
from redres.api.survey_import import job_body, queue_import, run_import
from redres.catalog.enums import Status
from redres.catalog.errors import InvalidQuery, NotFound
from redres.catalog.import_jobs import ImportJob
from redres.catalog.io.errors import ImportSettingsError
from redres.catalog.io.exporter import export_file, export_stream, streams
from redres.catalog.io.formats import format_for
from redres.catalog.io.importer import ImportOptions, OnDuplicate
from redres.db import read_snapshot
from redres.geo import normalise_crs
from redres.messages import said

router = APIRouter(prefix="/api", tags=["interchange"])

EXPORT_MEDIA = {
    ".geojson": "application/geo+json",
    ".json": "application/geo+json",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".gpkg": "application/geopackage+sqlite3",
    ".kml": "application/vnd.google-earth.kml+xml",
    ".kmz": "application/vnd.google-earth.kmz",
    ".zip": "application/zip",
}


def _import_limit(request: Request) -> None:
    request.app.state.import_limiter(request)


@router.post(
    "/import",
    dependencies=[Depends(_import_limit)],
    response_model=ImportReportBody,
    responses={
        202: {"description": "A large file: queued as a background job (`Location` says where)"},
        422: {
            "model": ImportReportBody,
            "description": "A bad row (and no `skip_invalid`): nothing written, every one listed",
        },
    },
)
def upload(
    request: Request,
    session: SessionDep,
    editor: EditorDep,
    response: Response,
    file: Annotated[
        UploadFile, File(description="CSV, XLSX, GeoJSON, GeoPackage, KML/KMZ, zipped Shapefile")
    ],
    crs: Annotated[str | None, Query(max_length=20)] = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_duplicate: OnDuplicate = OnDuplicate.error,
    status: Status = Status.draft,
) -> Any:
    """Import a survey file: all or nothing unless `skip_invalid`; 422 lists every bad row.

    A file larger than REDRES_IMPORT_BACKGROUND_BYTES is imported in the background: 202 with
    the job's address (`Location`), where its progress and, at the end, its report are."""
    try:
        options = ImportOptions(
            crs=crs,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            on_duplicate=on_duplicate,
            status=status,
            actor=editor.username,
        )
    except ValueError as exc:
        raise ImportSettingsError(said(exc)) from exc
    settings = request.app.state.settings
    say = translator(pick_language(request))
    job = queue_import(
        session,
        file,
        options,
        job_dir=settings.job_dir,
        threshold=settings.import_background_bytes,
    )
    if job is not None:
        request.app.state.import_jobs.submit(job.id)
        href = f"/api/import/jobs/{job.id}"
        body = job_body(job, settings.job_dir, say) | {"href": href}
        return JSONResponse(body, status_code=202, headers={"Location": href})
    report = run_import(session, file, options)
    if report.errors and not skip_invalid:
        response.status_code = 422
    return ImportReportBody.model_validate(report.to_dict(say) | {"file": file.filename})


@router.get("/import/jobs/{job_id}")
def import_job(job_id: int, request: Request, session: SessionDep, editor: EditorDep) -> Any:
    """A background import: queued, running (rows written of rows to write), done or failed."""
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("import job", job_id)  # noqa: EM101 (an entity name)
    say = translator(pick_language(request))
    return job_body(job, request.app.state.settings.job_dir, say)


@router.get("/export.{fmt}")
def download(
    fmt: str,
    request: Request,
    visible: VisibleDep,
    theme: Annotated[str | None, Query(max_length=80)] = None,
    crs: Annotated[str, Query(max_length=20)] = "wgs84",
    status: Status | None = None,
) -> Response:
    """The catalogue as a file; anonymous callers get published sites only.

    Text formats (CSV, GeoJSON, KML) are streamed as the sites are read, a page at a time,
    all in one read snapshot (`db.read_snapshot`), through a spool file so a slow client
    does not hold the database (`spooled_stream`); the others are built in a temporary file,
    from one snapshot too, and then sent.
    """
    suffix = f".{fmt.lower()}"
    if suffix not in EXPORT_MEDIA:
        format_for(Path(f"export{suffix}"))  # raises UnsupportedFormat with the known types
    statuses = [s for s in visible if status is None or s == status]
    if not statuses:
        msg = f"status {status!r} is not visible to you"
        raise InvalidQuery(msg)
    try:
        normalise_crs(crs)
    except ValueError as exc:  # an unknown coordinate system is the caller's mistake
        raise InvalidQuery(str(exc)) from exc
    engine = request.app.state.engine
    if streams(suffix):
        return StreamingResponse(
            spooled(lambda: _streamed(engine, suffix, statuses, theme, crs)),
            media_type=EXPORT_MEDIA[suffix],
            headers={"content-disposition": f'attachment; filename="redres{suffix}"'},
        )
    tmp = Path(tempfile.mkdtemp(prefix="redres-export-"))
    path = tmp / f"redres{suffix}"
    try:
        with read_snapshot(engine) as session:
            export_file(session, path, statuses=statuses, theme=theme, crs=crs)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=EXPORT_MEDIA[suffix],
        filename=f"redres{suffix}",
        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True),
    )


def _streamed(
    engine: Engine, suffix: str, statuses: list[Status], theme: str | None, crs: str
) -> Iterator[bytes]:
    """The export's bytes, read in one snapshot that lasts as long as the response."""
    with read_snapshot(engine) as session:
        yield from export_stream(session, suffix, statuses=statuses, theme=theme, crs=crs)
