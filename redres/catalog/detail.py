"""A site with everything told about it: stories and their sources, themes, people, events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlmodel import Session, col, select

from redres.catalog.attachment_tables import Media
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.media import media_of
from redres.catalog.models import (
    Citation,
    Event,
    EventPerson,
    EventSite,
    Person,
    Site,
    SiteTheme,
    Source,
    Story,
    StoryEvent,
    StoryPerson,
    StorySite,
    Theme,
)

T = TypeVar("T", Event, Person)


@dataclass(frozen=True, slots=True)
class ThemeWeight:
    """A theme a site belongs to, with the site's weight in it."""

    theme: Theme
    weight: float


@dataclass(frozen=True, slots=True)
class StoryView:
    """A story with the sources it cites."""

    story: Story
    sources: list[Source]


@dataclass(frozen=True, slots=True)
class SiteDetail:
    """Everything a site page or the detail API shows."""

    site: Site
    sources: list[Source]
    stories: list[StoryView]
    themes: list[ThemeWeight]
    people: list[Person]
    events: list[Event]
    media: list[Media] = field(default_factory=list)
    parent: Site | None = None
    """The ensemble this site belongs to (旧址群), when the reader may see it."""
    members: list[Site] = field(default_factory=list)
    """The sites that belong to this one, by name."""


def site_detail(
    session: Session, site: Site, *, visible: Collection[Status] = PUBLIC
) -> SiteDetail:
    """Assemble a site's detail; stories the caller may not see are left out."""
    assert site.id is not None
    stories = list(
        session.exec(
            select(Story)
            .join(StorySite, col(StorySite.story_id) == Story.id)
            .where(StorySite.site_id == site.id, col(Story.status).in_(list(visible)))
            .order_by(col(Story.id))
        )
    )
    story_ids = [s.id for s in stories if s.id is not None]
    cited = sources_for(session, "story", story_ids)
    themes = [
        ThemeWeight(theme, weight)
        for theme, weight in session.exec(
            select(Theme, SiteTheme.weight)
            .join(SiteTheme, col(SiteTheme.theme_id) == Theme.id)
            .where(SiteTheme.site_id == site.id)
            .order_by(col(SiteTheme.weight).desc(), col(Theme.slug))
        )
    ]
    event_ids = set(session.exec(select(EventSite.event_id).where(EventSite.site_id == site.id)))
    if story_ids:
        event_ids |= set(
            session.exec(select(StoryEvent.event_id).where(col(StoryEvent.story_id).in_(story_ids)))
        )
    events = _by_ids(session, Event, event_ids)
    person_ids: set[int] = set()
    if story_ids:
        person_ids |= set(
            session.exec(
                select(StoryPerson.person_id).where(col(StoryPerson.story_id).in_(story_ids))
            )
        )
    if event_ids:
        person_ids |= set(
            session.exec(
                select(EventPerson.person_id).where(col(EventPerson.event_id).in_(event_ids))
            )
        )
    people = _by_ids(session, Person, person_ids)
    return SiteDetail(
        site=site,
        sources=sources_for(session, "site", [site.id]).get(site.id, []),
        stories=[StoryView(s, cited.get(s.id or 0, [])) for s in stories],
        themes=themes,
        people=people,
        events=events,
        media=media_of(session, "site", site.id, visible=visible),
        parent=_visible_parent(session, site, visible),
        members=list(
            session.exec(
                select(Site)
                .where(Site.parent_id == site.id, col(Site.status).in_(list(visible)))
                .order_by(col(Site.name))
            )
        ),
    )


def _visible_parent(session: Session, site: Site, visible: Collection[Status]) -> Site | None:
    parent = session.get(Site, site.parent_id) if site.parent_id is not None else None
    return parent if parent is not None and parent.status in visible else None


def sources_for(session: Session, entity: str, ids: Sequence[int]) -> dict[int, list[Source]]:
    """The sources cited by each record of one kind, in citation order."""
    out: dict[int, list[Source]] = defaultdict(list)
    if not ids:
        return out
    stmt = (
        select(Citation.entity_id, Source)
        .join(Source, col(Source.id) == Citation.source_id)
        .where(Citation.entity == entity, col(Citation.entity_id).in_(list(ids)))
        .order_by(col(Citation.id))
    )
    for entity_id, source in session.exec(stmt):
        out[entity_id].append(source)
    return out


def _by_ids(session: Session, model: type[T], ids: set[int]) -> list[T]:
    if not ids:
        return []
    return list(session.exec(select(model).where(col(model.id).in_(ids)).order_by(col(model.id))))
