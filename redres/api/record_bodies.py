"""The JSON of stories, people and events and of the links between them (and to sites).

One model per shape, built by one function, so every endpoint that shows a story, a person or
an event shows it alike, and /openapi.json names what it holds. Key order is the order of the
fields, which is the order clients have always been sent.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from redres.api.media_bodies import MediaBody
from redres.catalog.enums import Status
from redres.catalog.events import event_detail
from redres.catalog.media import media_json, media_of
from redres.catalog.models import Event, Person, Site, Source, Story
from redres.catalog.people import person_detail
from redres.catalog.stories import story_detail


class SourceBody(BaseModel):
    """A citation as readers see it."""

    key: str
    title: str
    url: str | None


class SiteLink(BaseModel):
    """A linked site, enough to show and follow it."""

    slug: str
    name: str
    name_en: str | None


class PersonLink(BaseModel):
    """A linked person, with partial life dates (YYYY, YYYY-MM or YYYY-MM-DD)."""

    slug: str
    name: str
    name_en: str | None
    born: str | None
    died: str | None


class EventLink(BaseModel):
    """A linked event, with partial dates."""

    slug: str
    name: str
    name_en: str | None
    date: str | None
    end_date: str | None


class StorySummary(BaseModel):
    """A story as list reads show it (no body)."""

    slug: str
    title: str
    title_en: str | None
    summary: str | None
    audience: str
    language: str
    status: Status
    updated_at: str


class StoryBody(StorySummary):
    """A story with its text, sources and the sites, people and events the reader may see."""

    body: str
    sources: list[SourceBody]
    sites: list[SiteLink]
    people: list[PersonLink]
    events: list[EventLink]


class StoryList(BaseModel):
    """A page of stories and how many match in all."""

    total: int
    limit: int
    offset: int
    stories: list[StorySummary]


class PersonSummary(PersonLink):
    """A person as list reads show them."""

    summary: str | None


class PersonBody(PersonSummary):
    """A person with their sources, events, and the stories and sites the reader may see."""

    sources: list[SourceBody]
    stories: list[StorySummary]
    events: list[EventLink]
    sites: list[SiteLink]
    media: list[MediaBody] = []
    """Portraits, recordings, documents and video links, as `GET /api/sites/{slug}` lists them
    (archived ones for staff only)."""


class PersonList(BaseModel):
    """A page of people and how many match in all."""

    total: int
    limit: int
    offset: int
    people: list[PersonSummary]


class EventSummary(EventLink):
    """An event as list reads show it."""

    summary: str | None


class EventBody(EventSummary):
    """An event with its sources, people, and the stories and sites the reader may see."""

    sources: list[SourceBody]
    stories: list[StorySummary]
    sites: list[SiteLink]
    people: list[PersonLink]
    media: list[MediaBody] = []
    """As a person's."""


class EventList(BaseModel):
    """A page of events and how many match in all."""

    total: int
    limit: int
    offset: int
    events: list[EventSummary]


def source_body(source: Source) -> SourceBody:
    """A citation as readers see it."""
    return SourceBody(key=source.key, title=source.title, url=source.url)


def site_link(site: Site) -> SiteLink:
    """A linked site."""
    return SiteLink(slug=site.slug, name=site.name, name_en=site.name_en)


def person_link(person: Person) -> PersonLink:
    """A linked person."""
    return PersonLink.model_validate(person, from_attributes=True)


def event_link(event: Event) -> EventLink:
    """A linked event."""
    return EventLink.model_validate(event, from_attributes=True)


def story_summary(story: Story) -> StorySummary:
    """A story as list reads show it."""
    return StorySummary(
        slug=story.slug,
        title=story.title,
        title_en=story.title_en,
        summary=story.summary,
        audience=story.audience,
        language=story.language,
        status=story.status,
        updated_at=story.updated_at.isoformat(),
    )


def person_summary(person: Person) -> PersonSummary:
    """A person as list reads show them."""
    return PersonSummary.model_validate(person, from_attributes=True)


def event_summary(event: Event) -> EventSummary:
    """An event as list reads show it."""
    return EventSummary.model_validate(event, from_attributes=True)


def story_body(session: Session, story: Story, *, visible: frozenset[Status]) -> StoryBody:
    """A story with what the reader may see linked to it (pending writes flushed first)."""
    session.flush()
    detail = story_detail(session, story, visible=visible)
    return StoryBody(
        **story_summary(story).model_dump(),
        body=story.body,
        sources=[source_body(s) for s in detail.sources],
        sites=[site_link(s) for s in detail.sites],
        people=[person_link(p) for p in detail.people],
        events=[event_link(e) for e in detail.events],
    )


def person_body(session: Session, person: Person, visible: frozenset[Status]) -> PersonBody:
    """A person with what the reader may see linked to them (pending writes flushed first)."""
    session.flush()
    detail = person_detail(session, person, visible=visible)
    return PersonBody(
        **person_summary(person).model_dump(),
        sources=[source_body(s) for s in detail.sources],
        stories=[story_summary(s) for s in detail.stories],
        events=[event_link(e) for e in detail.events],
        sites=[site_link(s) for s in detail.sites],
        media=_media(session, "person", person.id, visible),
    )


def event_body(session: Session, event: Event, visible: frozenset[Status]) -> EventBody:
    """An event with what the reader may see linked to it (pending writes flushed first)."""
    session.flush()
    detail = event_detail(session, event, visible=visible)
    return EventBody(
        **event_summary(event).model_dump(),
        sources=[source_body(s) for s in detail.sources],
        stories=[story_summary(s) for s in detail.stories],
        sites=[site_link(s) for s in detail.sites],
        people=[person_link(p) for p in detail.people],
        media=_media(session, "event", event.id, visible),
    )


def _media(
    session: Session, kind: str, owner_id: int | None, visible: frozenset[Status]
) -> list[MediaBody]:
    """A person's or an event's media the reader may see, in their order."""
    if owner_id is None:
        return []
    items = media_of(session, kind, owner_id, visible=visible)
    return [MediaBody.model_validate(media_json(m)) for m in items]
