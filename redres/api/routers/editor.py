"""Editor pages behind sign-in: the site list with data-quality flags, the site form,
publishing, and a record's history. Every form carries a CSRF token."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.edit_conflicts import VERSION_FIELD, save_conflict
from redres.api.editor_forms import ROUTE_FORM, ROUTE_LABELS, STORY_LABELS, read_route_form
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language, translator
from redres.api.routers.interchange import run_import
from redres.api.session import (
    check_csrf,
    csrf_token,
    end_session,
    prelogin_token,
    remember_prelogin,
    start_session,
)
from redres.api.templating import render
from redres.catalog.accounts import AuthenticationError, authenticate
from redres.catalog.audit import history
from redres.catalog.dashboard import quality_gaps
from redres.catalog.enums import STAFF, FeedbackStatus, Status, TravelMode
from redres.catalog.errors import CatalogError
from redres.catalog.feedback import list_feedback, moderate
from redres.catalog.io.errors import InterchangeError, LimitExceeded
from redres.catalog.io.importer import ImportOptions, OnDuplicate
from redres.catalog.models import Route, Site, Story, pk
from redres.catalog.route_edits import restore_route_version, update_route
from redres.catalog.route_store import (
    get_route,
    list_routes,
    route_stops,
    route_theme,
    theme_counts,
)
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.sites import (
    create_site,
    get_site,
    restore_site,
    restore_version,
    set_status,
    update_site,
)
from redres.catalog.stories import (
    StoryWrite,
    get_story,
    list_stories,
    save_story,
    story_detail,
    story_sites,
)
from redres.hours.closures import closures_text
from redres.hours.words import hours_in_words
from redres.hours.zh import read_opening_hours
from redres.labels import choices
from redres.plain_text import reject_control_characters

router = APIRouter(include_in_schema=False)

LONG_TEXT_FIELDS = ("summary", "summary_en", "hours_note", "closures")
NUMBER_FIELDS = ("lon", "lat", "last_entry_minutes", "capacity", "visit_minutes")
SELECT_FIELDS = ("category", "period", "protection", "reservation")
FORM_ORDER = (
    "name",
    "name_en",
    "summary",
    "summary_en",
    "code",
    "category",
    "period",
    "protection",
    "district",
    "address",
    "lon",
    "lat",
    "opening_hours",
    "last_entry_minutes",
    "hours_note",
    "closures",
    "reservation",
    "capacity",
    "visit_minutes",
    "admission",
    "contact",
)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/editor") -> Response:
    """The sign-in form, with a pre-login CSRF cookie."""
    token = prelogin_token(request)
    page = render(request, "login.html", {"csrf": token, "next": _safe_next(next)})
    remember_prelogin(request, page, token)
    return page


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/editor",
) -> Response:
    """Check the name and password, then start a session and go on.

    Input no account can have (empty, too long, control characters) is a wrong sign-in like
    any other, answered on the form.
    """
    check_csrf(request, csrf)
    request.app.state.login_limiter(request)
    try:
        if not _plausible_login(username, password):
            raise AuthenticationError("bad login")  # noqa: EM101 (never shown: the page words it)
        user = authenticate(session, username, password)
    except AuthenticationError:
        _ = translator(pick_language(request))
        request.state.prelogin_csrf = request.cookies.get("redres_csrf", "")
        return render(
            request,
            "login.html",
            {"csrf": csrf, "next": _safe_next(next), "error": _("bad_login")},
            401,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    start_session(request, response, session, user)
    return response


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, csrf: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """End the session."""
    check_csrf(request, csrf)
    response = RedirectResponse("/", status_code=303)
    end_session(request, response, session)
    return response


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
    values = _values(form)
    try:
        site = create_site(session, SiteCreate(**_clean(values)), actor=user.username)
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
    values = {name: getattr(site, name) for name in FORM_ORDER}
    values["closures"] = closures_text(site.closures, "\n")  # one a line, as the box takes them
    return _form(request, site, values, [], version=site.version)


@router.post("/editor/sites/{slug}")
def edit_site(
    request: Request, form: FormDep, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Save the form; only changed fields are audited. A site changed since the form was
    opened is not overwritten: the form comes back with a conflict and the input kept."""
    site = get_site(session, slug, visible=STAFF)
    check_csrf(request, str(form.get("csrf", "")))
    values = _values(form)
    if conflict := save_conflict(request, session, site, form):
        return _form(request, site, values, [], 409, version=site.version, conflict=conflict)
    try:
        update_site(session, site, SiteUpdate(**_clean(values, partial=True)), actor=user.username)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request))
        site = get_site(session, slug, visible=STAFF)
        return _form(request, site, values, errors, 422, version=form.get(VERSION_FIELD))
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
    if site.status == Status.archived and status_ != Status.archived:
        restore_site(session, site, actor=user.username, status=status_)
    else:
        set_status(session, site, status_, actor=user.username)
    return RedirectResponse(f"/editor/sites/{site.slug}", status_code=303)


