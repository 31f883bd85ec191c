"""The rest of a catalogue beside its sites: sources, themes, people, events and stories.

A full export carries these so a catalogue can move between two redres installations. Each part
is a list of plain records (JSON-native values) linked by slug (sites, people, events, stories,
themes) or key (sources); formats only decide how the lists are stored (a GeoJSON foreign
member, GeoPackage attribute tables). A site's theme weights and sources travel on the site rows
themselves (`themes`, `sources` columns), so a plain survey file and a full export are read by
the same site pipeline.

Record shapes (every key present in an export; on import only the required ones must be):

- sources: `key`, `title`, `url`, `publisher`, `accessed` (YYYY-MM-DD)
- themes: `slug`, `name`, `name_en`, `description`
- people: `slug`, `name`, `name_en`, `born`, `died`, `summary`, `sources` (keys)
- events: `slug`, `name`, `name_en`, `date`, `end_date`, `summary`, `sites`, `people`, `sources`
- stories: `slug`, `title`, `title_en`, `summary`, `body`, `audience`, `language`, `status`,
  `sites`, `people`, `events`, `sources`
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session, col, select

from redres.catalog.enums import Status
from redres.catalog.events import EventIn
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
from redres.catalog.people import PersonIn
from redres.catalog.schemas import Slug
from redres.catalog.story_schemas import SlugList, StoryWrite

PARTS = ("sources", "themes", "people", "events", "stories")
"""The parts, in the order an import writes them (each links only to earlier ones and sites)."""
LINK_FIELDS: dict[str, tuple[str, ...]] = {
    "sources": (),
    "themes": (),
    "people": ("sources",),
    "events": ("sites", "people", "sources"),
    "stories": ("sites", "people", "events", "sources"),
}
"""Per part, the fields that are lists of slugs or keys."""
ENTITY = {
    "sources": "source",
    "themes": "theme",
    "people": "person",
    "events": "event",
    "stories": "story",
}
"""Per part, the entity name in citations and the audit log."""

Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Keys = Annotated[
    list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]],
    Field(max_length=1000),
]
"""Source keys a record cites, in order."""


class SourceRecord(BaseModel):
    """A source as it travels (the registry has no editor schema for sources)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    url: Annotated[str, StringConstraints(max_length=1000)] | None = None
    publisher: Annotated[str, StringConstraints(max_length=200)] | None = None
    accessed: date | None = None


class ThemeRecord(BaseModel):
    """A theme as it travels (sites carry their weights in it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    name_en: Annotated[str, StringConstraints(max_length=200)] | None = None
    description: Text | None = None


class PersonRecord(PersonIn):
    """A person as it travels: the editors' `PersonIn`, with its slug and cited sources."""

    slug: Slug
    sources: Keys = Field(default_factory=list)


class EventRecord(EventIn):
    """An event as it travels: the editors' `EventIn`, with its slug, links and sources."""

    slug: Slug
    sites: SlugList = Field(default_factory=list)
    people: SlugList = Field(default_factory=list)
    sources: Keys = Field(default_factory=list)


class StoryRecord(StoryWrite):
    """A story as it travels: the editors' `StoryWrite`, with its slug, links and sources."""

    slug: Slug
    people: SlugList = Field(default_factory=list)
    events: SlugList = Field(default_factory=list)
    sources: Keys = Field(default_factory=list)


SCHEMAS: dict[str, type[BaseModel]] = {
    "sources": SourceRecord,
    "themes": ThemeRecord,
    "people": PersonRecord,
    "events": EventRecord,
    "stories": StoryRecord,
}
MODELS: dict[str, Any] = {
    "sources": Source,
    "themes": Theme,
    "people": Person,
    "events": Event,
    "stories": Story,
}
KEY = {"sources": "key", "themes": "slug", "people": "slug", "events": "slug", "stories": "slug"}
FIELDS: dict[str, tuple[str, ...]] = {
    part: (
        KEY[part],
        *(n for n in schema.model_fields if n not in (*LINK_FIELDS[part], KEY[part])),
    )
    for part, schema in SCHEMAS.items()
}
"""Per part, the record's own columns (the key first), without its links."""


@dataclass(slots=True)
class Related:
    """The records of each part (plain dicts), as exported or as read from a file."""

    parts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.parts.get(p) for p in PARTS)

    def count(self) -> int:
        """How many records all parts hold."""
        return sum(len(v) for v in self.parts.values())


def columns(part: str) -> list[str]:
    """The columns of a part as exports write them: own fields, then link lists."""
    return [*FIELDS[part], *LINK_FIELDS[part]]


