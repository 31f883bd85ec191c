"""The editor's moderation queue: visitors' ratings and comments wait here for a decision."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redres.api.deps import PageEditorDep, SessionDep
from redres.api.list_pages import ListFilterDep, pager
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.enums import STAFF, FeedbackStatus
from redres.catalog.feedback import feedback_page, moderate

router = APIRouter(include_in_schema=False)


@router.get("/editor/feedback", response_class=HTMLResponse)
def feedback_queue(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """Ratings and comments waiting for a decision, newest first, one page at a time; `q`
    narrows them to a site or route slug or to words of the comment."""
    found = feedback_page(
        session,
        status=FeedbackStatus.pending,
        visible=STAFF,
        q=f.q,
        limit=f.size,
        offset=f.offset,
    )
    context = {
        "pending": found.items,
        "f": f,
        "pager": pager(request, f, found.total),
        "csrf": csrf_token(request),
    }
    return render(request, "editor_feedback.html", context)


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
