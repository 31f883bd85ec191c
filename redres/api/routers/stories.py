"""Stories over JSON: published reads for everyone, drafts for staff, audited writes for editors."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from redres.api.audit_bodies import StoryHistory, history_entries
from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, SessionDep, VisibleDep, require_editor
from redres.api.record_bodies import StoryBody, StoryList, story_body, story_summary
from redres.api.responses import PRECONDITION, ok
from redres.api.restoring import add_restore_endpoint
from redres.catalog.audit import history
from redres.catalog.enums import PUBLIC, STAFF, Status
from redres.catalog.models import Story, pk
from redres.catalog.paging import MAX_QUERY_LENGTH
from redres.catalog.stories import (
    StoryFilter,
    find_stories,
    get_story,
    restore_story_version,
    save_story,
    set_story_status,
    update_story,
)
from redres.catalog.story_schemas import StoryPatch, StoryWrite
from redres.catalog.versions import claim

router = APIRouter(prefix="/api/stories", tags=["stories"])

SlugQuery = Annotated[str | None, Query(max_length=120, description="a slug")]

NEW_STORY_EXAMPLES: dict[str, Any] = {
    "draft": {
        "summary": "A draft story about one site",
        "value": {
            "title": "八七会议",
            "title_en": "The August 7 Conference",
            "summary": "An emergency meeting in Hankou, 7 August 1927.",
            "body": "1927年8月7日，中共中央在汉口召开紧急会议。",
            "sites": ["site-of-the-august-7-conference"],
        },
    },
    "published": {
        "summary": "Published at once, with people and events",
        "value": {
            "slug": "dufudi-20",
            "title": "都府堤20号",
            "status": "published",
            "audience": "students",
            "language": "zh",
            "sites": [],
            "people": [],
            "events": [],
        },
    },
}


@router.get("", response_model=None, summary="List stories", responses=ok(StoryList))
def read_stories(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    site: SlugQuery = None,
    person: SlugQuery = None,
    event: SlugQuery = None,
    q: Annotated[
        str | None,
        Query(max_length=MAX_QUERY_LENGTH, description="a substring of the title or summary"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Stories the caller may read (published only unless staff), filtered and paged, with `total`."""
    query = StoryFilter(site=site, person=person, event=event, q=q, limit=limit, offset=offset)
    page = find_stories(session, query, visible=visible)
    body = StoryList(
        total=page.total,
        limit=limit,
        offset=offset,
        stories=[story_summary(s) for s in page.items],
    )
    return cached_json(request, body.model_dump(mode="json"), public=visible == PUBLIC)


@router.get(
    "/{slug}", response_model=None, summary="One story with its links", responses=ok(StoryBody)
)
def read_story(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
    """A story with its sources, visible sites, people and events; 404 if the caller may not see it."""
    story = get_story(session, slug, visible=visible)
    body = story_body(session, story, visible=visible).model_dump(mode="json")
    return cached_json(request, body, public=visible == PUBLIC, version=story.version)


@router.post("", status_code=201, summary="Write a new story (editors)")
def create(
    body: Annotated[StoryWrite, Body(openapi_examples=NEW_STORY_EXAMPLES)],
    session: SessionDep,
    editor: EditorDep,
) -> StoryBody:
    """Add a story (a draft unless `status` says otherwise); unknown site slugs are a 409."""
    story = save_story(session, body, actor=editor.username)
    return story_body(session, story, visible=STAFF)


@router.patch(
    "/{slug}",
    summary="Change a story (editors)",
    responses=PRECONDITION,
)
def patch(
    slug: str,
    body: Annotated[
        StoryPatch,
        Body(
            openapi_examples={
                "publish": {"summary": "Publish", "value": {"status": "published"}},
                "retitle": {"summary": "A new title", "value": {"title": "八七会议会址"}},
            }
        ),
    ],
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> StoryBody:
    """Change some fields or links; an archived story comes back only with `status`.

    With `If-Match` (an ETag of a read), nothing is written if the story changed since: 412.
    """
    story = get_story(session, slug, visible=STAFF)
    claim(session, story, expected)
    update_story(session, story, body, actor=editor.username)
    return _tagged(session, story, response)


@router.delete(
    "/{slug}",
    summary="Archive a story (editors)",
    responses=PRECONDITION,
)
def archive(
    slug: str, session: SessionDep, editor: EditorDep, expected: IfMatchDep, response: Response
) -> StoryBody:
    """Archive a story (a soft delete: its text, links and history stay); `If-Match` as PATCH."""
    story = get_story(session, slug, visible=STAFF)
    claim(session, story, expected)
    set_story_status(session, story, Status.archived, actor=editor.username)
    return _tagged(session, story, response)


@router.get("/{slug}/history", summary="A story's audit history (editors)")
def read_history(slug: str, session: SessionDep, _editor: EditorDep) -> StoryHistory:
    """Who changed the story, when, and the values before and after, oldest first."""
    story = get_story(session, slug, visible=STAFF)
    entries = history(session, entity="story", entity_id=pk(story))
    return StoryHistory(story=story.slug, entries=history_entries(entries))


add_restore_endpoint(
    router,
    key="slug",
    who=require_editor,
    find=lambda session, slug, _editor: get_story(session, slug, visible=STAFF),
    restore=lambda _request, session, story, entry, editor: restore_story_version(
        session, story, entry, actor=editor.username
    ),
    answer=lambda session, story, _editor: story_body(session, story, visible=STAFF),
    response_model=StoryBody,
    summary="Restore an earlier version (editors)",
    description="Bring the story's fields and links back to the version after an entry; status unchanged.",
)


def _tagged(session: Session, story: Story, response: Response) -> StoryBody:
    """A written story as staff read it, with the ETag such a read would carry."""
    body = story_body(session, story, visible=STAFF)
    tag_write(response, body.model_dump(mode="json"), story.version)
    return body
