"""People over JSON: public reads that show only the stories and sites the caller may see."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.api.routers.stories import (
    event_link,
    person_link,
    site_link,
    story_summary,
)
from redres.catalog.audit import as_json, history
from redres.catalog.enums import PUBLIC, STAFF, Status
from redres.catalog.features import source_dict
from redres.catalog.models import Person, pk
from redres.catalog.paging import MAX_QUERY_LENGTH
from redres.catalog.people import (
    PersonIn,
    PersonPatch,
    create_person,
    find_people,
    get_person,
    person_detail,
    update_person,
)
from redres.catalog.versions import claim

router = APIRouter(prefix="/api/people", tags=["people"])


@router.get("", response_model=None, summary="List people")
def read_people(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    q: Annotated[
        str | None, Query(max_length=MAX_QUERY_LENGTH, description="a substring of the name")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """People in name order, optionally searched by name, paged, with `total`."""
    page = find_people(session, q=q, limit=limit, offset=offset)
    body = {
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "people": [_summary(p) for p in page.items],
    }
    return cached_json(request, body, public=visible == PUBLIC)


@router.get("/{slug}", response_model=None, summary="One person with their stories and events")
def read_person(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
    """A person with their events, and the stories and sites the caller may see."""
    person = get_person(session, slug)
    body = _detail(session, person, visible)
    return cached_json(request, body, public=visible == PUBLIC, version=person.version)


@router.post("", status_code=201, summary="Add a person (editors)")
def create(
    body: Annotated[
        PersonIn,
        Body(
            openapi_examples={
                "person": {
                    "summary": "A martyr with partial dates",
                    "value": {
                        "slug": "shi-yang",
                        "name": "施洋",
                        "name_en": "Shi Yang",
                        "born": "1889",
                        "died": "1923-02-15",
                    },
                }
            }
        ),
    ],
    session: SessionDep,
    editor: EditorDep,
) -> dict[str, Any]:
    """Add a person; dates may be YYYY, YYYY-MM or YYYY-MM-DD; a taken slug is a 409."""
    person = create_person(session, body, actor=editor.username)
    return _detail(session, person, STAFF)


@router.patch(
    "/{slug}",
    summary="Change a person (editors)",
    responses={412: {"description": "changed since If-Match"}},
)
def patch(
    slug: str,
    body: Annotated[
        PersonPatch,
        Body(openapi_examples={"died": {"summary": "A date", "value": {"died": "1923-02"}}}),
    ],
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Change some fields of a person, audited."""
    person = get_person(session, slug)
    claim(session, person, expected)
    update_person(session, person, body, actor=editor.username)
    written = _detail(session, person, STAFF)
    tag_write(response, written, person.version)
    return written


@router.get("/{slug}/history", summary="The person's audit history (editors)")
def read_history(slug: str, session: SessionDep, _editor: EditorDep) -> dict[str, Any]:
    """Who changed the person, when, and the values before and after, oldest first."""
    person = get_person(session, slug)
    entries = history(session, entity="person", entity_id=pk(person))
    return {"person": person.slug, "entries": as_json(entries)}


def _summary(person: Person) -> dict[str, Any]:
    return {**person_link(person), "summary": person.summary}


def _detail(session: Session, person: Person, visible: frozenset[Status]) -> dict[str, Any]:
    session.flush()
    detail = person_detail(session, person, visible=visible)
    return {
        **_summary(person),
        "sources": [source_dict(s) for s in detail.sources],
        "stories": [story_summary(s) for s in detail.stories],
        "events": [event_link(e) for e in detail.events],
        "sites": [site_link(s) for s in detail.sites],
    }
