"""The editor's story pages: the list, the story form with its preview, and a story's history
with its restore buttons."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.edit_conflicts import VERSION_FIELD, save_conflict
from redres.api.editor_forms import STORY_FIELDS, STORY_FORM, STORY_LABELS, text_lines
from redres.api.editor_media_view import media_section
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language
from redres.api.list_pages import ListFilterDep, pager
from redres.api.restoring import add_history_pages
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.errors import CatalogError
from redres.catalog.models import Story
from redres.catalog.staff_lists import stories_page
from redres.catalog.stories import (
    get_story,
    restore_story_version,
    save_story,
    story_detail,
    story_sites,
)
from redres.catalog.story_schemas import StoryWrite
from redres.messages import Name

router = APIRouter(include_in_schema=False)


@router.get("/editor/stories", response_class=HTMLResponse)
def stories_list(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """Stories of every status, newest change first, one page at a time."""
    found = stories_page(session, f)
    context = {"stories": found.items, "f": f, "pager": pager(request, f, found.total)}
    return render(request, "editor_stories.html", context)


@router.get("/editor/stories/{slug}", response_class=HTMLResponse)
def story_form(request: Request, slug: str, session: SessionDep, user: PageEditorDep) -> Response:
    """The story editor; `new` for a blank one."""
    story = None if slug == "new" else get_story(session, slug)
    values: dict[str, Any] = {"status": "draft", "audience": "general", "language": "zh"}
    if story is not None:
        detail = story_detail(session, story)
        values = {name: getattr(story, name) or "" for name in STORY_FIELDS}
        values["status"] = str(story.status)
        values["audience"], values["language"] = story.audience, story.language
        values["sites"] = "\n".join(story_sites(session, story))
        values["people"] = "\n".join(p.slug for p in detail.people)
        values["events"] = "\n".join(e.slug for e in detail.events)
    version = None if story is None else story.version
    media = None if story is None else media_section(session, story)
    return _story_page(request, story, values, [], preview=None, version=version, media=media)


@router.post("/editor/stories/{slug}", response_class=HTMLResponse)
def story_save(
    request: Request, form: FormDep, slug: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Preview (nothing written) or save the story; errors come back on the form."""
    check_csrf(request, str(form.get("csrf", "")))
    story = None if slug == "new" else get_story(session, slug)
    values = {name: str(form.get(name, "")).strip() for name in STORY_FORM}
    opened = form.get(VERSION_FIELD)
    if form.get("action") == "preview":
        return _story_page(request, story, values, [], preview=values["body"], version=opened)
    if story is not None and (conflict := save_conflict(request, session, story, form)):
        return _story_page(
            request,
            story,
            values,
            [],
            preview=None,
            code=409,
            version=story.version,
            conflict=conflict,
        )
    try:
        data = StoryWrite(
            **{
                k: v or None
                for k, v in values.items()
                if k in ("title_en", "summary", "summary_en")
            },
            title=values["title"],
            body=values["body"],
            status=values["status"] or "draft",
            audience=values["audience"] or "general",
            language=values["language"] or "zh",
            **{k: text_lines(values[k]) for k in ("sites", "people", "events")},
        )
        saved = save_story(session, data, actor=user.username, story=story)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request), labels=STORY_LABELS)
        media = None if story is None else media_section(session, story)
        return _story_page(
            request, story, values, errors, preview=None, code=422, version=opened, media=media
        )
    return RedirectResponse(f"/editor/stories/{saved.slug}", status_code=303)


add_history_pages(
    router,
    base="/editor/stories",
    find=lambda session, slug: get_story(session, slug),
    restore=lambda _request, session, story, entry, actor: restore_story_version(
        session, story, entry, actor=actor
    ),
    name=lambda story: Name(story.title, story.title_en),
)


def _story_page(
    request: Request,
    story: Story | None,
    values: dict[str, Any],
    errors: list[str],
    *,
    preview: str | None,
    code: int = 200,
    version: object = None,
    conflict: str | None = None,
    media: dict[str, Any] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "editor_story.html",
        {
            "story": story,
            "values": values,
            "errors": errors,
            "preview": preview,
            "version": version,
            "conflict": conflict,
            "csrf": csrf_token(request),
            "media_editor": media,
        },
        code,
    )
