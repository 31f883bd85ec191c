"""The editor's route pages: every route (teachers' saved plans too), the route form with its
stops as text, and a route's history with its restore buttons."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.edit_conflicts import VERSION_FIELD, save_conflict
from redres.api.editor_forms import ROUTE_FORM, ROUTE_LABELS, read_route_form, stop_line
from redres.api.editor_media_view import media_section
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language
from redres.api.list_pages import ListFilterDep, pager
from redres.api.restoring import add_history_pages
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.enums import STAFF, TravelMode
from redres.catalog.errors import CatalogError
from redres.catalog.models import Route
from redres.catalog.polls import route_polls
from redres.catalog.route_edits import update_route
from redres.catalog.route_store import (
    get_route,
    route_stops,
    route_theme,
    theme_counts,
)
from redres.catalog.staff_lists import routes_page
from redres.hours.holidays_cn import calendar_with_dir
from redres.messages import Name
from redres.routes.plan_save import recheck_route, restore_checked, stop_order

router = APIRouter(include_in_schema=False)


@router.get("/editor/routes", response_class=HTMLResponse)
def routes_list(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """Routes of every status, teachers' saved plans included, one page at a time."""
    found = routes_page(session, f)
    context = {"routes": found.items, "f": f, "pager": pager(request, f, found.total)}
    return render(request, "editor_routes.html", context)


@router.get("/editor/routes/{slug}", response_class=HTMLResponse)
def route_form(request: Request, slug: str, session: SessionDep, user: PageEditorDep) -> Response:
    """The route editor: details, and stops as `slug | note | English note` lines, days split
    by a blank line."""
    route = get_route(session, slug, visible=STAFF)
    theme = route_theme(session, route)
    days: dict[int, list[str]] = {}
    for row in route_stops(session, route, visible=STAFF):
        line = stop_line(row.site.slug, row.stop.note, row.stop.note_en)
        days.setdefault(row.stop.day, []).append(line)
    values = {
        "name": route.name,
        "name_en": route.name_en or "",
        "description": route.description or "",
        "description_en": route.description_en or "",
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
        before = stop_order(session, route)
        update_route(
            session,
            route,
            actor=user.username,
            name=data.name or route.name,
            description=data.description,
            description_en=data.description_en,
            name_en=data.name_en,
            mode=data.mode,
            theme=data.theme,
            status=data.status,
            stops=data.stops(),
            visible=STAFF,
        )
        recheck_route(
            session,
            route,
            before=before,
            calendar=calendar_with_dir(request.app.state.settings.holiday_dir),
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


add_history_pages(
    router,
    base="/editor/routes",
    find=lambda session, slug: get_route(session, slug, visible=STAFF),
    restore=lambda request, session, route, entry, actor: restore_checked(
        session,
        route,
        entry,
        actor=actor,
        calendar=calendar_with_dir(request.app.state.settings.holiday_dir),
        visible=STAFF,
    ),
    name=lambda route: Name(route.name, route.name_en),
)


def _route_page(
    request: Request,
    session: Session,
    route: Route,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
    *,
    version: object = None,
    conflict: str | None = None,
) -> HTMLResponse:
    lang = pick_language(request)
    themes = [
        (c.theme.slug, Name(c.theme.name, c.theme.name_en).in_language(lang))
        for c in theme_counts(session, visible=STAFF)
    ]
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
            "polls": route_polls(session, route),
            "media_editor": media_section(session, route),
        },
        code,
    )
