"""The registry's tables (SQLModel): sites, sources, themes, stories, people, events, routes
and lessons, one class per concept, with the column helpers every table module shares.

Beside them: `account_tables` (staff, tokens, the audit log), `attachment_tables` (media and
feedback attached to a record), `state_tables` (installation facts, the search index) and
`class_tables` (field classes); `redres.tables` lists them all for the migrations.

Validation of user input happens in `schemas.py`; these classes describe storage only.
Coordinates are WGS-84 lon/lat columns on every engine; on PostgreSQL the migration adds a
generated PostGIS point with GiST indexes so bbox and radius queries are indexed there too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from redres.catalog import versions
from redres.catalog.enums import (
    Category,
    Condition,
    CourseFormat,
    Period,
    Protection,
    Reservation,
    RouteKind,
    Status,
    TravelMode,
)


def utcnow() -> datetime:
    """Timestamps are stored in UTC."""
    return datetime.now(UTC)


def pk(record: SQLModel) -> int:
    """The primary key of a record that has been flushed; an error before that."""
    value = getattr(record, "id", None)
    if value is None:
        msg = f"{type(record).__name__} has no id yet; flush the session first"
        raise ValueError(msg)
    return int(value)


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))


def enum_field(length: int = 32, **kw: Any) -> Any:
    """A `StrEnum` column stored as its value in a short string (portable across engines)."""
    return Field(sa_type=String(length), **kw)


def _version() -> Any:
    """A counter that moves on with every change of the record (`catalog.versions`): ETags and
    If-Match compare it, so two editors cannot silently overwrite each other."""
    return Field(default=1, sa_column_kwargs={"server_default": "1"})


class Site(SQLModel, table=True):
    """A red resource: the unit of the registry (名录)."""

    __table_args__ = (
        Index("ix_site_lat_lon", "lat", "lon"),
        Index("ix_site_category_status_name", "category", "status", "name", "id"),
        Index("ix_site_status_lat_lon", "status", "lat", "lon", "id"),  # the map's tiles
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    code: str | None = Field(default=None, max_length=64, unique=True)
    name: str = Field(max_length=200, index=True)
    name_en: str | None = Field(default=None, max_length=300)
    aliases: list[str] = _json_list()
    category: Category = enum_field(index=True)
    period: Period | None = enum_field(default=None, nullable=True, index=True)
    years: str | None = Field(default=None, max_length=32)
    protection: Protection | None = enum_field(default=None, nullable=True, index=True)
    designations: list[str] = _json_list()
    district: str | None = Field(default=None, max_length=100, index=True)
    address: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, max_length=2000)
    """A short description of the site (简介), plain text."""
    summary_en: str | None = Field(default=None, max_length=2000)
    lon: float | None = None
    lat: float | None = None
    point_source: str | None = Field(default=None, max_length=300)
    """Where the point came from (a survey, a map service, a third-party list): the truth of
    the record travels with it."""
    point_crs: str | None = Field(default=None, max_length=32)
    """The coordinate system the point was given in (`wgs84`, `gcj02`, `bd09`, `EPSG:n`); it is
    stored converted to WGS-84."""
    point_note: str | None = Field(default=None, max_length=500)
    point_approximate: bool = False
    """A point known to be rough (a geocoder's fallback shared by several sites, a town
    centre): shown as approximate, never as the exact place."""
    footprint: str | None = None  # GeoJSON geometry text (boundary or protection zone)
    opening_hours: str | None = Field(default=None, max_length=500)
    hours_note: str | None = Field(default=None, max_length=1000)
    """A remark on the hours in Chinese (the reader's first language); `hours_note_en` in English."""
    hours_note_en: str | None = Field(default=None, max_length=1000)
    closures: list[dict[str, Any]] = _json_list()
    """Temporary closures ``{start, end, note}`` (ISO dates, end null = until further notice):
    `hours.closures` reads and checks them."""
    last_entry_minutes: int | None = None
    reservation: Reservation | None = enum_field(default=None, nullable=True)
    reservation_days: int | None = None
    capacity: int | None = None
    visit_minutes: int | None = None
    ticket_price: float | None = None
    """Ticket price per person in CNY (0: free; None: not recorded); what the planner's ticket
    budget counts. Reservation and ID rules stay in `reservation` and `admission`."""
    admission: str | None = Field(default=None, max_length=300)
    accessibility: str | None = Field(default=None, max_length=500)
    contact: str | None = Field(default=None, max_length=300)
    condition: Condition | None = enum_field(default=None, nullable=True)
    survey_date: date | None = None
    surveyor: str | None = Field(default=None, max_length=100)
    ownership: str | None = Field(default=None, max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    status: Status = enum_field(default=Status.draft, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = _version()


class Source(SQLModel, table=True):
    """A publication or web page that a fact was taken from."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True, index=True)
    title: str = Field(max_length=500)
    url: str | None = Field(default=None, max_length=1000)
    publisher: str | None = Field(default=None, max_length=200)
    accessed: date | None = None


class Citation(SQLModel, table=True):
    """Links a source to the record it supports (a site, story, person or event)."""

    __table_args__ = (
        UniqueConstraint("source_id", "entity", "entity_id"),
        Index("ix_citation_entity", "entity", "entity_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    entity: str = Field(max_length=16)
    entity_id: int
    note: str | None = Field(default=None, max_length=500)


class Theme(SQLModel, table=True):
    """A theme of study (founding of the Party, martyrs, ...)."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=100)
    name_en: str | None = Field(default=None, max_length=200)
    description: str | None = None
    version: int = _version()


class SiteTheme(SQLModel, table=True):
    """How strongly a site speaks to a theme (0 < weight <= 1); the planner scores with it."""

    site_id: int = Field(foreign_key="site.id", primary_key=True, ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", primary_key=True, ondelete="CASCADE", index=True)
    weight: float = 1.0


class Story(SQLModel, table=True):
    """A told account tied to sites, people and events."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    title: str = Field(max_length=300)
    title_en: str | None = Field(default=None, max_length=300)
    summary: str | None = Field(default=None, max_length=1000)
    """The one-line summary in the story's own language (`language`, Chinese by default)."""
    summary_en: str | None = Field(default=None, max_length=1000)
    body: str = ""
    audience: str = Field(default="general", max_length=32)
    language: str = Field(default="zh", max_length=16)
    status: Status = enum_field(default=Status.draft, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = _version()


class Person(SQLModel, table=True):
    """A person tied to the registry's stories and events."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    born: str | None = Field(default=None, max_length=10)
    died: str | None = Field(default=None, max_length=10)
    summary: str | None = None
    version: int = _version()


class Event(SQLModel, table=True):
    """A historical event; dates may be a year, a month or a day (YYYY[-MM[-DD]])."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    date: str | None = Field(default=None, max_length=10)
    end_date: str | None = Field(default=None, max_length=10)
    summary: str | None = None
    version: int = _version()


class StorySite(SQLModel, table=True):
    """Which sites a story is about."""

    story_id: int = Field(foreign_key="story.id", primary_key=True, ondelete="CASCADE")
    site_id: int = Field(foreign_key="site.id", primary_key=True, ondelete="CASCADE", index=True)


class StoryPerson(SQLModel, table=True):
    """Which people a story tells of."""

    story_id: int = Field(foreign_key="story.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")


class StoryEvent(SQLModel, table=True):
    """Which events a story tells of."""

    story_id: int = Field(foreign_key="story.id", primary_key=True, ondelete="CASCADE")
    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")


class EventSite(SQLModel, table=True):
    """Where an event took place."""

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    site_id: int = Field(foreign_key="site.id", primary_key=True, ondelete="CASCADE", index=True)


class EventPerson(SQLModel, table=True):
    """Who took part in an event."""

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")


class Route(SQLModel, table=True):
    """A study route: curated by an editor or planned by the solver."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    name: str = Field(max_length=200)
    name_en: str | None = Field(default=None, max_length=300)
    description: str | None = None
    description_en: str | None = None
    """The description in English, where someone wrote one (pages never show the Chinese instead)."""
    kind: RouteKind = enum_field(default=RouteKind.curated)
    theme_id: int | None = Field(default=None, foreign_key="theme.id")
    days: int = 1
    mode: TravelMode = enum_field(default=TravelMode.walk)
    status: Status = enum_field(default=Status.draft, index=True)
    owner_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    share_token: str | None = Field(default=None, max_length=64, unique=True)
    """Anyone holding this unguessable token may read the route (a link a teacher sends)."""
    plan: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """The plan request a saved plan came from (themes, date, days, window, lunch, group size,
    mode, start, end, ...), so the route is timed as that plan was; None for curated routes."""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = _version()


class RouteStop(SQLModel, table=True):
    """One stop of a route, in day and order."""

    __table_args__ = (UniqueConstraint("route_id", "day", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    route_id: int = Field(foreign_key="route.id", ondelete="CASCADE", index=True)
    day: int = 1
    position: int
    site_id: int = Field(foreign_key="site.id")
    minutes: int | None = None
    note: str | None = None
    note_en: str | None = None
    """The lesson note in English, where someone wrote one."""


class Instructor(SQLModel, table=True):
    """A teacher of on-site lessons (师资); phone and email are for signed-in staff only."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    unit: str | None = Field(default=None, max_length=200)
    """The instructor's unit (工作单位), e.g. a party school or memorial hall."""
    title: str | None = Field(default=None, max_length=100)
    """Job or academic title (职称/职务)."""
    topics: str | None = Field(default=None, max_length=500)
    """What they teach (研究与授课方向)."""
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    version: int = _version()


class Course(SQLModel, table=True):
    """An on-site lesson (现场教学) at a site, on a route, or at a route's stop (both set)."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    site_id: int | None = Field(default=None, foreign_key="site.id", index=True)
    route_id: int | None = Field(default=None, foreign_key="route.id", index=True)
    format: CourseFormat = enum_field(default=CourseFormat.on_site_lecture)
    duration_minutes: int | None = None
    audience: str | None = Field(default=None, max_length=200)
    outline: str | None = None
    """Markdown, rendered sanitised on pages."""
    status: Status = enum_field(default=Status.draft)
    version: int = _version()


class CourseInstructor(SQLModel, table=True):
    """Who teaches a course, in the order the editor listed them."""

    course_id: int = Field(foreign_key="course.id", ondelete="CASCADE", primary_key=True)
    instructor_id: int = Field(foreign_key="instructor.id", primary_key=True, index=True)
    position: int = 1


VERSIONED: tuple[type[SQLModel], ...] = (
    Site,
    Story,
    Person,
    Event,
    Theme,
    Route,
    Course,
    Instructor,
)
"""The records editors change through the API and the forms; each carries a `version`."""

versions.count_changes(VERSIONED)
