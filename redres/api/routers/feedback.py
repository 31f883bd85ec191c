"""Visitors' feedback: anyone may send it, editors decide what shows."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from redres.api.deps import EditorDep, SessionDep, UserDep, VisibleDep
from redres.api.library_bodies import FeedbackList, FeedbackState
from redres.api.ratelimit import feedback_wait
from redres.catalog.enums import STAFF_ROLES, FeedbackStatus
from redres.catalog.feedback import FeedbackCreate, feedback_page, moderate, submit

router = APIRouter(prefix="/api/feedback", tags=["feedback"])


def _limit(request: Request) -> None:
    wait = feedback_wait(request)
    if wait is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "too much feedback from your address; try again later",
            headers={"Retry-After": str(wait)},
        )


@router.post("", status_code=202, dependencies=[Depends(_limit)])
def send(body: FeedbackCreate, session: SessionDep) -> FeedbackState:
    """Take a rating and comment; it shows only after an editor approves it."""
    item = submit(session, body)
    return FeedbackState(id=item.id, status=item.status)


@router.get("", response_model=FeedbackList)
def read(
    session: SessionDep,
    user: UserDep,
    visible: VisibleDep,
    target: Literal["site", "route"] | None = None,
    slug: Annotated[str | None, Query(max_length=120)] = None,
    status_: Annotated[FeedbackStatus, Query(alias="status")] = FeedbackStatus.approved,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Approved feedback for everyone; pending and rejected for editors only; one page of it,
    newest first, with the total."""
    if status_ != FeedbackStatus.approved and (user is None or user.role not in STAFF_ROLES):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "editors only")
    found = feedback_page(
        session,
        status=status_,
        target=target,
        slug=slug,
        visible=visible,
        limit=limit,
        offset=offset,
    )
    return {"data": found.items, "total": found.total}


@router.post("/{feedback_id}/approve")
def approve(feedback_id: int, session: SessionDep, editor: EditorDep) -> FeedbackState:
    """Let an item show."""
    item = moderate(session, feedback_id, FeedbackStatus.approved, actor=editor.username)
    return FeedbackState(id=item.id, status=item.status)


@router.post("/{feedback_id}/reject")
def reject(feedback_id: int, session: SessionDep, editor: EditorDep) -> FeedbackState:
    """Keep an item hidden."""
    item = moderate(session, feedback_id, FeedbackStatus.rejected, actor=editor.username)
    return FeedbackState(id=item.id, status=item.status)
