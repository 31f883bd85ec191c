"""The editor's site pages: every site with what data it lacks, the site form, publishing, and
a site's history with its restore buttons. Every form carries a CSRF token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.edit_conflicts import VERSION_FIELD, save_conflict
from redres.api.editor_forms import (
    SITE_CHOICES,
    SITE_FORM,
    SITE_LONG_TEXT,
    SITE_NUMBERS,
    site_fields,
    site_values,
)
from redres.api.editor_media_view import media_section
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language
from redres.api.restoring import add_history_pages
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.dashboard import quality_gaps
from redres.catalog.enums import STAFF, Status
from redres.catalog.errors import CatalogError
from redres.catalog.media_rules import MediaIncomplete
from redres.catalog.models import Site
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import (
    create_site,
    get_site,
    restore_site,
    restore_version,
    set_status,
    update_site,
)
from redres.hours.closures import closures_text
from redres.hours.words import hours_in_words
from redres.hours.zh import read_opening_hours
from redres.labels import choices

router = APIRouter(include_in_schema=False)


@router.get("/editor", response_class=HTMLResponse)
def editor_home(
    request: Request, session: SessionDep, user: PageEditorDep, status_: Status | None = None
) -> Response:
    """Every site (drafts and archives too) with what data it still lacks."""
    gaps = quality_gaps(session, limit=100_000)
    flags: dict[str, list[str]] = {}
    for gap, found in gaps.items():
        for row in found["sites"]:
            flags.setdefault(row["slug"], []).append(gap)
    stmt = select(Site).order_by(col(Site.name))
    if status_ is not None:
        stmt = stmt.where(Site.status == status_)
    rows = [(site, flags.get(site.slug, [])) for site in session.exec(stmt)]
    return render(
        request,
        "editor_sites.html",
        {"user": user, "rows": rows, "status": status_, "csrf": csrf_token(request)},
    )


@router.get("/editor/sites/new", response_class=HTMLResponse)
def new_site_form(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """An empty site form."""
    return _form(request, None, {}, [])


@router.post("/editor/sites/new")
def new_site(request: Request, form: FormDep, session: SessionDep, user: PageEditorDep) -> Response:
    """Create a draft from the form; errors come back on the form, nothing is written."""
    check_csrf(request, str(form.get("csrf", "")))
    values = site_values(form)
    try:
        site = create_site(session, SiteCreate(**site_fields(values)), actor=user.username)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        return _form(request, None, values, form_errors(exc, pick_language(request)), 422)
    return RedirectResponse(f"/editor/sites/{site.slug}", status_code=303)


@router.get("/editor/sites/{slug}", response_class=HTMLResponse)
def edit_site_form(
    request: Request, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """The form of an existing site."""
    site = get_site(session, slug, visible=STAFF)
    values = {name: getattr(site, name) for name in SITE_FORM}
    values["closures"] = closures_text(site.closures, "\n")  # one a line, as the box takes them
    return _form(
        request, site, values, [], version=site.version, media=media_section(session, site)
    )


@router.post("/editor/sites/{slug}")
def edit_site(
    request: Request, form: FormDep, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Save the form; only changed fields are audited. A site changed since the form was
    opened is not overwritten: the form comes back with a conflict and the input kept."""
    site = get_site(session, slug, visible=STAFF)
    check_csrf(request, str(form.get("csrf", "")))
    values = site_values(form)
    if conflict := save_conflict(request, session, site, form):
        return _form(
            request,
            site,
            values,
            [],
            409,
            version=site.version,
            conflict=conflict,
            media=media_section(session, site),
        )
    try:
        changes = SiteUpdate(**site_fields(values, partial=True))
        update_site(session, site, changes, actor=user.username)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request))
        site = get_site(session, slug, visible=STAFF)
        return _form(
            request,
            site,
            values,
            errors,
            422,
            version=form.get(VERSION_FIELD),
            media=media_section(session, site),
        )
    return RedirectResponse(f"/editor/sites/{site.slug}", status_code=303)


@router.post("/editor/sites/{slug}/status")
def change_status(
    request: Request,
    slug: str,
    session: SessionDep,
    user: PageEditorDep,
    status_: Annotated[Status, Form(alias="status")],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Publish, unpublish, archive or restore."""
    check_csrf(request, csrf)
    site = get_site(session, slug, visible=STAFF)
    try:
        if site.status == Status.archived and status_ != Status.archived:
            restore_site(session, site, actor=user.username, status=status_)
        else:
            set_status(session, site, status_, actor=user.username)
    except MediaIncomplete as exc:
        session.rollback()
        site = get_site(session, slug, visible=STAFF)
        values = {name: getattr(site, name) for name in SITE_FORM}
        values["closures"] = closures_text(site.closures, "\n")
        errors = form_errors(exc, pick_language(request))
        media = media_section(session, site)
        return _form(request, site, values, errors, 422, version=site.version, media=media)
    return RedirectResponse(f"/editor/sites/{site.slug}", status_code=303)


add_history_pages(
    router,
    base="/editor/sites",
    find=lambda session, slug: get_site(session, slug, visible=STAFF),
    restore=lambda session, site, entry, actor: restore_version(session, site, entry, actor=actor),
    name=lambda site: site.name,
)


def _form(
    request: Request,
    site: Site | None,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
    *,
    version: object = None,
    conflict: str | None = None,
    media: dict[str, Any] | None = None,
) -> HTMLResponse:
    lang = pick_language(request)
    fields = []
    for name in SITE_FORM:
        if name in SITE_CHOICES:
            fields.append((name, "select", choices(name, lang)))
        elif name in SITE_LONG_TEXT:
            fields.append((name, "textarea", []))
        else:
            fields.append((name, "number" if name in SITE_NUMBERS else "text", []))
    values = {k: (str(v) if v is not None else None) for k, v in values.items()}
    return render(
        request,
        "editor_site.html",
        {
            "site": site,
            "values": values,
            "fields": fields,
            "errors": errors,
            "version": version,
            "conflict": conflict,
            "csrf": csrf_token(request),
            "hours_reading": _hours_reading(values, lang),
            "media_editor": media,
        },
        code,
    )


def _hours_reading(values: dict[str, str | None], lang: str) -> str | None:
    """The hours box read back in words, so an editor sees what was understood."""
    try:
        read = read_opening_hours(values.get("opening_hours") or "")
    except ValueError:
        return None
    last = read.last_entry_minutes
    if last is None and (values.get("last_entry_minutes") or "").isdigit():
        last = int(values["last_entry_minutes"] or 0)
    return hours_in_words(read.rule, last, lang)
