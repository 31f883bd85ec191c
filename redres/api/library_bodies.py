"""The JSON of the resource library, visitors' feedback and the commemoration calendar, as
pydantic models for /openapi.json.

The catalogue builds these answers as dicts; the models name their keys. Keys shown to some
readers only (an instructor's contact, for staff) are optional: endpoints answering with them
drop what the catalogue left out (`response_model_exclude_unset`), never add it as null.
"""

from __future__ import annotations

from pydantic import BaseModel

from redres.catalog.enums import CourseFormat, FeedbackStatus, Status


class CourseBody(BaseModel):
    """An on-site lesson on a site or a stop of a route."""

    id: int | None
    title: str
    site: str | None
    route: str | None
    stop: int | None
    format: CourseFormat
    duration_minutes: int | None
    instructor: int | None
    outline: str | None
    status: Status


class CourseList(BaseModel):
    """The lessons the reader may see, and how many."""

    data: list[CourseBody]
    total: int


class InstructorBody(BaseModel):
    """A teacher of on-site lessons; `contact` for staff only."""

    id: int | None
    name: str
    organisation: str | None
    expertise: str | None
    contact: str | None = None


class InstructorList(BaseModel):
    """The instructors the reader may see, and how many."""

    data: list[InstructorBody]
    total: int


class FeedbackState(BaseModel):
    """Where a rating and comment stand in moderation."""

    id: int | None
    status: FeedbackStatus


class FeedbackItem(BaseModel):
    """A rating and comment on a site or route."""

    id: int | None
    target: str
    slug: str
    rating: int
    comment: str | None
    status: FeedbackStatus
    created_at: str


class FeedbackList(BaseModel):
    """Feedback in one moderation state, newest first, and how many."""

    data: list[FeedbackItem]
    total: int


class CalendarFeature(BaseModel):
    """A site, person, event or story to visit or tell on a day; `site` names the page of a
    story."""

    kind: str
    slug: str
    name: str
    site: str | None = None


class CalendarEntryBody(BaseModel):
    """A commemoration: statutory, or an anniversary of an event or a person."""

    date: str | None
    kind: str
    key: str
    name: str
    years: int | None
    round: bool
    major: bool
    features: list[CalendarFeature]


class CalendarBody(BaseModel):
    """The commemorations of one year."""

    year: int
    entries: list[CalendarEntryBody]
