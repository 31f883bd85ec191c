"""Import uploads for editors and catalogue exports, over HTTP, with the CLI's validation report."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.api.import_bodies import ImportReportBody
from redres.api.survey_import import run_import
from redres.catalog.enums import Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.io.exporter import export_file
from redres.catalog.io.formats import format_for
from redres.catalog.io.importer import ImportOptions, OnDuplicate
from redres.geo import normalise_crs

router = APIRouter(prefix="/api", tags=["interchange"])

EXPORT_MEDIA = {
    ".geojson": "application/geo+json",
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
    responses={
        422: {
            "model": ImportReportBody,
            "description": "A bad row (and no `skip_invalid`): nothing written, every one listed",
        }
    },
)
def upload(
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
) -> ImportReportBody:
    """Import a survey file: all or nothing unless `skip_invalid`; 422 lists every bad row."""
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
        raise InvalidQuery(str(exc)) from exc
    report = run_import(session, file, options)
    if report.errors and not skip_invalid:
        response.status_code = 422
    return ImportReportBody.model_validate(report.to_dict() | {"file": file.filename})


@router.get("/export.{fmt}")
def download(
    fmt: str,
    session: SessionDep,
    visible: VisibleDep,
    theme: Annotated[str | None, Query(max_length=80)] = None,
    crs: Annotated[str, Query(max_length=20)] = "wgs84",
    status: Status | None = None,
) -> FileResponse:
    """The catalogue as a file; anonymous callers get published sites only."""
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
    tmp = Path(tempfile.mkdtemp(prefix="redres-export-"))
    path = tmp / f"redres{suffix}"
    try:
        export_file(session, path, statuses=statuses, theme=theme, crs=crs)
    except ValueError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=EXPORT_MEDIA[suffix],
        filename=f"redres{suffix}",
        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True),
    )
