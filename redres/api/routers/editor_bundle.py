"""The editor's page for a catalogue with its media as one zip: download the bundle, or upload
one to import, with the checks of `redres media export|import` (the same functions: the zip's
size, names and bombs, each file's hash and contents, the publishing rule)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from redres.api.deps import PageEditorDep, SessionDep
from redres.api.media_access import media_store
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.enums import Status
from redres.catalog.io import InterchangeError
from redres.catalog.io.errors import LimitExceeded
from redres.catalog.io.media_bundle import export_bundle, import_bundle

router = APIRouter(include_in_schema=False)


@router.get("/editor/media-bundle", response_class=HTMLResponse)
def bundle_page(request: Request, user: PageEditorDep) -> Response:
    """The download link and the upload form."""
    return render(request, "editor_bundle.html", {"csrf": csrf_token(request), "report": None})


@router.get("/editor/media-bundle.zip")
def bundle_download(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """Draft and published sites with their stories, people and events, the manifest and every
    live file as uploaded (originals keep their metadata: for editors, never published)."""
    tmp = Path(tempfile.mkdtemp(prefix="redres-bundle-"))
    path = tmp / "redres-media.zip"
    try:
        export_bundle(session, media_store(request), path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type="application/zip",
        filename="redres-media.zip",
        headers={"Cache-Control": "private, no-store"},
        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True),
    )


@router.post("/editor/media-bundle", response_class=HTMLResponse)
def bundle_upload(
    request: Request,
    session: SessionDep,
    user: PageEditorDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[Status, Form()] = Status.draft,
) -> Response:
    """Import a bundle: all of its catalogue or none; then each file its record lacks, a
    refused file reported and skipped. A second import of the same zip changes nothing."""
    check_csrf(request, csrf)
    request.app.state.import_limiter(request)
    page = {"csrf": csrf_token(request), "name": file.filename, "report": None}
    if status == Status.archived:
        return render(request, "editor_bundle.html", page | {"refused": "status"}, 422)
    with tempfile.TemporaryDirectory(prefix="redres-bundle-") as tmp:
        path = Path(tmp) / "upload.zip"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out, length=1 << 20)
        try:
            report = import_bundle(
                session,
                media_store(request),
                path,
                actor=user.username,
                status=status,
                video_hosts=request.app.state.settings.video_hosts,
            )
        except InterchangeError as exc:  # not a bundle, a bomb, bad columns: nothing written
            session.rollback()
            code = 413 if isinstance(exc, LimitExceeded) else 400
            return render(request, "editor_bundle.html", page | {"refused": str(exc)}, code)
    if report.catalogue.errors:
        session.rollback()
        return render(request, "editor_bundle.html", page | {"report": report}, 422)
    session.commit()
    return render(request, "editor_bundle.html", page | {"report": report})
