"""The editor's media forms: upload one or several files to a site, story, person, event or
route (stop),
change a file's fields, order and cover, or archive it. Plain multipart forms with a CSRF
token, so they work without JavaScript; `media_upload.js` sends the same form one file at a
time with a progress bar and asks for JSON (`Accept: application/json`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.editor_media_view import COLLECTIONS
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language, translator
from redres.api.media_access import media_store, owner_record
from redres.api.session import check_csrf
from redres.api.templating import render
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import STAFF
from redres.catalog.errors import CatalogError
from redres.catalog.media import (
    MEDIA_FIELDS,
    MediaPatch,
    add_media,
    archive_media,
    get_media,
    media_json,
    read_fields,
    update_media,
)
from redres.catalog.media_files import MediaRefused, UnsupportedMedia
from redres.catalog.media_owners import owner_of, stop_site
from redres.catalog.media_rules import Owner, kind_of
from redres.catalog.media_videos import add_video
from redres.messages import Message

router = APIRouter(include_in_schema=False)

FIELDS = MEDIA_FIELDS
"""The form fields of a media item (the upload's and the item form's)."""
LABELS = {name: f"media_f_{name}" for name in FIELDS}
"""The page-text keys of the fields' labels (errors name the box)."""
MAX_FILES = 20
"""Files one plain form may send at once (the script sends one a request)."""


async def upload_form(request: Request) -> AsyncIterator[FormData]:
    """The multipart body, read before a session opens; its spooled files closed afterwards,
    also when the handler never runs (a teacher, a bad token)."""
    form = await request.form(max_files=MAX_FILES + 1)
    try:
        yield form
    finally:
        await form.close()


UploadFormDep = Annotated[FormData, Depends(upload_form)]


@router.post("/editor/{collection}/{slug}/media", response_model=None)
def upload(
    request: Request,
    form: UploadFormDep,
    collection: Literal["sites", "stories", "routes", "people", "events"],
    slug: str,
    session: SessionDep,
    user: PageEditorDep,
) -> Response:
    """Add the form's files with its fields; all or none (a refused file refuses the batch)."""
    check_csrf(request, str(form.get("csrf", "")))
    owner = owner_record(session, collection, slug)
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
    raw = {k: str(form.get(k, "")) for k in FIELDS if k in form}
    stop = str(form.get("stop", "")).strip()
    if str(form.get("video_url", "")).strip():
        return _add_video(request, form, owner, raw, stop, session, user.username, files)
    return _add_files(request, owner, raw, stop, session, user.username, files)


def _add_video(
    request: Request,
    form: FormData,
    owner: Owner,
    raw: dict[str, str],
    stop: str,
    session: Session,
    actor: str,
    files: list[UploadFile],
) -> Response:
    """Link a video on an approved host with the form's fields (nothing is fetched)."""
    back = _page_of(kind_of(owner), owner.slug)
    try:
        if files:
            raise MediaRefused(Message("e_video_and_file"))
        media = add_video(
            session,
            owner,
            str(form.get("video_url", "")),
            read_fields(raw),
            hosts=request.app.state.settings.video_hosts,
            actor=actor,
            stop=stop_site(session, owner, stop) if stop else None,
        )
    except (CatalogError, ValueError) as exc:
        session.rollback()
        return _refused(request, _words(exc, pick_language(request)), back)
    if _wants_json(request):
        return JSONResponse({"media": [media_json(media)]}, status_code=201)
    return RedirectResponse(f"{back}#media-{media.id}", status_code=303)


def _add_files(
    request: Request,
    owner: Owner,
    raw: dict[str, str],
    stop: str,
    session: Session,
    actor: str,
    files: list[UploadFile],
) -> Response:
    """Add every file with the form's fields; all or none (a refused file refuses the batch)."""
    lang = pick_language(request)
    errors: list[str] = []
    added: list[dict[str, Any]] = []
    _ = translator(lang)
    if not files:
        errors.append(_("media_no_file"))
    elif len(files) > MAX_FILES:
        errors.append(_("media_too_many", limit=MAX_FILES))
    for upload_file in files if not errors else []:
        hint: dict[str, float] = {}
        try:
            fields = read_fields(raw)
            stop_at = stop_site(session, owner, stop) if stop else None
            media = add_media(
                session,
                media_store(request),
                owner,
                upload_file.file.read(),
                fields,
                actor=actor,
                stop=stop_at,
                hint=hint,
            )
        except (CatalogError, ValueError) as exc:
            errors += [f"{upload_file.filename}{_('colon')}{e}" for e in _words(exc, lang)]
            continue
        added.append({**media_json(media), "location_hint": hint or None})
    if errors:
        session.rollback()
        return _refused(request, errors, _page_of(kind_of(owner), owner.slug))
    if _wants_json(request):
        return JSONResponse({"media": added}, status_code=201)
    return RedirectResponse(f"{_page_of(kind_of(owner), owner.slug)}#media", status_code=303)


@router.post("/editor/media/{media_id}", response_model=None)
def change(
    request: Request, form: FormDep, media_id: int, session: SessionDep, user: PageEditorDep
) -> Response:
    """Save one item's fields (a blank optional field is cleared; an unticked cover is off)."""
    check_csrf(request, str(form.get("csrf", "")))
    media = get_media(session, media_id, visible=STAFF)
    back = _back(session, media)
    raw = {k: str(form.get(k, "")) for k in FIELDS}
    try:
        update_media(session, media, read_fields(raw, model=MediaPatch), actor=user.username)
    except (CatalogError, ValueError) as exc:
        session.rollback()
        return _refused(request, _words(exc, pick_language(request)), back)
    return RedirectResponse(f"{back}#media-{media_id}", status_code=303)


@router.post("/editor/media/{media_id}/archive", response_model=None)
def archive(
    request: Request,
    media_id: int,
    session: SessionDep,
    user: PageEditorDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Take a file out of public view (its row and files stay)."""
    check_csrf(request, csrf)
    media = get_media(session, media_id, visible=STAFF)
    archive_media(session, media, actor=user.username)
    return RedirectResponse(f"{_back(session, media)}#media", status_code=303)


def _refused(request: Request, errors: list[str], back: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": errors}, status_code=422)
    return render(request, "editor_media_refused.html", {"errors": errors, "back": back}, 422)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _page_of(kind: str, slug: str) -> str:
    return f"/editor/{COLLECTIONS[kind]}/{slug}"


def _back(session: Session, media: Media) -> str:
    owner = owner_of(session, media)
    return _page_of(kind_of(owner), owner.slug)


def _words(exc: Exception, lang: str) -> list[str]:
    """Why a file or its fields were refused, in the reader's language."""
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        return form_errors(cause, lang, labels=LABELS)
    if isinstance(exc, MediaRefused) and exc.args and isinstance(exc.args[0], Message):
        return form_errors(exc, lang)  # the checker's own reason, in the reader's language
    if isinstance(exc, MediaRefused) and lang != "en":
        key = "media_unsupported" if isinstance(exc, UnsupportedMedia) else "media_invalid"
        return [translator(lang)(key)]
    return form_errors(exc, lang)
