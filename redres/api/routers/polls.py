"""Polls over HTTP: teachers and editors attach them, learners answer with the class token,
the class's teacher and staff read the results (JSON or XLSX).

A class poll is its teacher's (and staff's); a route poll is the editors', asked of every
class on the route, and a teacher reads its results for their own class only. Single polls
carry an ETag, and PATCH/DELETE honour If-Match (412 when changed since).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import Response
from sqlmodel import Session

from redres.api.caching import PRIVATE as NO_STORE
from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.class_access import PRIVATE, learner_class
from redres.api.class_exports import evaluation_workbook, poll_workbook
from redres.api.deps import EditorDep, MemberDep, SessionDep, UserDep
from redres.api.i18n import pick_language, translator
from redres.api.poll_bodies import AnswerSaved, PollBody, PollList, PollResults
from redres.api.responses import ok
from redres.api.tables import attachment
from redres.catalog import class_evaluations as ev
from redres.catalog import polls
from redres.catalog.classes import class_by_token, class_for
from redres.catalog.errors import NotFound
from redres.catalog.poll_results import poll_results
from redres.catalog.poll_tables import Poll
from redres.catalog.route_access import Reader, find_route
from redres.catalog.versions import claim
from redres.hours.china_time import CHINA_TIME

router = APIRouter(prefix="/api", tags=["polls"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STALE: dict[int | str, dict[str, Any]] = {
    412: {"description": "changed since the ETag sent in If-Match"}
}
TokenQuery = Annotated[str | None, Query(max_length=64, description="the class's check-in token")]
ClassQuery = Annotated[str | None, Query(alias="class", max_length=120)]


@router.post("/classes/{slug}/polls", status_code=201, response_model=PollBody)
def add_class_poll(
    slug: str, body: polls.PollCreate, session: SessionDep, user: MemberDep, response: Response
) -> dict[str, Any]:
    """A poll on a class, by its teacher or staff."""
    fc = class_for(session, slug, Reader.of(user))
    return _written(polls.create_poll(session, body, user, fc=fc), response)


@router.get("/classes/{slug}/polls", response_model=PollList)
def read_class_polls(
    slug: str, session: SessionDep, user: UserDep, response: Response, token: TokenQuery = None
) -> dict[str, Any]:
    """The class's polls: open ones for holders of the token (what learners answer); for the
    teacher and staff signed in, drafts and closed ones too."""
    response.headers.update(PRIVATE)
    if token:
        found = polls.class_polls(session, class_by_token(session, slug, token), learner=True)
    elif user is not None:
        reader = Reader.of(user)
        fc = class_for(session, slug, reader)
        found = polls.class_polls(session, fc, learner=False, staff=reader.staff)
    else:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the class token is required")
    data = [polls.poll_dict(p) for p in found]
    return {"data": data, "total": len(data)}


@router.post("/routes/{slug}/polls", status_code=201, response_model=PollBody)
def add_route_poll(
    slug: str, body: polls.PollCreate, session: SessionDep, editor: EditorDep, response: Response
) -> dict[str, Any]:
    """A poll on a route, asked of every class on it; editors only."""
    route = find_route(session, slug, Reader.of(editor))
    return _written(polls.create_poll(session, body, editor, route=route), response)


@router.get("/routes/{slug}/polls", response_model=PollList)
def read_route_polls(
    slug: str, session: SessionDep, editor: EditorDep, response: Response
) -> dict[str, Any]:
    """A route's polls, drafts included; editors only."""
    response.headers.update(PRIVATE)
    route = find_route(session, slug, Reader.of(editor))
    data = [polls.poll_dict(p) for p in polls.route_polls(session, route)]
    return {"data": data, "total": len(data)}


@router.get("/polls/{poll_id}", response_model=None, responses=ok(PollBody))
def read_poll(request: Request, poll_id: int, session: SessionDep, user: MemberDep) -> Response:
    """One poll for those who manage it, with an ETag for If-Match."""
    poll = polls.poll_for(session, poll_id, Reader.of(user))
    return cached_json(request, polls.poll_dict(poll), public=False, version=poll.version)


