"""Stories: write and edit them, link them to sites, keep the search index and the audit log in step."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from redres.catalog import audit, versions
from redres.catalog.detail import sources_for
from redres.catalog.enums import PUBLIC, STAFF, Status
from redres.catalog.errors import Conflict, InvalidQuery, NotFound
from redres.catalog.media_rules import check_publishable
from redres.catalog.models import (
    Event,
    Person,
    Site,
    Source,
    Story,
    StoryEvent,
    StoryPerson,
    StorySite,
    pk,
    utcnow,
)
from redres.catalog.paging import Page, ids_for_slugs, is_slug, page_of, substring
from redres.catalog.sites import reindex_site
from redres.catalog.slugs import free_slug, slugify
from redres.catalog.story_schemas import StoryIn, StoryPatch, StoryWrite
from redres.messages import Message


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """What a list read of stories asks for; links are slugs, `q` a substring."""

    site: str | None = None
    person: str | None = None
    event: str | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class StoryDetail:
    """A story with what it cites and what it is linked to, as the caller may see it."""

    story: Story
    sources: list[Source]
    sites: list[Site]
    people: list[Person]
    events: list[Event]


def find_stories(
    session: Session, query: StoryFilter, *, visible: Collection[Status]
) -> Page[Story]:
    """Stories the caller may see, filtered and paged, titles in order, with the total.

    A `site` filter only matches a site the caller may see, so it reveals no draft site.

    Raises
    ------
    InvalidQuery
        When `q` is too long or unusable.
    """
    stmt = select(Story).where(col(Story.status).in_(list(visible)))
    if query.site is not None:
        stmt = stmt.where(
            col(Story.id).in_(
                select(StorySite.story_id)
                .join(Site, col(Site.id) == StorySite.site_id)
                .where(Site.slug == _slug(query.site), col(Site.status).in_(list(visible)))
            )
        )
    if query.person is not None:
        stmt = stmt.where(
            col(Story.id).in_(
                select(StoryPerson.story_id)
                .join(Person, col(Person.id) == StoryPerson.person_id)
                .where(Person.slug == _slug(query.person))
            )
        )
    if query.event is not None:
        stmt = stmt.where(
            col(Story.id).in_(
                select(StoryEvent.story_id)
                .join(Event, col(Event.id) == StoryEvent.event_id)
                .where(Event.slug == _slug(query.event))
            )
        )
    if query.q:
        try:
            stmt = stmt.where(substring(query.q, col(Story.title), col(Story.summary)))
        except ValueError as exc:
            raise InvalidQuery(str(exc)) from exc
    order = (col(Story.title), col(Story.id))
    return page_of(session, stmt, order, limit=query.limit, offset=query.offset)


def get_story(session: Session, slug: str, *, visible: Collection[Status] = STAFF) -> Story:
    """A story by slug; drafts and archived stories are NotFound to those who may not see them.

    Raises
    ------
    NotFound
        For an unknown slug, or a story whose status is not in `visible`.
    """
    story = None
    if is_slug(slug):
        story = session.exec(select(Story).where(Story.slug == slug)).first()
    if story is None or story.status not in visible:
        raise NotFound("story", slug)  # noqa: EM101 (an entity name)
    return story


def story_detail(
    session: Session, story: Story, *, visible: Collection[Status] = STAFF
) -> StoryDetail:
    """A story's sources, and its sites (only those `visible`), people and events."""
    story_id = pk(story)
    sites = session.exec(
        select(Site)
        .join(StorySite, col(StorySite.site_id) == Site.id)
        .where(StorySite.story_id == story_id, col(Site.status).in_(list(visible)))
        .order_by(col(Site.name), col(Site.id))
    )
    people = session.exec(
        select(Person)
        .join(StoryPerson, col(StoryPerson.person_id) == Person.id)
        .where(StoryPerson.story_id == story_id)
        .order_by(col(Person.id))
    )
    events = session.exec(
        select(Event)
        .join(StoryEvent, col(StoryEvent.event_id) == Event.id)
        .where(StoryEvent.story_id == story_id)
        .order_by(col(Event.date), col(Event.id))
    )
    return StoryDetail(
        story=story,
        sources=sources_for(session, "story", [story_id]).get(story_id, []),
        sites=list(sites),
        people=list(people),
        events=list(events),
    )


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


