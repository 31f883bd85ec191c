"""The form that makes a field class: a teacher picks one of the routes they may read, the
start date and group size, and an instructor for each stop. No script needed.

It validates with the API's own model (`ClassCreate`) and books through the same function as
`POST /api/classes`, so an instructor already teaching another class on those dates is refused
here too, the other class named, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from redres.api.class_access import PRIVATE
from redres.api.deps import FormDep, SessionDep, SignInRequired
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language, translator
from redres.api.session import check_csrf, csrf_token, session_user
from redres.api.templating import render
from redres.catalog import class_evaluations as ev
from redres.catalog.account_tables import User
from redres.catalog.classes import ClassCreate, create_class
from redres.catalog.enums import Status
from redres.catalog.errors import CatalogError, Conflict, NotFound
from redres.catalog.library import LibraryReader, list_instructors
from redres.catalog.route_access import Reader, find_route
from redres.catalog.route_store import list_routes, route_stops
from redres.hours.china_time import CHINA_TIME

router = APIRouter(include_in_schema=False)

LABELS = {
    "name": "class.form.name",
    "route": "class.form.route",
    "start_date": "class.form.start_date",
    "group_size": "class.form.group_size",
    "instructors": "class.instructor",
}
"""The form's labels, for its error lines."""


def _signed_in(request: Request, session: Session) -> User:
    user = session_user(request, session)
    if user is None:
        query = f"?{request.url.query}" if request.url.query else ""
        back = f"{request.url.path}{query}"
        raise SignInRequired(back)
    return user


@router.get("/classes/new", response_class=HTMLResponse)
def new_class_form(request: Request, session: SessionDep, route: str = "") -> HTMLResponse:
    """The empty form; `?route=` picks the route (its stops then each get an instructor box)."""
    user = _signed_in(request, session)
    return _form_page(request, session, user, {"route": route[:120]})


@router.post("/classes/new", response_model=None)
def new_class_submit(request: Request, form: FormDep, session: SessionDep) -> Response:
    """Make the class and go to its page; what is wrong comes back on the form, input kept."""
    user = _signed_in(request, session)
    values = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    lang = pick_language(request)
    try:
        check_csrf(request, values.get("csrf"))
    except HTTPException:
        errors = [translator(lang)("err.form_expired")]
        return _form_page(request, session, user, values, errors=errors, status=403)
    if values.get("action") == "pick":  # the route was changed: show its stops, save nothing
        return _form_page(request, session, user, values)
    bookings = [
        {"site": key.removeprefix("instructor."), "instructor": value}
        for key, value in values.items()
        if key.startswith("instructor.") and value
    ]
    try:
        data = ClassCreate.model_validate(
            {
                "name": values.get("name", ""),
                "route": values.get("route", ""),
                "start_date": values.get("start_date", ""),
                "group_size": values.get("group_size", ""),
                "instructors": bookings,
            }
        )
        ev.purge_expired(session, _today())
        fc = create_class(
            session, data, user, retention_days=request.app.state.settings.class_retention_days
        )
    except ValidationError as exc:
        errors = form_errors(exc, lang, labels=LABELS)
        return _form_page(request, session, user, values, errors=errors, status=422)
    except Conflict as exc:
        return _form_page(request, session, user, values, errors=form_errors(exc, lang), status=409)
    except NotFound:
        errors = [translator(lang)("class.form.no_route")]
        return _form_page(request, session, user, values, errors=errors, status=422)
    except CatalogError as exc:
        return _form_page(request, session, user, values, errors=form_errors(exc, lang), status=422)
    return RedirectResponse(f"/classes/{quote(fc.slug)}", status_code=303)


def _form_page(
    request: Request,
    session: Session,
    user: User,
    form: dict[str, str],
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    reader = Reader.of(user)
    routes = [
        r.route
        for r in list_routes(session, visible=reader.statuses(), owner_id=user.id)
        if r.route.status != Status.archived
    ]
    stops: list[Any] = []
    chosen = form.get("route", "")
    if chosen:
        try:
            route = find_route(session, chosen, reader)
        except NotFound:
            errors = [*(errors or []), translator(pick_language(request))("class.form.no_route")]
            status = 422 if status == 200 else status
        else:
            seen: set[int] = set()
            for s in route_stops(session, route, visible=reader.statuses()):
                if s.site.id not in seen:  # a site visited twice takes one instructor
                    seen.add(int(s.site.id or 0))
                    stops.append(s)
    page = render(
        request,
        "class_new.html",
        {
            "form": form,
            "routes": routes,
            "stops": stops,
            "instructors": list_instructors(session, LibraryReader.of(user)),
            "csrf": csrf_token(request),
            "errors": errors or [],
            "today": _today().isoformat(),
        },
        status,
    )
    page.headers.update(PRIVATE)
    return page


def _today() -> dt.date:
    return dt.datetime.now(CHINA_TIME).date()