def collect(
    session: Session,
    *,
    statuses: Collection[Status] = (Status.draft, Status.published),
    theme: str | None = None,
) -> Related:
    """What to export beside the sites an export of `statuses` (and `theme`) writes.

    Stories of those statuses; with a theme, only the stories and events about an exported
    site, and the people they name. Links to sites, stories or events left out of the export
    are dropped, and only sources that exported records cite go along, so a public download
    shows nothing of drafts. Every theme goes along (sites name theirs by slug).
    """
    sites = select(Site.id).where(col(Site.status).in_(list(statuses)))
    if theme is not None:
        themed = (
            select(SiteTheme.site_id)
            .join(Theme, col(Theme.id) == SiteTheme.theme_id)
            .where(Theme.slug == theme)
        )
        sites = sites.where(col(Site.id).in_(themed))
    site_slug = _slugs(session, select(Site.id, Site.slug).where(col(Site.id).in_(sites)))
    story_sites = _pairs(
        session,
        select(StorySite.story_id, StorySite.site_id).where(col(StorySite.site_id).in_(sites)),
    )
    event_sites = _pairs(
        session,
        select(EventSite.event_id, EventSite.site_id).where(col(EventSite.site_id).in_(sites)),
    )
    stories = [
        s
        for s in session.exec(
            select(Story).where(col(Story.status).in_(list(statuses))).order_by(col(Story.id))
        )
        if theme is None or s.id in story_sites
    ]
    story_ids = {int(s.id or 0) for s in stories}
    story_events = _pairs(session, select(StoryEvent.story_id, StoryEvent.event_id))
    story_people = _pairs(session, select(StoryPerson.story_id, StoryPerson.person_id))
    event_people = _pairs(session, select(EventPerson.event_id, EventPerson.person_id))
    events = [
        e
        for e in session.exec(select(Event).order_by(col(Event.id)))
        if theme is None
        or e.id in event_sites
        or any(e.id in story_events.get(s, ()) for s in story_ids)
    ]
    event_ids = {int(e.id or 0) for e in events}
    named = {p for s in story_ids for p in story_people.get(s, ())}
    named |= {p for e in event_ids for p in event_people.get(e, ())}
    people = [
        p
        for p in session.exec(select(Person).order_by(col(Person.id)))
        if theme is None or p.id in named
    ]
    person_slug = {int(p.id or 0): p.slug for p in people}
    event_slug = {int(e.id or 0): e.slug for e in events}
    cited = _citations(session)
    site_cited = _pairs(
        session,
        select(Citation.entity_id, Citation.source_id).where(
            Citation.entity == "site", col(Citation.entity_id).in_(sites)
        ),
    )
    out: dict[str, list[dict[str, Any]]] = {p: [] for p in PARTS}
    used: set[int] = {s for ids in site_cited.values() for s in ids}
    for p in people:
        used.update(cited["person"].get(int(p.id or 0), ()))
    for e in events:
        used.update(cited["event"].get(int(e.id or 0), ()))
    for s in stories:
        used.update(cited["story"].get(int(s.id or 0), ()))
    sources = {int(s.id or 0): s for s in session.exec(select(Source).order_by(col(Source.id)))}
    key_of = {sid: s.key for sid, s in sources.items()}
    out["sources"] = [_own("sources", s) for sid, s in sources.items() if sid in used]
    out["themes"] = [
        _own("themes", t) for t in session.exec(select(Theme).order_by(col(Theme.slug)))
    ]
    for p in people:
        pid = int(p.id or 0)
        out["people"].append(
            {**_own("people", p), "sources": [key_of[i] for i in cited["person"].get(pid, ())]}
        )
    for e in events:
        eid = int(e.id or 0)
        out["events"].append(
            {
                **_own("events", e),
                "sites": sorted(site_slug[i] for i in event_sites.get(eid, ()) if i in site_slug),
                "people": sorted(
                    person_slug[i] for i in event_people.get(eid, ()) if i in person_slug
                ),
                "sources": [key_of[i] for i in cited["event"].get(eid, ())],
            }
        )
    for s in stories:
        sid = int(s.id or 0)
        out["stories"].append(
            {
                **_own("stories", s),
                "sites": sorted(site_slug[i] for i in story_sites.get(sid, ()) if i in site_slug),
                "people": sorted(
                    person_slug[i] for i in story_people.get(sid, ()) if i in person_slug
                ),
                "events": sorted(
                    event_slug[i] for i in story_events.get(sid, ()) if i in event_slug
                ),
                "sources": [key_of[i] for i in cited["story"].get(sid, ())],
            }
        )
    return Related(out)


def _own(part: str, record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in FIELDS[part]:
        value = getattr(record, name)
        if hasattr(value, "value"):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        out[name] = value
    return out


def _slugs(session: Session, stmt: Any) -> dict[int, str]:
    return {int(i): s for i, s in session.exec(stmt)}


def _pairs(session: Session, stmt: Any) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for a, b in session.exec(stmt):
        out[int(a)].append(int(b))
    return out


def _citations(session: Session) -> dict[str, dict[int, list[int]]]:
    """Source ids cited by each person, event and story, in citation order."""
    out: dict[str, dict[int, list[int]]] = {
        e: defaultdict(list) for e in ("person", "event", "story")
    }
    stmt = (
        select(Citation.entity, Citation.entity_id, Citation.source_id)
        .where(col(Citation.entity).in_(list(out)))
        .order_by(col(Citation.id))
    )
    for entity, entity_id, source_id in session.exec(stmt):
        out[entity][entity_id].append(source_id)
    return out