def story_places(
    session: Session, stories: Sequence[Story], *, visible: Collection[Status] = PUBLIC
) -> dict[int, str]:
    """The slug of a site each story is told on (a visible one, the first by name), by story id.

    Stories have no page of their own: a reader follows one to the site page that tells it.
    """
    ids = [pk(s) for s in stories]
    if not ids:
        return {}
    rows = session.exec(
        select(StorySite.story_id, Site.slug)
        .join(Site, col(Site.id) == StorySite.site_id)
        .where(col(StorySite.story_id).in_(ids), col(Site.status).in_(list(visible)))
        .order_by(col(Site.name), col(Site.id))
    )
    places: dict[int, str] = {}
    for story_id, slug in rows:
        places.setdefault(story_id, slug)
    return places


def save_story(
    session: Session,
    data: StoryIn,
    *,
    actor: str,
    story: Story | None = None,
    action: str | None = None,
) -> Story:
    """Create or update a story and its links; audited, and the sites' search terms follow.

    A plain `StoryIn` leaves audience, language, people and events as they are; a
    `StoryWrite` (the API, the editor's form) sets them too.

    Raises
    ------
    Conflict
        When a site, person or event slug is unknown, or a new story's slug is taken.
    """
    sites = _sites(session, data.sites)
    people = _ids_or_none(session, Person, getattr(data, "people", None))
    events = _ids_or_none(session, Event, getattr(data, "events", None))
    before = None if story is None else _state(session, story)
    old_sites = [] if story is None else _linked(session, story)
    if story is None:
        wanted = getattr(data, "slug", None)
        if wanted and session.exec(select(Story.id).where(Story.slug == wanted)).first():
            msg = Message("e_slug_used", entity=Message("entity_story"), slug=wanted)
            raise Conflict(msg)
        story = Story(
            slug=wanted or free_slug(session, Story.slug, slugify(data.title_en or data.title)),
            title=data.title,
        )
    if story.id is not None and data.status == Status.published != story.status:
        check_publishable(session, story)
    names = ["title", "title_en", "summary", "summary_en", "body", "status"]
    names += [n for n in ("audience", "language") if n in type(data).model_fields]
    for name in names:
        if name == "summary_en" and story.id is not None and name not in data.model_fields_set:
            continue  # a form that has no box for it (the editor's, for now) keeps it
        setattr(story, name, getattr(data, name))
    story.updated_at = utcnow()
    session.add(story)
    session.flush()
    story_id = pk(story)
    session.exec(delete(StorySite).where(col(StorySite.story_id) == story_id))
    session.add_all(StorySite(story_id=story_id, site_id=pk(site)) for site in sites)
    if people is not None:
        session.exec(delete(StoryPerson).where(col(StoryPerson.story_id) == story_id))
        session.add_all(StoryPerson(story_id=story_id, person_id=i) for i in people)
    if events is not None:
        session.exec(delete(StoryEvent).where(col(StoryEvent.story_id) == story_id))
        session.add_all(StoryEvent(story_id=story_id, event_id=i) for i in events)
    session.flush()
    for site in {s.id: s for s in [*old_sites, *sites]}.values():
        reindex_site(session, site)  # story titles are searchable
    after = _state(session, story)
    if after != before:
        if before is not None:
            versions.bump(story)  # its links are part of the story, though not of its row
        audit.record(
            session,
            entity="story",
            entity_id=story_id,
            action=action or ("create" if before is None else "update"),
            actor=actor,
            before=before,
            after=after,
        )
    return story


