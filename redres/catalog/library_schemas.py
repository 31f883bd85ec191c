"""What the resource library takes in and gives out: courses and instructors as the API and the
editor forms validate them, and the shapes readers are sent (contacts in the staff shape only)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from redres.catalog.enums import CourseFormat, Status
from redres.messages import Message
from redres.plain_text import PlainTextModel

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Outline = Annotated[str, StringConstraints(max_length=10_000)]
Audience = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Minutes = Annotated[int, Field(ge=5, le=600)]
InstructorIds = Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=10)]

_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{3,30}[0-9](?:\s*(?:转|ext\.?)\s*[0-9]{1,6})?")
_EMAIL = re.compile(r"[^@\s<>\"']{1,64}@[^@\s<>\"']+\.[^@\s<>\"']{2,}")


class CourseFields(PlainTextModel):
    """The fields of a course both a creation and a change may set."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outline: Outline | None = None
    duration_minutes: Minutes | None = None
    audience: Audience | None = None
    site: Ref | None = None
    """Slug of the site it is taught at (with `route`: the route's stop at that site)."""
    route: Ref | None = None
    instructors: InstructorIds | None = None
    """Ids of who teaches it, in order; an id twice is refused."""

    @field_validator("instructors")
    @classmethod
    def _each_once(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError(Message("e_instructor_twice"))
        return value


class CourseCreate(CourseFields):
    """A new course: at a site, on a route, or at a route's stop (`route` with `site` or `stop`).

    `instructor` (one id) and `stop` (the n-th stop of `route`, counting through the days) are
    accepted for clients written before courses had several instructors and named the site.
    """

    title: Title
    format: CourseFormat = CourseFormat.on_site_lecture
    status: Status = Status.published
    """Published unless said otherwise, as the API always did (the editor form starts a draft)."""
    stop: Annotated[int, Field(ge=1, le=200)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_instructor(cls, data: Any) -> Any:
        if isinstance(data, dict) and "instructor" in data:
            data = dict(data)
            one = data.pop("instructor")
            if "instructors" in data:
                raise ValueError(Message("e_instructor_and_instructors"))
            data["instructors"] = [] if one is None else [one]
        return data

    @model_validator(mode="after")
    def _placed(self) -> CourseCreate:
        check_place(self.site, self.route, self.stop)
        return self


class CourseUpdate(CourseFields):
    """A partial change of a course; a field sent as null is cleared (the title cannot be)."""

    title: Title | None = None
    format: CourseFormat | None = None
    status: Status | None = None

    @field_validator("title", "format", "status")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(Message("e_not_null"))
        return value


def check_place(site: str | None, route: str | None, stop: int | None) -> None:
    """Refuse a course taught nowhere, or a stop number without its route or beside a site.

    Raises
    ------
    ValueError
        With the `Message` that says what to give.
    """
    if site is None and route is None:
        raise ValueError(Message("e_course_place"))
    if stop is not None and (route is None or site is not None):
        raise ValueError(Message("e_course_stop"))


class InstructorFields(PlainTextModel):
    """An instructor's fields; `phone` and `email` are shown to signed-in staff only.

    `organisation`, `expertise` and a free-text `contact` (an email when it holds an @, else a
    phone number) are accepted for clients written before the fields had their names.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    unit: Annotated[str, StringConstraints(max_length=200)] | None = None
    title: Annotated[str, StringConstraints(max_length=100)] | None = None
    topics: Annotated[str, StringConstraints(max_length=500)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    email: Annotated[str, StringConstraints(max_length=200)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for old, new in (("organisation", "unit"), ("expertise", "topics")):
            if old in data:
                data.setdefault(new, data.pop(old))
        if "contact" in data:
            contact = data.pop("contact")
            if isinstance(contact, str) and contact.strip():
                data.setdefault("email" if "@" in contact else "phone", contact)
        return data

    @field_validator("unit", "title", "topics", "phone", "email", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("phone", mode="after")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.fullmatch(value):
            raise ValueError(Message("e_phone", value=value))
        return value

    @field_validator("email", mode="after")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.fullmatch(value):
            raise ValueError(Message("e_email", value=value))
        return value


class InstructorCreate(InstructorFields):
    """A new instructor."""

    name: Name


class InstructorUpdate(InstructorFields):
    """A partial change of an instructor; a field sent as null is cleared (the name cannot be)."""

    name: Name | None = None

    @field_validator("name")
    @classmethod
    def _not_null(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError(Message("e_not_null"))
        return value


class InstructorBrief(BaseModel):
    """An instructor as a course shows them to everyone: no contacts, ever."""

    id: int
    name: str
    unit: str | None
    title: str | None


class InstructorPublic(InstructorBrief):
    """An instructor as anonymous readers see them."""

    topics: str | None


class InstructorStaff(InstructorPublic):
    """An instructor as signed-in staff (teachers, editors, admins) see them."""

    phone: str | None
    email: str | None


class CoursePublic(BaseModel):
    """A course as readers see it; the instructors without their contacts."""

    id: int
    title: str
    outline: str | None
    duration_minutes: int | None
    audience: str | None
    format: CourseFormat
    site: str | None
    site_name: str | None
    route: str | None
    route_name: str | None
    instructors: list[InstructorBrief]
    status: Status


class CourseList(BaseModel):
    """A list of courses, as every list of the API: the items and how many."""

    data: list[CoursePublic]
    total: int


class InstructorList(BaseModel):
    """A list of instructors; staff lists carry `phone` and `email` on each."""

    data: list[InstructorStaff] | list[InstructorPublic]
    total: int
