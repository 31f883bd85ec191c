"""Editor pages for a story's history: who changed what and when, and restoring a version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from redres.api.deps import PageEditorDep, SessionDep
from redres.api.routers.editor import history_page
from redres.api.session import check_csrf
from redres.catalog.stories import get_story, restore_story_version

router = APIRouter(include_in_schema=False)


@router.get("/editor/stories/{slug}/history", response_class=HTMLResponse)
def story_history(
    request: Request, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """A story's audit entries on the shared history page, each older one with a restore button."""
    story = get_story(session, slug)
    return history_page(request, session, story, story.title, f"/editor/stories/{story.slug}")


@router.post("/editor/stories/{slug}/restore/{entry_id}")
def restore_story_page(
    request: Request,
    slug: str,
    entry_id: int,
    session: SessionDep,
    user: PageEditorDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Restore the version after a history entry (fields and links; status unchanged)."""
    check_csrf(request, csrf)
    story = get_story(session, slug)
    restore_story_version(session, story, entry_id, actor=user.username)
    return RedirectResponse(f"/editor/stories/{story.slug}/history", status_code=303)
