"""People of the registry: list, read with their visible stories, events and sites, write (audited).

People have no workflow status: they are public, but what links to them is filtered by what
the caller may see, so a person's page never reveals a draft story or site. What people share
with events is `record_kinds`; this module declares what is theirs: life dates, name order, and
which sites they are shown with.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

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
    StoryPerson,
    StorySite,
    pk,
)
from redres.catalog.paging import Page
from redres.catalog.partial_dates import PartialDate
from redres.catalog.record_kinds import (
    DatedPatch,
    OptionalName,
    RecordKind,
    RecordName,
    Summary,
    create_record,
    find_records,
    get_record,
    update_record,
)
from redres.catalog.schemas import Slug

PERSON = RecordKind(
    entity="person",
    model=Person,
    dates=("born", "died"),
    order=(col(Person.name), col(Person.id)),
)
"""People: life dates in order, listed by name, owning no links (events and stories link them)."""


class PersonPatch(DatedPatch):
    """A partial change of a person; every field optional."""

    DATES = PERSON.dates

    slug: Slug | None = None
    name: RecordName | None = None
    name_en: OptionalName | None = None
    born: PartialDate | None = None
    died: PartialDate | None = None
    summary: Summary | None = None


class PersonIn(PersonPatch):
    """A new person: a name is required; the slug is made from the name when left out."""

    name: RecordName


@dataclass(frozen=True, slots=True)
class PersonDetail:
    """A person with the sources cited for them and what the caller may see linked to them."""

    person: Person
    sources: list[Source]
    stories: list[Story]
    events: list[Event]
    sites: list[Site]


def find_people(
    session: Session, *, q: str | None = None, limit: int = 50, offset: int = 0
) -> Page[Person]:
    """People by name (Chinese or English substring), in name order, with the total.

    Raises
    ------
    InvalidQuery
        When `q` is too long or unusable.
    """
    return find_records(session, PERSON, q=q, limit=limit, offset=offset)


def get_person(session: Session, slug: str) -> Person:
    """A person by slug; NotFound for an unknown one."""
    return get_record(session, PERSON, slug)


def person_detail(
    session: Session, person: Person, *, visible: Collection[Status] = PUBLIC
) -> PersonDetail:
    """A person's stories and sites as the caller may see them, and the events they took part in.

    The sites are those of the person's events and visible stories, each itself visible.
    """
    person_id = pk(person)
    shown = list(visible)
    stories = list(
        session.exec(
            select(Story)
            .join(StoryPerson, col(StoryPerson.story_id) == Story.id)
            .where(StoryPerson.person_id == person_id, col(Story.status).in_(shown))
            .order_by(col(Story.title), col(Story.id))
        )
    )
    events = list(
        session.exec(
            select(Event)
            .join(EventPerson, col(EventPerson.event_id) == Event.id)
            .where(EventPerson.person_id == person_id)
            .order_by(col(Event.date), col(Event.id))
        )
    )
    site_ids = select(EventSite.site_id).where(col(EventSite.event_id).in_([pk(e) for e in events]))
    story_site_ids = select(StorySite.site_id).where(
        col(StorySite.story_id).in_([pk(s) for s in stories])
    )
    sites = list(
        session.exec(
            select(Site)
            .where(col(Site.status).in_(shown))
            .where(col(Site.id).in_(site_ids) | col(Site.id).in_(story_site_ids))
            .order_by(col(Site.name), col(Site.id))
        )
    )
    return PersonDetail(
        person=person,
        sources=sources_for(session, "person", [person_id]).get(person_id, []),
        stories=stories,
        events=events,
        sites=sites,
    )


def create_person(session: Session, data: PersonIn, *, actor: str) -> Person:
    """Add a person, audited; Conflict when the slug is taken."""
    return create_record(session, PERSON, data, actor=actor)


def update_person(session: Session, person: Person, patch: PersonPatch, *, actor: str) -> Person:
    """Change some fields of a person, audited; Conflict for a taken slug or dates out of order."""
    return update_record(session, PERSON, person, patch, actor=actor)
