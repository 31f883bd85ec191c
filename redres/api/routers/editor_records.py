"""The editor's pages of people and events: their lists, a form to add or change one (with the
version it was opened at), and the media section every record's page ends with.

People and events are public once saved, so media added here need credit and licence at once
(`media_rules`); the form's fields are the API's (`PersonIn`, `EventIn`), so the page refuses
what the API refuses, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.edit_conflicts import VERSION_FIELD, save_conflict
from redres.api.editor_forms import text_lines
from redres.api.editor_media_view import media_section
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language
from redres.api.list_pages import ListFilterDep, pager
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.enums import STAFF
from redres.catalog.errors import CatalogError
from redres.catalog.events import (
    EVENT,
    EventIn,
    event_detail,
    find_events,
)
from redres.catalog.people import PERSON, PersonIn, find_people
from redres.catalog.record_kinds import (
    DatedPatch,
    RecordKind,
    create_record,
    get_record,
    update_record,
)

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class RecordForm:
    """What differs between the person and the event form."""

    kind: RecordKind[Any]
    collection: str
    fields: tuple[str, ...]
    new: type[DatedPatch]


PERSON_FORM = RecordForm(
    PERSON, "people", ("slug", "name", "name_en", "born", "died", "summary"), PersonIn
)
EVENT_FORM = RecordForm(
    EVENT,
    "events",
    ("slug", "name", "name_en", "date", "end_date", "summary", "sites", "people"),
    EventIn,
)
LINES = ("sites", "people")
"""Fields typed one slug a line."""
LABELS = {name: f"record_f_{name}" for name in {*PERSON_FORM.fields, *EVENT_FORM.fields}}
"""The page-text keys of the boxes' labels (errors name the box)."""


@router.get("/editor/people", response_class=HTMLResponse)
def people_list(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """People by name, filtered by name, one page at a time."""
    found = find_people(session, q=f.q or None, limit=f.size, offset=f.offset)
    return _list(request, PERSON_FORM, found.items, found.total, f)


@router.get("/editor/events", response_class=HTMLResponse)
def events_list(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """Events in date order, filtered by name, one page at a time."""
    found = find_events(session, q=f.q or None, visible=STAFF, limit=f.size, offset=f.offset)
    return _list(request, EVENT_FORM, found.items, found.total, f)


@router.get("/editor/people/{slug}", response_class=HTMLResponse)
def person_form(request: Request, slug: str, session: SessionDep, user: PageEditorDep) -> Response:
    """The person form; `new` for a blank one."""
    return _open(request, session, PERSON_FORM, slug)


@router.get("/editor/events/{slug}", response_class=HTMLResponse)
def event_form(request: Request, slug: str, session: SessionDep, user: PageEditorDep) -> Response:
    """The event form; `new` for a blank one."""
    return _open(request, session, EVENT_FORM, slug)


@router.post("/editor/people/{slug}", response_class=HTMLResponse)
def person_save(
    request: Request, form: FormDep, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Add or change a person; errors and conflicts come back on the form, input kept."""
    return _save(request, session, PERSON_FORM, slug, form, user.username)


@router.post("/editor/events/{slug}", response_class=HTMLResponse)
def event_save(
    request: Request, form: FormDep, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Add or change an event with its places and people; errors come back on the form."""
    return _save(request, session, EVENT_FORM, slug, form, user.username)


def _list(request: Request, spec: RecordForm, records: list[Any], total: int, f: Any) -> Response:
    context = {"spec": spec, "records": records, "f": f, "pager": pager(request, f, total)}
    return render(request, "editor_records.html", context)


def _open(request: Request, session: Session, spec: RecordForm, slug: str) -> Response:
    record = None if slug == "new" else get_record(session, spec.kind, slug)
    values: dict[str, str] = {}
    if record is not None:
        values = {n: str(getattr(record, n, None) or "") for n in spec.fields if n not in LINES}
        if spec is EVENT_FORM:
            detail = event_detail(session, record, visible=STAFF)
            values["sites"] = "\n".join(s.slug for s in detail.sites)
            values["people"] = "\n".join(p.slug for p in detail.people)
    return _page(request, session, spec, record, values, [], version=_version(record))


def _save(
    request: Request, session: Session, spec: RecordForm, slug: str, form: Any, actor: str
) -> Response:
    check_csrf(request, str(form.get("csrf", "")))
    record = None if slug == "new" else get_record(session, spec.kind, slug)
    values = {name: str(form.get(name, "")).strip() for name in spec.fields}
    opened = form.get(VERSION_FIELD)
    if record is not None and (conflict := save_conflict(request, session, record, form)):
        return _page(
            request, session, spec, record, values, [], 409, _version(record), conflict=conflict
        )
    data: dict[str, Any] = {
        name: (text_lines(value) if name in LINES else (value or None))
        for name, value in values.items()
        if not (record is not None and name == "slug")  # a record keeps its address here
    }
    try:
        checked = spec.new(**data)  # a name is required on both; blank boxes clear a field
        if record is None:
            saved = create_record(session, spec.kind, checked, actor=actor)
        else:
            saved = update_record(session, spec.kind, record, checked, actor=actor)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request), labels=LABELS)
        return _page(request, session, spec, record, values, errors, 422, opened)
    return RedirectResponse(f"/editor/{spec.collection}/{saved.slug}", status_code=303)


def _version(record: Any) -> object:
    return None if record is None else record.version


def _page(
    request: Request,
    session: Session,
    spec: RecordForm,
    record: Any,
    values: dict[str, str],
    errors: list[str],
    code: int = 200,
    version: object = None,
    *,
    conflict: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "editor_record.html",
        {
            "spec": spec,
            "record": record,
            "values": values,
            "errors": errors,
            "version": version,
            "conflict": conflict,
            "csrf": csrf_token(request),
            "media_editor": None if record is None else media_section(session, record),
        },
        code,
    )
