"""Poll pages: a teacher writes a poll for their class, an editor one for a route, on a form
that needs no script (numbered question blocks; "more questions" sends the form back with
empty blocks added). The form validates with the API's own model and carries the version it
was opened at, so two people editing one poll cannot overwrite each other."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from redres.api.class_access import PRIVATE
from redres.api.deps import FormDep, SessionDep, SignInRequired
from redres.api.edit_conflicts import save_conflict
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language, translator
from redres.api.poll_forms import EMPTY_BLOCKS, LABELS, blocks_from_form, blocks_of, poll_payload
from redres.api.session import check_csrf, csrf_token, session_user
from redres.api.templating import render
from redres.catalog import polls
from redres.catalog.account_tables import User
from redres.catalog.class_tables import FieldClass
from redres.catalog.classes import class_for
from redres.catalog.errors import CatalogError, NotFound
from redres.catalog.models import Route
from redres.catalog.poll_tables import Poll
from redres.catalog.route_access import Reader, find_route

router = APIRouter(include_in_schema=False)


def _signed_in(request: Request, session: Session) -> User:
    user = session_user(request, session)
    if user is None:
        raise SignInRequired(request.url.path)
    return user


@router.get("/classes/{slug}/polls/new", response_class=HTMLResponse)
def new_class_poll(request: Request, slug: str, session: SessionDep) -> HTMLResponse:
    """An empty poll form for a class (its teacher, staff)."""
    fc = class_for(session, slug, Reader.of(_signed_in(request, session)))
    return _form(request, target=fc, poll=None, blocks=[])


@router.get("/editor/routes/{slug}/polls/new", response_class=HTMLResponse)
def new_route_poll(request: Request, slug: str, session: SessionDep) -> HTMLResponse:
    """An empty poll form for a route (editors)."""
    return _form(request, target=_route(request, session, slug), poll=None, blocks=[])


@router.get("/polls/{poll_id}/edit", response_class=HTMLResponse)
def edit_poll(request: Request, poll_id: int, session: SessionDep) -> HTMLResponse:
    """A poll's form, filled in, for those who manage it."""
    poll = polls.poll_for(session, poll_id, Reader.of(_signed_in(request, session)))
    return _form(request, target=_target(session, poll), poll=poll, blocks=blocks_of(poll))


@router.post("/classes/{slug}/polls/new", response_model=None)
def save_class_poll(request: Request, slug: str, form: FormDep, session: SessionDep) -> Response:
    """Make a class's poll from the form; problems come back on the form, input kept."""
    user = _signed_in(request, session)
    fc = class_for(session, slug, Reader.of(user))
    return _save(request, session, form, user, target=fc, poll=None)


@router.post("/editor/routes/{slug}/polls/new", response_model=None)
def save_route_poll(request: Request, slug: str, form: FormDep, session: SessionDep) -> Response:
    """Make a route's poll from the form (editors)."""
    user = _signed_in(request, session)
    return _save(request, session, form, user, target=_route(request, session, slug), poll=None)


@router.post("/polls/{poll_id}/edit", response_model=None)
def save_poll(request: Request, poll_id: int, form: FormDep, session: SessionDep) -> Response:
    """Save a poll's form; a save from an older version shows a conflict, input kept."""
    user = _signed_in(request, session)
    poll = polls.poll_for(session, poll_id, Reader.of(user))
    return _save(request, session, form, user, target=_target(session, poll), poll=poll)


def _save(
    request: Request,
    session: Session,
    form: Any,
    user: User,
    *,
    target: FieldClass | Route,
    poll: Poll | None,
) -> Response:
    lang = pick_language(request)
    _ = translator(lang)
    blocks = blocks_from_form(form)
    again: dict[str, Any] = {"target": target, "poll": poll, "blocks": blocks, "form": form}
    try:
        check_csrf(request, str(form.get("csrf", "")))
    except HTTPException:
        return _form(request, **again, errors=[_("err.form_expired")], status=403)
    if form.get("action") == "more":
        return _form(request, **again, extra=EMPTY_BLOCKS * 2)
    payload = poll_payload(form, blocks)
    try:
        if poll is None:
            data = polls.PollCreate.model_validate(payload)
            where = {"fc": target} if isinstance(target, FieldClass) else {"route": target}
            poll = polls.create_poll(session, data, user, **where)
        else:
            conflict = save_conflict(request, session, poll, form)
            if conflict is not None:
                return _form(request, **again, errors=[conflict], status=409)
            polls.update_poll(
                session, poll, polls.PollUpdate.model_validate(payload), actor=user.username
            )
    except (ValidationError, CatalogError) as exc:
        session.rollback()
        errors = form_errors(exc, lang, labels=LABELS)
        return _form(request, **again, errors=errors, status=422)
    back = (
        f"/classes/{quote(target.slug)}#polls"
        if isinstance(target, FieldClass)
        else f"/polls/{poll.id}/edit?saved=1"
    )
    return RedirectResponse(back, status_code=303)


def _form(
    request: Request,
    *,
    target: FieldClass | Route,
    poll: Poll | None,
    blocks: list[dict[str, str]],
    form: Any = None,
    errors: list[str] | None = None,
    extra: int = EMPTY_BLOCKS,
    status: int = 200,
) -> HTMLResponse:
    empty = {
        "kind": "single",
        "text": "",
        "text_en": "",
        "options": "",
        "required": "1",
        "order": "",
    }
    shown = [b for b in blocks if b["text"].strip()] if form is None else list(blocks)
    shown += [dict(empty) for _ in range(extra)]
    values = form or {
        "title": poll.title if poll else "",
        "title_en": (poll.title_en or "") if poll else "",
        "status": poll.status if poll else "draft",
        "version": str(poll.version) if poll else "",
    }
    page = render(
        request,
        "poll_form.html",
        {
            "target": target,
            "is_class": isinstance(target, FieldClass),
            "poll": poll,
            "blocks": shown,
            "form": values,
            "kinds": [k.value for k in polls.QuestionKind],
            "statuses": [s.value for s in polls.PollStatus],
            "csrf": csrf_token(request),
            "errors": errors or [],
            "saved": request.query_params.get("saved") == "1",
        },
        status,
    )
    page.headers.update(PRIVATE)
    return page


def _route(request: Request, session: Session, slug: str) -> Route:
    """The route an editor attaches a poll to; others are told it does not exist."""
    reader = Reader.of(_signed_in(request, session))
    if not reader.staff:
        raise NotFound("route", slug)  # noqa: EM101 (an entity name)
    return find_route(session, slug, reader)


def _target(session: Session, poll: Poll) -> FieldClass | Route:
    found = (
        session.get(FieldClass, poll.class_id)
        if poll.class_id is not None
        else session.get(Route, poll.route_id)
    )
    if found is None:
        raise NotFound("poll", poll.id)  # noqa: EM101 (an entity name)
    return found
