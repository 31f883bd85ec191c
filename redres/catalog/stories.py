"""Stories: write and edit them, link them to sites, keep the search index and the audit log in step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import delete
from sqlmodel import Session, col, select

from redres.catalog import audit
from redres.catalog.enums import Status
from redres.catalog.errors import Conflict, NotFound
from redres.catalog.models import Site, Story, StorySite, pk, utcnow
from redres.catalog.schemas import Slug
from redres.catalog.sites import reindex_site
from redres.catalog.slugs import free_slug, slugify


class StoryIn(BaseModel):
    """A story as an editor writes it; `sites` are the slugs it is about."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    title_en: Annotated[str, StringConstraints(max_length=300)] | None = None
    summary: Annotated[str, StringConstraints(max_length=1000)] | None = None
    body: Annotated[str, StringConstraints(max_length=50_000)] = ""
    status: Status = Status.draft
    sites: list[Slug] = Field(default_factory=list, max_length=100)


def list_stories(session: Session) -> list[Story]:
    """Every story, newest change first (an editor's view)."""
    return list(session.exec(select(Story).order_by(col(Story.updated_at).desc(), col(Story.id))))


def get_story(session: Session, slug: str) -> Story:
    """A story by slug.

    Raises
    ------
    NotFound
        For an unknown slug.
    """
    story = session.exec(select(Story).where(Story.slug == slug)).first()
    if story is None:
        raise NotFound("story", slug)  # noqa: EM101 (an entity name)
    return story


def story_sites(session: Session, story: Story) -> list[str]:
    """The slugs of the sites a story is about."""
    return list(
        session.exec(
            select(Site.slug)
            .join(StorySite, col(StorySite.site_id) == Site.id)
            .where(StorySite.story_id == story.id)
            .order_by(col(Site.slug))
        )
    )


def save_story(session: Session, data: StoryIn, *, actor: str, story: Story | None = None) -> Story:
    """Create or update a story and its site links; audited, and the sites' search terms follow.

    Raises
    ------
    Conflict
        When a site slug is unknown.
    """
    sites = _sites(session, data.sites)
    before = None if story is None else _state(session, story)
    old_sites = [] if story is None else _linked(session, story)
    if story is None:
        story = Story(
            slug=free_slug(session, Story.slug, slugify(data.title_en or data.title)),
            title=data.title,
        )
    for name in ("title", "title_en", "summary", "body", "status"):
        setattr(story, name, getattr(data, name))
    story.updated_at = utcnow()
    session.add(story)
    session.flush()
    session.exec(delete(StorySite).where(col(StorySite.story_id) == story.id))
    session.add_all(StorySite(story_id=pk(story), site_id=pk(site)) for site in sites)
    session.flush()
    for site in {s.id: s for s in [*old_sites, *sites]}.values():
        reindex_site(session, site)  # story titles are searchable
    after = _state(session, story)
    if after != before:
        audit.record(
            session,
            entity="story",
            entity_id=pk(story),
            action="create" if before is None else "update",
            actor=actor,
            before=before,
            after=after,
        )
    return story


def _sites(session: Session, slugs: Sequence[str]) -> list[Site]:
    found = {s.slug: s for s in session.exec(select(Site).where(col(Site.slug).in_(list(slugs))))}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        msg = f"unknown site {missing[0]!r}"
        raise Conflict(msg)
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _linked(session: Session, story: Story) -> list[Site]:
    return list(
        session.exec(
            select(Site)
            .join(StorySite, col(StorySite.site_id) == Site.id)
            .where(StorySite.story_id == story.id)
        )
    )


def _state(session: Session, story: Story) -> dict[str, object]:
    state = audit.snapshot(story, exclude=frozenset({"created_at", "updated_at"}))
    state["sites"] = story_sites(session, story)
    return state
