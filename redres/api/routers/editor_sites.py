"""The editor's site pages: every site with what data it lacks, the site form, publishing, and
a site's history with its restore buttons. Every form carries a CSRF token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.edit_conflicts import VERSION_FIELD, save_conflict
from redres.api.editor_media_view import media_section
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language, translator
from redres.api.list_pages import ListFilterDep, pager
from redres.api.restoring import add_history_pages
from redres.api.session import check_csrf, csrf_token
from redres.api.site_form import (
    CRS_CHOICES,
    SITE_CHOICES,
    SITE_DATES,
    SITE_FORM,
    SITE_LONG_TEXT,
    SITE_NUMBERS,
    form_values,
    read_site_form,
    save_sources,
    site_values,
    source_lines,
)
from redres.api.templating import render
from redres.catalog import audit
from redres.catalog.dashboard import gaps_of
from redres.catalog.enums import STAFF, Status
from redres.catalog.errors import CatalogError
from redres.catalog.io.citations import SITE, SourceRef, cited_refs
from redres.catalog.media_rules import MediaIncomplete
from redres.catalog.models import Site, pk
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import (
    create_site,
    get_site,
    restore_site,
    restore_version,
    set_status,
    update_site,
)
from redres.catalog.staff_lists import sites_page
from redres.hours.words import hours_in_words
from redres.hours.zh import read_opening_hours
from redres.labels import choices
from redres.maps.minimap import mini_map
from redres.maps.options import MapSettings
from redres.messages import Name

router = APIRouter(include_in_schema=False)


@router.get("/editor", response_class=HTMLResponse)
def editor_home(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """Sites of every status, one page at a time, with what data each still lacks."""
    found = sites_page(session, f)
    flags = gaps_of(session, [pk(site) for site in found.items])
    rows = [(site, flags.get(pk(site), [])) for site in found.items]
    return render(
        request,
        "editor_sites.html",
        {
            "user": user,
            "rows": rows,
            "f": f,
            "pager": pager(request, f, found.total),
            "csrf": csrf_token(request),
        },
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
        read = read_site_form(session, values, partial=False)
        site = create_site(session, SiteCreate(**read.fields), actor=user.username)
        _sources_changed(session, site, read.sources, user.username)
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
    return _form(
        request,
        site,
        form_values(session, site),
        [],
        version=site.version,
        media=media_section(session, site),
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
        read = read_site_form(session, values, partial=True)
        update_site(session, site, SiteUpdate(**read.fields), actor=user.username)
        _sources_changed(session, site, read.sources, user.username)
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
        values = form_values(session, site)
        errors = form_errors(exc, pick_language(request))
        media = media_section(session, site)
        return _form(request, site, values, errors, 422, version=site.version, media=media)
    return RedirectResponse(f"/editor/sites/{site.slug}", status_code=303)


add_history_pages(
    router,
    base="/editor/sites",
    find=lambda session, slug: get_site(session, slug, visible=STAFF),
    restore=lambda _request, session, site, entry, actor: restore_version(
        session, site, entry, actor=actor
    ),
    name=lambda site: Name(site.name, site.name_en),
)


def _sources_changed(
    session: Session, site: Site, refs: list[SourceRef] | None, actor: str
) -> None:
    """Cite the form's sources; a change is audited like the site's fields."""
    before = cited_refs(session, SITE, [pk(site)]).get(pk(site), [])
    if save_sources(session, site, refs):
        audit.record(
            session,
            entity="site",
            entity_id=pk(site),
            action="sources",
            actor=actor,
            before={"sources": source_lines(before)},
            after={"sources": source_lines(refs or [])},
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
    _ = translator(lang)
    for name in SITE_FORM:
        if name in SITE_CHOICES:
            fields.append((name, "select", choices(name, lang)))
        elif name in ("point_crs", "footprint_crs"):
            fields.append((name, "select", [(c, _(f"crs_{c}")) for c in CRS_CHOICES]))
        elif name == "point_approximate":
            fields.append((name, "select", [("false", _("no")), ("true", _("yes"))]))
        elif name in SITE_LONG_TEXT:
            fields.append((name, "textarea", []))
        elif name in SITE_DATES:
            fields.append((name, "date", []))
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
            "picker": _picker(request, site),
            "media_editor": media,
        },
        code,
    )


@router.get("/editor/hours-reading")
def hours_reading(
    request: Request,
    user: PageEditorDep,
    text: Annotated[str, Query(max_length=500)] = "",
    last: Annotated[int | None, Query(ge=0, le=600)] = None,
) -> dict[str, str | None]:
    """The hours box read back in words as the editor types (or why it cannot be read)."""
    lang = pick_language(request)
    if not text.strip():
        return {"words": None, "error": None}
    try:
        read = read_opening_hours(text)
    except ValueError as exc:
        return {"words": None, "error": form_errors(exc, lang)[0]}
    words = hours_in_words(read.rule, read.last_entry_minutes or last, lang)
    return {"words": words, "error": None}


def _picker(request: Request, site: Site | None) -> dict[str, str]:
    """The map picker's data: the deployment's basemap, the site's point in its system, and
    that system, so a click is recorded in the system it was made in."""
    settings = MapSettings.from_settings(request.app.state.settings)
    has_point = site is not None and site.lon is not None and site.lat is not None
    lon, lat = (site.lon, site.lat) if has_point and site else WUHAN_VIEW
    data = mini_map(float(lon or 0), float(lat or 0), settings).data_attributes()
    data["data-crs"] = settings.basemap_list()[0].crs
    data["data-point"] = "1" if has_point else ""
    data["data-zoom"] = "16" if has_point else "11"
    return data


WUHAN_VIEW = (114.30, 30.58)
"""Where an empty picker opens: a view of central Wuhan, not a point of any site."""


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
