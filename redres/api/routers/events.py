"""Events over JSON: public reads that show only the stories and sites the caller may see.

What events share with people (one event, writes, history) is `api/record_routes.py`; this
router declares what is theirs and lists them by place, person or name.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from redres.api.audit_bodies import EventHistory
from redres.api.caching import cached_json
from redres.api.deps import SessionDep, VisibleDep
from redres.api.record_bodies import EventBody, EventList, event_body, event_summary
from redres.api.record_routes import RecordApi, add_record_routes
from redres.api.responses import ok
from redres.catalog.enums import PUBLIC
from redres.catalog.events import EVENT, EventIn, EventPatch, find_events
from redres.catalog.paging import MAX_QUERY_LENGTH

router = APIRouter(prefix="/api/events", tags=["events"])

SlugQuery = Annotated[str | None, Query(max_length=120, description="a slug")]


@router.get(
    "",
    response_model=None,
    summary="List events",
    responses=ok(EventList),
)
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
    body = EventList(
        total=page.total,
        limit=limit,
        offset=offset,
        events=[event_summary(e) for e in page.items],
    )
    return cached_json(request, body.model_dump(mode="json"), public=visible == PUBLIC)


add_record_routes(
    router,
    RecordApi(
        kind=EVENT,
        new=EventIn,
        change=EventPatch,
        body=event_body,
        body_model=EventBody,
        history_model=EventHistory,
        new_examples={
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
        },
        change_examples={"end": {"summary": "An end date", "value": {"end_date": "1927"}}},
        summaries={
            "read": "One event with its places and people",
            "create": "Add an event (editors)",
            "patch": "Change an event (editors)",
            "history": "The event's audit history (editors)",
        },
        descriptions={
            "read": "An event with its people, and the stories and sites the caller may see.",
            "create": "Add an event; dates may be YYYY, YYYY-MM or YYYY-MM-DD; unknown links are a 409.",
            "patch": "Change some fields or links of an event, audited.",
            "history": "Who changed the event, when, and the values before and after, oldest first.",
        },
    ),
)