@router.patch("/polls/{poll_id}", response_model=PollBody, responses=STALE)
def change_poll(
    poll_id: int,
    body: polls.PollUpdate,
    session: SessionDep,
    user: MemberDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Change a poll's title, status or (while unanswered: 409 after) its questions."""
    poll = polls.poll_for(session, poll_id, Reader.of(user))
    claim(session, poll, expected)
    return _written(polls.update_poll(session, poll, body, actor=user.username), response)


@router.delete("/polls/{poll_id}", status_code=204, responses=STALE)
def remove_poll(
    poll_id: int, session: SessionDep, user: MemberDep, expected: IfMatchDep
) -> Response:
    """Delete a poll with its answers."""
    poll = polls.poll_for(session, poll_id, Reader.of(user))
    claim(session, poll, expected)
    polls.delete_poll(session, poll, actor=user.username)
    return Response(status_code=204)


@router.post("/classes/{slug}/polls/{poll_id}/answers", status_code=201, response_model=AnswerSaved)
def add_answer(
    request: Request,
    slug: str,
    poll_id: int,
    body: polls.AnswerCreate,
    session: SessionDep,
    token: TokenQuery = None,
) -> dict[str, Any]:
    """A learner's answers to an open poll of their class, with the class token; once per
    learner (409 for the same name or number again)."""
    fc = learner_class(request, session, slug, token)
    row = polls.answer(session, fc, poll_id, body)
    return {"id": row.id, "poll": poll_id, "answers": row.answers}


@router.get(
    "/polls/{poll_id}/results", response_model=PollResults, response_model_exclude_unset=True
)
def read_results(
    poll_id: int,
    session: SessionDep,
    user: MemberDep,
    response: Response,
    class_: ClassQuery = None,
) -> dict[str, Any]:
    """Counts per option, rating mean and spread, free-text answers: a class poll for its
    teacher and staff; a route poll for staff over every class, or for one class (`class=`)
    for that class's teacher."""
    response.headers.update(PRIVATE)
    poll, class_ids = _scope(session, poll_id, class_, Reader.of(user))
    return poll_results(session, poll, class_ids)


@router.get("/polls/{poll_id}/results.xlsx")
def export_results(
    request: Request,
    poll_id: int,
    session: SessionDep,
    user: MemberDep,
    class_: ClassQuery = None,
) -> Response:
    """The results as a workbook (tallies, free-text answers), who may read them as above."""
    poll, class_ids = _scope(session, poll_id, class_, Reader.of(user))
    lang = pick_language(request)
    body = poll_workbook(poll_results(session, poll, class_ids), lang)
    name = f"{poll.title}-{translator(lang)('poll.results')}.xlsx"
    return _download(body, name, f"poll-{poll.id}-results.xlsx")


@router.get("/classes/{slug}/evaluations.xlsx")
def export_evaluations(
    request: Request,
    slug: str,
    session: SessionDep,
    user: MemberDep,
    names: Annotated[bool, Query(description="learners' names in the raw rows")] = False,
) -> Response:
    """A class's evaluations as a workbook: per stop, criterion and role the count and mean,
    then the raw rows (learners' names only with `names=true`); the class's teacher and staff."""
    ev.purge_expired(session, dt.datetime.now(CHINA_TIME).date())
    fc = class_for(session, slug, Reader.of(user))
    lang = pick_language(request)
    body = evaluation_workbook(
        ev.summary(session, fc), ev.evaluations_of(session, fc), lang, names=names
    )
    name = f"{fc.name}-{translator(lang)('class.summary')}.xlsx"
    return _download(body, name, f"{fc.slug}-evaluations.xlsx")


def _scope(
    session: Session, poll_id: int, class_slug: str | None, reader: Reader
) -> tuple[Poll, list[int] | None]:
    """The poll and the classes whose answers a reader may see (None: every class)."""
    ev.purge_expired(session, dt.datetime.now(CHINA_TIME).date())
    poll = session.get(Poll, poll_id)
    if poll is None:
        raise NotFound("poll", poll_id)  # noqa: EM101 (an entity name)
    if class_slug:
        fc = class_for(session, class_slug, reader)
        if fc.id != poll.class_id and fc.route_id != poll.route_id:
            raise NotFound("poll", poll_id)  # noqa: EM101 (an entity name)
        if poll.status == polls.PollStatus.draft and not polls.can_manage(session, poll, reader):
            raise NotFound("poll", poll_id)  # noqa: EM101 (an entity name)
        return poll, [int(fc.id or 0)]
    poll = polls.poll_for(session, poll_id, reader)
    return poll, ([poll.class_id] if poll.class_id is not None else None)


def _written(poll: Poll, response: Response) -> dict[str, Any]:
    """A written poll as a read would send it, with that read's ETag."""
    body = polls.poll_dict(poll)
    tag_write(response, body, poll.version)
    response.headers["Cache-Control"] = NO_STORE
    return body


def _download(body: bytes, name: str, fallback: str) -> Response:
    headers = {"Content-Disposition": attachment(name, fallback), **PRIVATE}
    return Response(body, media_type=XLSX, headers=headers)