def update_story(session: Session, story: Story, patch: StoryPatch, *, actor: str) -> Story:
    """Apply a partial change, then a status move if asked; each step audited.

    Raises
    ------
    Conflict
        When fields of an archived story are changed (restore it first), or a link is unknown.
    """
    fields = patch.model_dump(exclude_unset=True, exclude={"status"})
    if fields:
        if story.status == Status.archived:
            msg = Message("e_archived_restore", entity=Message("entity_story"), slug=story.slug)
            raise Conflict(msg)
        current = _current(session, story)
        current.update({k: v for k, v in fields.items() if v is not None or k in _NULLABLE})
        save_story(session, StoryWrite(**current), actor=actor, story=story)
    if patch.status is not None:
        set_story_status(session, story, patch.status, actor=actor)
    return story


def set_story_status(session: Session, story: Story, status: Status, *, actor: str) -> Story:
    """Move a story through the workflow (draft -> published -> archived and back), audited.

    Its sites are reindexed, since only published story titles are searchable.
    """
    if story.status == status:
        return story
    if status == Status.published:
        check_publishable(session, story)
    action = audit.transition(story.status, status)
    before = _state(session, story)
    story.status = status
    story.updated_at = utcnow()
    session.add(story)
    session.flush()
    for site in _linked(session, story):
        reindex_site(session, site)
    audit.record(
        session,
        entity="story",
        entity_id=pk(story),
        action=action,
        actor=actor,
        before=before,
        after=_state(session, story),
    )
    return story


def story_version_at(session: Session, story: Story, entry_id: int) -> dict[str, Any]:
    """The story's recorded state right after audit entry `entry_id` (replayed from creation).

    Raises
    ------
    NotFound
        When the entry is not one of this story's.
    """
    return audit.state_after(session, entity="story", entity_id=pk(story), entry_id=entry_id)


def restore_story_version(session: Session, story: Story, entry_id: int, *, actor: str) -> Story:
    """Bring a story's fields and links back to an earlier version; its status stays as it is.

    Audited as a `revert`, so a restore can itself be undone the same way. Links recorded
    before people and events were audited are left as they are.

    Raises
    ------
    NotFound
        When the entry is not one of this story's.
    Conflict
        When a site, person or event of that version no longer exists (nothing is changed).
    """
    state = story_version_at(session, story, entry_id)
    current = _current(session, story)
    fields = {k: state[k] for k in current if k in state and k not in ("status", "slug")}
    current.update(fields)
    current["status"] = story.status
    return save_story(session, StoryWrite(**current), actor=actor, story=story, action="revert")


_NULLABLE = frozenset({"title_en", "summary", "summary_en"})


def _current(session: Session, story: Story) -> dict[str, Any]:
    state = _state(session, story)
    return {k: state[k] for k in StoryWrite.model_fields if k in state}


def _slug(value: str) -> str:
    return value if is_slug(value) else ""


def _sites(session: Session, slugs: Sequence[str]) -> list[Site]:
    found = {s.slug: s for s in session.exec(select(Site).where(col(Site.slug).in_(list(slugs))))}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise Conflict(Message("e_route_site", slug=missing[0]))
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _ids_or_none(
    session: Session, model: type[Person] | type[Event], slugs: Sequence[str] | None
) -> list[int] | None:
    return None if slugs is None else ids_for_slugs(session, model, slugs)


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
    state["people"] = list(
        session.exec(
            select(Person.slug)
            .join(StoryPerson, col(StoryPerson.person_id) == Person.id)
            .where(StoryPerson.story_id == story.id)
            .order_by(col(Person.slug))
        )
    )
    state["events"] = list(
        session.exec(
            select(Event.slug)
            .join(StoryEvent, col(StoryEvent.event_id) == Event.id)
            .where(StoryEvent.story_id == story.id)
            .order_by(col(Event.slug))
        )
    )
    return state
