"""People over JSON: public reads that show only the stories and sites the caller may see.

What people share with events (one person, writes, history) is `api/record_routes.py`; this
router declares what is theirs and lists them.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from redres.api.audit_bodies import PersonHistory
from redres.api.caching import cached_json
from redres.api.deps import SessionDep, VisibleDep
from redres.api.record_bodies import PersonBody, PersonList, person_body, person_summary
from redres.api.record_routes import RecordApi, add_record_routes
from redres.api.responses import ok
from redres.catalog.enums import PUBLIC
from redres.catalog.paging import MAX_QUERY_LENGTH
from redres.catalog.people import PERSON, PersonIn, PersonPatch, find_people

router = APIRouter(prefix="/api/people", tags=["people"])


@router.get(
    "",
    response_model=None,
    summary="List people",
    responses=ok(PersonList),
)
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
    body = PersonList(
        total=page.total,
        limit=limit,
        offset=offset,
        people=[person_summary(p) for p in page.items],
    )
    return cached_json(request, body.model_dump(mode="json"), public=visible == PUBLIC)


add_record_routes(
    router,
    RecordApi(
        kind=PERSON,
        new=PersonIn,
        change=PersonPatch,
        body=person_body,
        body_model=PersonBody,
        history_model=PersonHistory,
        new_examples={
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
        },
        change_examples={"died": {"summary": "A date", "value": {"died": "1923-02"}}},
        summaries={
            "read": "One person with their stories and events",
            "create": "Add a person (editors)",
            "patch": "Change a person (editors)",
            "history": "The person's audit history (editors)",
        },
        descriptions={
            "read": "A person with their events, and the stories and sites the caller may see.",
            "create": "Add a person; dates may be YYYY, YYYY-MM or YYYY-MM-DD; a taken slug is a 409.",
            "patch": "Change some fields of a person, audited.",
            "history": "Who changed the person, when, and the values before and after, oldest first.",
        },
    ),
)
