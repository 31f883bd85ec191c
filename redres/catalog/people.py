"""People of the registry: list, read with their visible stories, events and sites, write (audited).

People have no workflow status: they are public, but what links to them is filtered by what
the caller may see, so a person's page never reveals a draft story or site.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated, Any, Self

from pydantic import ConfigDict, StringConstraints, model_validator
from sqlmodel import Session, col, select

from redres.catalog import audit
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
    StoryPerson,
    StorySite,
    pk,
)
from redres.catalog.paging import Page, is_slug, page_of, substring
from redres.catalog.partial_dates import PartialDate, not_before
from redres.catalog.schemas import Slug
from redres.catalog.slugs import free_slug, slugify
from redres.plain_text import PlainTextModel

PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class PersonPatch(PlainTextModel):
    """A partial change of a person; every field optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Slug | None = None
    name: PersonName | None = None
    name_en: OptionalName | None = None
    born: PartialDate | None = None
    died: PartialDate | None = None
    summary: Summary | None = None

    @model_validator(mode="after")
    def _life_in_order(self) -> Self:
        if not not_before(self.born, self.died):
            msg = "died must not be before born"
            raise ValueError(msg)
        return self


class PersonIn(PersonPatch):
    """A new person: a name is required; the slug is made from the name when left out."""

    name: PersonName


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
    stmt = select(Person)
    if q:
        try:
            stmt = stmt.where(substring(q, col(Person.name), col(Person.name_en)))
        except ValueError as exc:
            raise InvalidQuery(str(exc)) from exc
    order = (col(Person.name), col(Person.id))
    return page_of(session, stmt, order, limit=limit, offset=offset)


def get_person(session: Session, slug: str) -> Person:
    """A person by slug.

    Raises
    ------
    NotFound
        For an unknown slug.
    """
    person = None
    if is_slug(slug):
        person = session.exec(select(Person).where(Person.slug == slug)).first()
    if person is None:
        raise NotFound("person", slug)  # noqa: EM101 (an entity name)
    return person


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
    """Add a person, audited; the slug comes from the English or Chinese name if not given.

    Raises
    ------
    Conflict
        When the slug is taken.
    """
    fields = data.model_dump(exclude_none=True)
    if not fields.get("slug"):
        fields["slug"] = free_slug(session, Person.slug, slugify(data.name_en or data.name))
    person = Person(**fields)
    _check_slug(session, person)
    session.add(person)
    session.flush()
    audit.record(
        session,
        entity="person",
        entity_id=pk(person),
        action="create",
        actor=actor,
        before=None,
        after=_state(person),
    )
    return person


def update_person(session: Session, person: Person, patch: PersonPatch, *, actor: str) -> Person:
    """Change some fields of a person, audited with the values before and after.

    Raises
    ------
    Conflict
        When the new slug is taken, or the dates would be out of order.
    """
    before = _state(person)
    fields = patch.model_dump(exclude_unset=True)
    if fields.get("name") is None:
        fields.pop("name", None)  # a name cannot be removed
    if fields.get("slug") is None:
        fields.pop("slug", None)
    for key, value in fields.items():
        setattr(person, key, value)
    if not not_before(person.born, person.died):
        msg = "died must not be before born"
        raise Conflict(msg)
    _check_slug(session, person)
    session.add(person)
    session.flush()
    after = _state(person)
    if after != before:
        audit.record(
            session,
            entity="person",
            entity_id=pk(person),
            action="update",
            actor=actor,
            before=before,
            after=after,
        )
    return person


def _check_slug(session: Session, person: Person) -> None:
    stmt = select(Person.id).where(Person.slug == person.slug)
    if person.id is not None:
        stmt = stmt.where(Person.id != person.id)
    if session.exec(stmt).first() is not None:
        msg = f"person slug {person.slug!r} is already used"
        raise Conflict(msg)


def _state(person: Person) -> dict[str, Any]:
    return audit.snapshot(person)
