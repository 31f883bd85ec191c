"""One implementation of "bring back an earlier version" for every audited record.

Sites, stories and routes each have a JSON endpoint
(`POST /api/{kind}/{key}/history/{entry_id}/restore`) and editor pages (`{base}/{key}/history`
with a restore button posting to `{base}/{key}/restore/{entry_id}`). The handlers are built
here from what differs per kind (how to find the record, the catalogue's restore, the answer),
so the checks (who may, CSRF) and the answers live once.

No `from __future__ import annotations` here: FastAPI reads the built handlers' annotations,
which name this factory's arguments, at run time.
"""

from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from redres.api import list_pages
from redres.api.deps import PageEditorDep, SessionDep
from redres.api.form_errors import form_errors
from redres.api.history_lines import entry_rows
from redres.api.i18n import pick_language, translator
from redres.api.list_pages import pager
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.account_tables import User
from redres.catalog.audit import history_entries
from redres.catalog.errors import Conflict
from redres.catalog.models import Route, Site, Story, pk
from redres.catalog.staff_lists import MAX_PAGE, ListFilter
from redres.errors import InvalidRequest
from redres.messages import Name

Record = TypeVar("Record", Site, Route, Story)


def add_restore_endpoint(
    router: APIRouter,
    *,
    key: str,
    who: Callable[..., User],
    find: Callable[[Session, str, User], Record],
    restore: Callable[[Request, Session, Record, int, User], object],
    answer: Callable[[Session, Record, User], Any],
    description: str,
    response_model: Any = None,
    summary: str | None = None,
) -> None:
    """Add `POST /{key}/history/{entry_id}/restore` to a JSON router.

    `who` is the dependency that lets the caller in (editors, or route owners too), `find` the
    record as that caller may change it, `restore` brings the version back (given the request,
    for the app's settings: a route re-checks its plan), `answer` the record's body after it.
    """

    def restore_entry(
        request: Request,
        record_key: Annotated[str, Path(alias=key)],
        entry_id: int,
        session: SessionDep,
        user: Annotated[User, Depends(who)],
    ) -> Any:
        record = find(session, record_key, user)
        restore(request, session, record, entry_id, user)
        return answer(session, record, user)

    router.add_api_route(
        f"/{{{key}}}/history/{{entry_id}}/restore",
        restore_entry,
        methods=["POST"],
        summary=summary,
        description=description,
        response_model=response_model,
    )


def add_history_pages(
    router: APIRouter,
    *,
    base: str,
    find: Callable[[Session, str], Record],
    restore: Callable[[Request, Session, Record, int, str], object],
    name: Callable[[Record], Name],
) -> None:
    """Add an editor's `{base}/{slug}/history` page and its `{base}/{slug}/restore/{entry_id}`.

    The page lists the record's audit entries, newest first, each earlier version with a restore
    button; restoring (fields and links; status unchanged) goes back to the history page.
    `name` is the record's name in both languages: the page shows the reader's.
    """

    def history_page(
        request: Request,
        slug: str,
        session: SessionDep,
        user: PageEditorDep,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        record = find(session, slug)
        base_of = f"{base}/{slug}"
        return record_history_page(request, session, record, name(record), base_of, page=page)

    def restore_page(
        request: Request,
        slug: str,
        entry_id: int,
        session: SessionDep,
        user: PageEditorDep,
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        check_csrf(request, csrf)
        record = find(session, slug)
        try:
            restore(request, session, record, entry_id, user.username)
        except (InvalidRequest, Conflict) as exc:  # the version no longer holds: say why
            session.rollback()
            record = find(session, slug)
            base_of = f"{base}/{slug}"
            errors = form_errors(exc, pick_language(request))
            code = 409 if isinstance(exc, Conflict) else 422
            return record_history_page(
                request, session, record, name(record), base_of, errors=errors, status_code=code
            )
        return RedirectResponse(f"{base}/{record.slug}/history", status_code=303)

    router.add_api_route(
        f"{base}/{{slug}}/history", history_page, methods=["GET"], response_class=HTMLResponse
    )
    router.add_api_route(f"{base}/{{slug}}/restore/{{entry_id}}", restore_page, methods=["POST"])


def record_history_page(
    request: Request,
    session: Session,
    record: Site | Route | Story,
    name: Name,
    base: str,
    *,
    page: int = 1,
    errors: Sequence[str] = (),
    status_code: int = 200,
) -> HTMLResponse:
    """A record's audit entries, newest first, a page at a time, each earlier version with a
    restore button that posts to `{base}/restore/{entry}`; `errors` say why a restore was
    refused (nothing written), above the list."""
    entity = type(record).__name__.lower()
    f = ListFilter(page=page, size=list_pages.PAGE_SIZE)
    entries, total = history_entries(
        session, entity=entity, entity_id=pk(record), limit=f.size, offset=f.offset
    )
    lang = pick_language(request)
    context = {
        "pager": pager(request, f, total),
        "status": str(record.status),
        "name": name,
        "back": base,
        "restore": f"{base}/restore",
        "entries": entry_rows(session, entries, translator(lang), lang),
        "csrf": csrf_token(request),
        "errors": errors,
    }
    return render(request, "editor_history.html", context, status_code)
