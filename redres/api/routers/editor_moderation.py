"""The editor's moderation queue: visitors' ratings and comments wait here for a decision."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redres.api.deps import PageEditorDep, SessionDep
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.enums import STAFF, FeedbackStatus
from redres.catalog.feedback import list_feedback, moderate

router = APIRouter(include_in_schema=False)


@router.get("/editor/feedback", response_class=HTMLResponse)
def feedback_queue(request: Request, session: SessionDep, user: PageEditorDep) -> Response:
    """Ratings and comments waiting for a decision, newest first."""
    pending = list_feedback(session, status=FeedbackStatus.pending, visible=STAFF, limit=500)
    return render(
        request, "editor_feedback.html", {"pending": pending, "csrf": csrf_token(request)}
    )


@router.post("/editor/feedback/{feedback_id}")
def feedback_decide(
    request: Request,
    feedback_id: int,
    session: SessionDep,
    user: PageEditorDep,
    decision: Annotated[Literal["approved", "rejected"], Form()],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Approve or reject one item."""
    check_csrf(request, csrf)
    moderate(session, feedback_id, FeedbackStatus(decision), actor=user.username)
    return RedirectResponse("/editor/feedback", status_code=303)
