"""The editor's import page: upload a survey file, see every bad row with its reason."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redres.api.deps import PageEditorDep, SessionDep
from redres.api.history_lines import beijing
from redres.api.i18n import pick_language, translator
from redres.api.session import check_csrf, csrf_token
from redres.api.survey_import import job_body, queue_import, run_import
from redres.api.templating import render
from redres.catalog.errors import NotFound
from redres.catalog.import_jobs import ImportJob
from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.importer import ImportOptions, OnDuplicate
from redres.messages import said

router = APIRouter(include_in_schema=False)


@router.get("/editor/import", response_class=HTMLResponse)
def import_form(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """The upload form for survey files."""
    return render(request, "editor_import.html", {"csrf": csrf_token(request), "report": None})


@router.post("/editor/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    session: SessionDep,
    user: PageEditorDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=200)] = "",
    crs: Annotated[str, Form(max_length=20)] = "",
    dry_run: Annotated[bool, Form()] = False,
    skip_invalid: Annotated[bool, Form()] = False,
    on_duplicate: Annotated[OnDuplicate, Form()] = OnDuplicate.error,
) -> Response:
    """Run an import and show its report: every bad row with its number, column and reason;
    a large file goes to the background and its page shows how far it got."""
    check_csrf(request, csrf)
    request.app.state.import_limiter(request)
    options = ImportOptions(
        crs=crs or None,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        on_duplicate=on_duplicate,
        actor=user.username,
    )
    chosen = {
        "crs": crs,
        "on_duplicate": on_duplicate.value,
        "dry_run": dry_run,
    }  # shown again: an editor who chose GCJ-02 uploads the fixed file in GCJ-02 too (skipping
    # bad rows is asked anew each time)
    page = {"csrf": csrf_token(request), "name": file.filename, "report": None, "chosen": chosen}
    settings = request.app.state.settings
    try:
        job = queue_import(
            session,
            file,
            options,
            job_dir=settings.job_dir,
            threshold=settings.import_background_bytes,
        )
        if job is not None:  # a large file: imported in the background, followed on its page
            request.app.state.import_jobs.submit(job.id)
            return RedirectResponse(f"/editor/import/jobs/{job.id}", status_code=303)
        report = run_import(session, file, options)
    except InterchangeError as exc:  # the whole file is refused: say why, on the form
        session.rollback()
        code = 413 if isinstance(exc, LimitExceeded) else 400
        return render(request, "editor_import.html", page | {"refused": said(exc)}, code)
    code = 422 if report.errors and not skip_invalid else 200
    done = beijing(datetime.now(UTC))
    return render(request, "editor_import.html", page | {"report": report, "done": done}, code)


@router.get("/editor/import/jobs/{job_id}", response_class=HTMLResponse)
def import_job_page(
    request: Request, job_id: int, session: SessionDep, user: PageEditorDep
) -> Response:
    """A background import's progress (the page reloads itself while it runs), then its report."""
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("import job", job_id)  # noqa: EM101 (an entity name)
    say = translator(pick_language(request))
    body = job_body(job, request.app.state.settings.job_dir, say)
    return render(request, "editor_import_job.html", {"job": body, "name": job.file_name})
