"""Events over JSON: public reads that show only the stories and sites the caller may see."""

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
from redres.catalog.events import (
    EventIn,
    EventPatch,
    create_event,
    event_detail,
    find_events,
    get_event,
    update_event,
)
from redres.catalog.features import source_dict
from redres.catalog.models import Event, pk
from redres.catalog.paging import MAX_QUERY_LENGTH
from redres.catalog.versions import claim

router = APIRouter(prefix="/api/events", tags=["events"])

SlugQuery = Annotated[str | None, Query(max_length=120, description="a slug")]


@router.get("", response_model=None, summary="List events")
def read_events(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    site: SlugQuery = None,
    person: SlugQuery = None,
    q: Annotated[
        str | None, Query(max_length=MAX_QUERY_LENGTH, description="a substring of the name")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Events in date order, by place, person or name, paged, with `total`."""
    page = find_events(
        session, q=q, site=site, person=person, visible=visible, limit=limit, offset=offset
    )
    body = {
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "events": [_summary(e) for e in page.items],
    }
    return cached_json(request, body, public=visible == PUBLIC)


@router.get("/{slug}", response_model=None, summary="One event with its places and people")
def read_event(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
    """An event with its people, and the stories and sites the caller may see."""
    event = get_event(session, slug)
    body = _detail(session, event, visible)
    return cached_json(request, body, public=visible == PUBLIC, version=event.version)


@router.post("", status_code=201, summary="Add an event (editors)")
def create(
    body: Annotated[
        EventIn,
        Body(
            openapi_examples={
                "event": {
                    "summary": "An event at a site",
                    "value": {
                        "slug": "august-7-conference",
                        "name": "八七会议",
                        "name_en": "August 7 Conference",
                        "date": "1927-08-07",
                        "sites": ["site-of-the-august-7-conference"],
                        "people": [],
                    },
                }
            }
        ),
    ],
    session: SessionDep,
    editor: EditorDep,
) -> dict[str, Any]:
    """Add an event; dates may be YYYY, YYYY-MM or YYYY-MM-DD; unknown links are a 409."""
    event = create_event(session, body, actor=editor.username)
    return _detail(session, event, STAFF)


@router.patch(
    "/{slug}",
    summary="Change an event (editors)",
    responses={412: {"description": "changed since If-Match"}},
)
def patch(
    slug: str,
    body: Annotated[
        EventPatch,
        Body(openapi_examples={"end": {"summary": "An end date", "value": {"end_date": "1927"}}}),
    ],
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Change some fields or links of an event, audited."""
    event = get_event(session, slug)
    claim(session, event, expected)
    update_event(session, event, body, actor=editor.username)
    written = _detail(session, event, STAFF)
    tag_write(response, written, event.version)
    return written


@router.get("/{slug}/history", summary="The event's audit history (editors)")
def read_history(slug: str, session: SessionDep, _editor: EditorDep) -> dict[str, Any]:
    """Who changed the event, when, and the values before and after, oldest first."""
    event = get_event(session, slug)
    entries = history(session, entity="event", entity_id=pk(event))
    return {"event": event.slug, "entries": as_json(entries)}


def _summary(event: Event) -> dict[str, Any]:
    return {**event_link(event), "summary": event.summary}


def _detail(session: Session, event: Event, visible: frozenset[Status]) -> dict[str, Any]:
    session.flush()
    detail = event_detail(session, event, visible=visible)
    return {
        **_summary(event),
        "sources": [source_dict(s) for s in detail.sources],
        "stories": [story_summary(s) for s in detail.stories],
        "sites": [site_link(s) for s in detail.sites],
        "people": [person_link(p) for p in detail.people],
    }
