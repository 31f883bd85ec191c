"""Events of the registry: list, read with their visible stories, sites and people, write (audited).

Events have no workflow status; what links to them is filtered by what the caller may see,
so an event never reveals a draft story or site.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Self

from pydantic import ConfigDict, Field, model_validator
from sqlalchemy import delete
from sqlmodel import Session, col, select

from redres.catalog import audit, versions
from redres.catalog.detail import sources_for
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.errors import Conflict, InvalidQuery, NotFound
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
from redres.catalog.paging import Page, ids_for_slugs, is_slug, page_of, substring
from redres.catalog.partial_dates import PartialDate, not_before
from redres.catalog.people import OptionalName, PersonName, Summary
from redres.catalog.schemas import Slug
from redres.catalog.slugs import free_slug, slugify
from redres.plain_text import PlainTextModel


class EventPatch(PlainTextModel):
    """A partial change of an event; `sites` and `people` (slugs) replace its links when given."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Slug | None = None
    name: PersonName | None = None
    name_en: OptionalName | None = None
    date: PartialDate | None = None
    end_date: PartialDate | None = None
    summary: Summary | None = None
    sites: list[Slug] | None = Field(default=None, max_length=100)
    people: list[Slug] | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if not not_before(self.date, self.end_date):
            msg = "end_date must not be before date"
            raise ValueError(msg)
        return self


class EventIn(EventPatch):
    """A new event: a name is required; the slug is made from the name when left out."""

    name: PersonName


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
    stmt = select(Event)
    if site is not None:
        stmt = stmt.where(
            col(Event.id).in_(
                select(EventSite.event_id)
                .join(Site, col(Site.id) == EventSite.site_id)
                .where(Site.slug == (site if is_slug(site) else ""))
                .where(col(Site.status).in_(list(visible)))
            )
        )
    if person is not None:
        stmt = stmt.where(
            col(Event.id).in_(
                select(EventPerson.event_id)
                .join(Person, col(Person.id) == EventPerson.person_id)
                .where(Person.slug == (person if is_slug(person) else ""))
            )
        )
    if q:
        try:
            stmt = stmt.where(substring(q, col(Event.name), col(Event.name_en)))
        except ValueError as exc:
            raise InvalidQuery(str(exc)) from exc
    order = (col(Event.date).is_(None), col(Event.date), col(Event.id))
    return page_of(session, stmt, order, limit=limit, offset=offset)


def get_event(session: Session, slug: str) -> Event:
    """An event by slug.

    Raises
    ------
    NotFound
        For an unknown slug.
    """
    event = None
    if is_slug(slug):
        event = session.exec(select(Event).where(Event.slug == slug)).first()
    if event is None:
        raise NotFound("event", slug)  # noqa: EM101 (an entity name)
    return event


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
    """Add an event with its places and people, audited.

    Raises
    ------
    Conflict
        When the slug is taken or a site or person slug is unknown.
    """
    fields = data.model_dump(exclude_none=True, exclude={"sites", "people"})
    if not fields.get("slug"):
        fields["slug"] = free_slug(session, Event.slug, slugify(data.name_en or data.name))
    event = Event(**fields)
    _check_slug(session, event)
    session.add(event)
    session.flush()
    _set_links(session, event, data.sites or [], data.people or [])
    audit.record(
        session,
        entity="event",
        entity_id=pk(event),
        action="create",
        actor=actor,
        before=None,
        after=_state(session, event),
    )
    return event


def update_event(session: Session, event: Event, patch: EventPatch, *, actor: str) -> Event:
    """Change some fields or links of an event, audited with the values before and after.

    Raises
    ------
    Conflict
        When the new slug is taken, a link is unknown, or the dates would be out of order.
    """
    before = _state(session, event)
    fields = patch.model_dump(exclude_unset=True, exclude={"sites", "people"})
    for key in ("name", "slug"):
        if fields.get(key) is None:
            fields.pop(key, None)  # required columns cannot be emptied
    for key, value in fields.items():
        setattr(event, key, value)
    if not not_before(event.date, event.end_date):
        msg = "end_date must not be before date"
        raise Conflict(msg)
    _check_slug(session, event)
    session.add(event)
    session.flush()
    if patch.sites is not None or patch.people is not None:
        _set_links(session, event, patch.sites, patch.people)
    after = _state(session, event)
    if after != before:
        versions.bump(event)  # its links are part of the event, though not of its row
        audit.record(
            session,
            entity="event",
            entity_id=pk(event),
            action="update",
            actor=actor,
            before=before,
            after=after,
        )
    return event


def _set_links(
    session: Session, event: Event, sites: Sequence[str] | None, people: Sequence[str] | None
) -> None:
    event_id = pk(event)
    if sites is not None:
        site_ids = ids_for_slugs(session, Site, sites)
        session.exec(delete(EventSite).where(col(EventSite.event_id) == event_id))
        session.add_all(EventSite(event_id=event_id, site_id=i) for i in site_ids)
    if people is not None:
        person_ids = ids_for_slugs(session, Person, people)
        session.exec(delete(EventPerson).where(col(EventPerson.event_id) == event_id))
        session.add_all(EventPerson(event_id=event_id, person_id=i) for i in person_ids)
    session.flush()


def _check_slug(session: Session, event: Event) -> None:
    stmt = select(Event.id).where(Event.slug == event.slug)
    if event.id is not None:
        stmt = stmt.where(Event.id != event.id)
    if session.exec(stmt).first() is not None:
        msg = f"event slug {event.slug!r} is already used"
        raise Conflict(msg)


def _state(session: Session, event: Event) -> dict[str, Any]:
    state = audit.snapshot(event)
    event_id = pk(event)
    state["sites"] = list(
        session.exec(
            select(Site.slug)
            .join(EventSite, col(EventSite.site_id) == Site.id)
            .where(EventSite.event_id == event_id)
            .order_by(col(Site.slug))
        )
    )
    state["people"] = list(
        session.exec(
            select(Person.slug)
            .join(EventPerson, col(EventPerson.person_id) == Person.id)
            .where(EventPerson.event_id == event_id)
            .order_by(col(Person.slug))
        )
    )
    return state
