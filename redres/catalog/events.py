"""Events of the registry: list, read with their visible stories, sites and people, write (audited).

Events have no workflow status; what links to them is filtered by what the caller may see,
so an event never reveals a draft story or site. What events share with people is
`record_kinds`; this module declares what is theirs: a date range, date order, and the sites
and people they own links to.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from pydantic import Field
from sqlmodel import Session, col, select

from redres.catalog.detail import sources_for
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.models import (
    Event,
    EventPerson,
    EventSite,
    Person,
    Site,
    Source,
    Story,
    StoryEvent,
    pk,
)
from redres.catalog.paging import Page
from redres.catalog.partial_dates import PartialDate
from redres.catalog.record_kinds import (
    DatedPatch,
    Link,
    OptionalName,
    RecordKind,
    RecordName,
    Summary,
    create_record,
    find_records,
    get_record,
    linked_to,
    update_record,
)
from redres.catalog.schemas import Slug

SITES = Link("sites", EventSite, "event_id", Site, "site_id")
PEOPLE = Link("people", EventPerson, "event_id", Person, "person_id")
EVENT = RecordKind(
    entity="event",
    model=Event,
    dates=("date", "end_date"),
    order=(col(Event.date).is_(None), col(Event.date), col(Event.id)),
    links=(SITES, PEOPLE),
)
"""Events: a date range in order, listed by date (undated last), owning links to sites and people."""


class EventPatch(DatedPatch):
    """A partial change of an event; `sites` and `people` (slugs) replace its links when given."""

    DATES = EVENT.dates

    slug: Slug | None = None
    name: RecordName | None = None
    name_en: OptionalName | None = None
    date: PartialDate | None = None
    end_date: PartialDate | None = None
    summary: Summary | None = None
    sites: list[Slug] | None = Field(default=None, max_length=100)
    people: list[Slug] | None = Field(default=None, max_length=200)


class EventIn(EventPatch):
    """A new event: a name is required; the slug is made from the name when left out."""

    name: RecordName


@dataclass(frozen=True, slots=True)
class EventDetail:
    """An event with its sources and what the caller may see linked to it."""

    event: Event
    sources: list[Source]
    stories: list[Story]
    sites: list[Site]
    people: list[Person]


def find_events(
    session: Session,
    *,
    q: str | None = None,
    site: str | None = None,
    person: str | None = None,
    visible: Collection[Status] = PUBLIC,
    limit: int = 50,
    offset: int = 0,
) -> Page[Event]:
    """Events in date order, by name substring, place (a visible site) or person, with the total.

    Raises
    ------
    InvalidQuery
        When `q` is too long or unusable.
    """
    where = []
    if site is not None:
        where.append(linked_to(EVENT, SITES, site, visible=visible))
    if person is not None:
        where.append(linked_to(EVENT, PEOPLE, person))
    return find_records(session, EVENT, q=q, where=where, limit=limit, offset=offset)


def get_event(session: Session, slug: str) -> Event:
    """An event by slug; NotFound for an unknown one."""
    return get_record(session, EVENT, slug)


def event_detail(
    session: Session, event: Event, *, visible: Collection[Status] = PUBLIC
) -> EventDetail:
    """An event's visible stories and sites, and its people."""
    event_id = pk(event)
    shown = list(visible)
    stories = session.exec(
        select(Story)
        .join(StoryEvent, col(StoryEvent.story_id) == Story.id)
        .where(StoryEvent.event_id == event_id, col(Story.status).in_(shown))
        .order_by(col(Story.title), col(Story.id))
    )
    sites = session.exec(
        select(Site)
        .join(EventSite, col(EventSite.site_id) == Site.id)
        .where(EventSite.event_id == event_id, col(Site.status).in_(shown))
        .order_by(col(Site.name), col(Site.id))
    )
    people = session.exec(
        select(Person)
        .join(EventPerson, col(EventPerson.person_id) == Person.id)
        .where(EventPerson.event_id == event_id)
        .order_by(col(Person.id))
    )
    return EventDetail(
        event=event,
        sources=sources_for(session, "event", [event_id]).get(event_id, []),
        stories=list(stories),
        sites=list(sites),
        people=list(people),
    )


def create_event(session: Session, data: EventIn, *, actor: str) -> Event:
    """Add an event with its places and people, audited; Conflict for a taken slug or an
    unknown site or person."""
    return create_record(session, EVENT, data, actor=actor)


def update_event(session: Session, event: Event, patch: EventPatch, *, actor: str) -> Event:
    """Change some fields or links of an event, audited; Conflict for a taken slug, an unknown
    link, or dates out of order."""
    return update_record(session, EVENT, event, patch, actor=actor)