@router.post("/editor/sites/{slug}/restore/{entry_id}")
def restore_entry_page(
    request: Request,
    slug: str,
    entry_id: int,
    session: SessionDep,
    user: PageEditorDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Restore the version after a history entry (fields and themes; status unchanged)."""
    check_csrf(request, csrf)
    site = get_site(session, slug, visible=STAFF)
    restore_version(session, site, entry_id, actor=user.username)
    return RedirectResponse(f"/editor/sites/{site.slug}/history", status_code=303)


@router.get("/editor/sites/{slug}/history", response_class=HTMLResponse)
def site_history(request: Request, slug: str, session: SessionDep, user: PageEditorDep) -> Response:
    """Who changed what, and when."""
    site = get_site(session, slug, visible=STAFF)
    return history_page(request, session, site, site.name, f"/editor/sites/{slug}")


def history_page(
    request: Request,
    session: SessionDep,
    record: Site | Route | Story,
    name: str,
    base: str,
) -> HTMLResponse:
    """A record's audit entries, newest first, each earlier version with a restore button
    that posts to `{base}/restore/{entry}`."""
    entity = type(record).__name__.lower()
    entries = list(reversed(history(session, entity=entity, entity_id=pk(record))))
    context = {
        "status": str(record.status),
        "name": name,
        "back": base,
        "restore": f"{base}/restore",
        "entries": entries,
        "csrf": csrf_token(request),
    }
    return render(request, "editor_history.html", context)


def _form(
    request: Request,
    site: Site | None,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
    *,
    version: object = None,
    conflict: str | None = None,
) -> HTMLResponse:
    lang = pick_language(request)
    fields = []
    for name in FORM_ORDER:
        if name in SELECT_FIELDS:
            fields.append((name, "select", choices(name, lang)))
        elif name in LONG_TEXT_FIELDS:
            fields.append((name, "textarea", []))
        else:
            fields.append((name, "number" if name in NUMBER_FIELDS else "text", []))
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


def _values(form: Any) -> dict[str, Any]:
    return {name: str(form.get(name, "")).strip() for name in FORM_ORDER}


def _clean(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Form strings to model values: empty means unset (or cleared, when editing)."""
    out: dict[str, Any] = {}
    for name, raw in values.items():
        if raw == "":
            if partial and name not in ("name", "category"):
                out[name] = None
            continue
        out[name] = raw
    return out


def _plausible_login(username: str, password: str) -> bool:
    """Whether a name and password could belong to an account (sized, plain text)."""
    try:
        reject_control_characters([username, password])
    except ValueError:
        return False
    return 0 < len(username) <= 64 and 0 < len(password) <= 256


def _safe_next(target: str) -> str:
    """Only same-site paths, so the login form cannot bounce a user to another site."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/editor"
    return target


@router.get("/editor/feedback", response_class=HTMLResponse)
def feedback_queue(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """Ratings and comments waiting for a decision, newest first."""
    pending = list_feedback(session, status=FeedbackStatus.pending, visible=STAFF, limit=500)
    return render(
        request, "editor_feedback.html", {"pending": pending, "csrf": csrf_token(request)}
    )


@router.post("/editor/feedback/{feedback_id}")
def feedback_decide(
    request: Request,
    feedback_id: int,
    session: SessionDep,
    user: PageEditorDep,
    decision: Annotated[Literal["approved", "rejected"], Form()],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Approve or reject one item."""
    check_csrf(request, csrf)
    moderate(session, feedback_id, FeedbackStatus(decision), actor=user.username)
    return RedirectResponse("/editor/feedback", status_code=303)


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
    """Run an import and show its report: every bad row with its number, column and reason."""
    check_csrf(request, csrf)
    request.app.state.import_limiter(request)
    options = ImportOptions(
        crs=crs or None,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        on_duplicate=on_duplicate,
        actor=user.username,
    )
    page = {"csrf": csrf_token(request), "name": file.filename, "report": None}
    try:
        report = run_import(session, file, options)
    except InterchangeError as exc:  # the whole file is refused: say why, on the form
        session.rollback()
        code = 413 if isinstance(exc, LimitExceeded) else 400
        return render(request, "editor_import.html", page | {"refused": str(exc)}, code)
    code = 422 if report.errors and not skip_invalid else 200
    return render(request, "editor_import.html", page | {"report": report}, code)


@router.get("/editor/stories", response_class=HTMLResponse)
def stories_list(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """Every story, newest change first."""
    return render(request, "editor_stories.html", {"stories": list_stories(session)})


@router.get("/editor/stories/{slug}", response_class=HTMLResponse)
def story_form(request: Request, slug: str, session: SessionDep, user: PageEditorDep) -> Response:
    """The story editor; `new` for a blank one."""
    story = None if slug == "new" else get_story(session, slug)
    values: dict[str, Any] = {"status": "draft", "audience": "general", "language": "zh"}
    if story is not None:
        detail = story_detail(session, story)
        values = {name: getattr(story, name) or "" for name in STORY_FIELDS}
        values["status"] = str(story.status)
        values["audience"], values["language"] = story.audience, story.language
        values["sites"] = "\n".join(story_sites(session, story))
        values["people"] = "\n".join(p.slug for p in detail.people)
        values["events"] = "\n".join(e.slug for e in detail.events)
    version = None if story is None else story.version
    return _story_page(request, story, values, [], preview=None, version=version)


@router.post("/editor/stories/{slug}", response_class=HTMLResponse)
def story_save(
    request: Request, form: FormDep, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Preview (nothing written) or save the story; errors come back on the form."""
    check_csrf(request, str(form.get("csrf", "")))
    story = None if slug == "new" else get_story(session, slug)
    values = {name: str(form.get(name, "")).strip() for name in STORY_FORM}
    opened = form.get(VERSION_FIELD)
    if form.get("action") == "preview":
        return _story_page(request, story, values, [], preview=values["body"], version=opened)
    if story is not None and (conflict := save_conflict(request, session, story, form)):
        return _story_page(
            request,
            story,
            values,
            [],
            preview=None,
            code=409,
            version=story.version,
            conflict=conflict,
        )
    try:
        data = StoryWrite(
            **{k: v or None for k, v in values.items() if k in ("title_en", "summary")},
            title=values["title"],
            body=values["body"],
            status=values["status"] or "draft",
            audience=values["audience"] or "general",
            language=values["language"] or "zh",
            **{k: _lines(values[k]) for k in ("sites", "people", "events")},
        )
        saved = save_story(session, data, actor=user.username, story=story)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request), labels=STORY_LABELS)
        return _story_page(request, story, values, errors, preview=None, code=422, version=opened)
    return RedirectResponse(f"/editor/stories/{saved.slug}", status_code=303)


STORY_FIELDS = ("title", "title_en", "summary", "body")
"""The story's own text fields, shown as they are stored."""
STORY_FORM = (*STORY_FIELDS, "status", "audience", "language", "sites", "people", "events")
"""Every box of the story form (sites, people and events one slug a line)."""


def _lines(text: str) -> list[str]:
    """The non-blank lines of a textarea (one slug a line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _story_page(
    request: Request,
    story: Story | None,
    values: dict[str, Any],
    errors: list[str],
    *,
    preview: str | None,
    code: int = 200,
    version: object = None,
    conflict: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "editor_story.html",
        {
            "story": story,
            "values": values,
            "errors": errors,
            "preview": preview,
            "version": version,
            "conflict": conflict,
            "csrf": csrf_token(request),
        },
        code,
    )


@router.get("/editor/routes", response_class=HTMLResponse)
def routes_list(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """Every route, drafts and teachers' saved plans included."""
    return render(request, "editor_routes.html", {"routes": list_routes(session, visible=STAFF)})


@router.get("/editor/routes/{slug}", response_class=HTMLResponse)
def route_form(request: Request, slug: str, session: SessionDep, user: PageEditorDep) -> Response:
    """The route editor: details, and stops as `slug | note` lines, days split by a blank line."""
    route = get_route(session, slug, visible=STAFF)
    theme = route_theme(session, route)
    days: dict[int, list[str]] = {}
    for row in route_stops(session, route, visible=STAFF):
        line = row.site.slug + (f" | {row.stop.note}" if row.stop.note else "")
        days.setdefault(row.stop.day, []).append(line)
    values = {
        "name": route.name,
        "description": route.description or "",
        "mode": str(route.mode),
        "theme": theme.slug if theme else "",
        "status": str(route.status),
        "stops": "\n\n".join("\n".join(lines) for _d, lines in sorted(days.items())),
    }
    return _route_page(request, session, route, values, [], version=route.version)


@router.post("/editor/routes/{slug}", response_class=HTMLResponse)
def route_save(
    request: Request, form: FormDep, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Save the route; every stop is re-checked for the next day the route runs on its page."""
    check_csrf(request, str(form.get("csrf", "")))
    route = get_route(session, slug, visible=STAFF)
    values = {k: str(form.get(k, "")).strip() for k in ROUTE_FORM}
    if conflict := save_conflict(request, session, route, form):
        return _route_page(
            request, session, route, values, [], 409, version=route.version, conflict=conflict
        )
    try:
        data = read_route_form(values)
        update_route(
            session,
            route,
            actor=user.username,
            name=data.name or route.name,
            description=data.description,
            mode=data.mode,
            theme=data.theme,
            status=data.status,
            stops=data.stops(),
            visible=STAFF,
        )
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request), labels=ROUTE_LABELS)
        route = get_route(session, slug, visible=STAFF)
        return _route_page(
            request, session, route, values, errors, code=422, version=form.get(VERSION_FIELD)
        )
    return RedirectResponse(f"/editor/routes/{route.slug}", status_code=303)


@router.get("/editor/routes/{slug}/history", response_class=HTMLResponse)
def route_history(
    request: Request, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Who changed the route, when, and how; each earlier version can be restored."""
    route = get_route(session, slug, visible=STAFF)
    return history_page(request, session, route, route.name, f"/editor/routes/{slug}")


@router.post("/editor/routes/{slug}/restore/{entry_id}")
def route_restore(
    request: Request,
    slug: str,
    entry_id: int,
    session: SessionDep,
    user: PageEditorDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Restore the route's details and stops as they were after a history entry."""
    check_csrf(request, csrf)
    route = get_route(session, slug, visible=STAFF)
    restore_route_version(session, route, entry_id, actor=user.username, visible=STAFF)
    return RedirectResponse(f"/editor/routes/{route.slug}/history", status_code=303)


def _route_page(
    request: Request,
    session: SessionDep,
    route: Route,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
    *,
    version: object = None,
    conflict: str | None = None,
) -> HTMLResponse:
    themes = [(c.theme.slug, c.theme.name) for c in theme_counts(session, visible=STAFF)]
    return render(
        request,
        "editor_route.html",
        {
            "route": route,
            "values": values,
            "errors": errors,
            "themes": themes,
            "modes": [m.value for m in TravelMode],
            "version": version,
            "conflict": conflict,
            "csrf": csrf_token(request),
        },
        code,
    )
