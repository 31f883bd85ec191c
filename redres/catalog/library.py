"""The resource library: on-site lessons (现场教学) and the instructors who teach them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlmodel import Session, col, or_, select

from redres.catalog import audit
from redres.catalog.enums import CourseFormat, Status
from redres.catalog.errors import Conflict, NotFound
from redres.catalog.models import Course, Instructor, Route, RouteStop, Site, pk
from redres.catalog.route_access import Reader, readable

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class InstructorCreate(BaseModel):
    """A new instructor; `contact` is shown to staff only."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    organisation: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None
    ) = None
    expertise: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = (
        None
    )
    contact: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class CourseCreate(BaseModel):
    """A lesson on a site, or on a route (optionally at one stop of it)."""

    model_config = ConfigDict(extra="forbid")

    title: Text200
    site: Annotated[str, StringConstraints(max_length=120)] | None = None
    route: Annotated[str, StringConstraints(max_length=120)] | None = None
    stop: Annotated[int, Field(ge=1, le=200)] | None = None
    format: CourseFormat = CourseFormat.on_site_lecture
    duration_minutes: Annotated[int, Field(ge=5, le=600)] | None = None
    instructor: int | None = None
    outline: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    status: Status = Status.published

    @model_validator(mode="after")
    def _one_target(self) -> CourseCreate:
        if (self.site is None) == (self.route is None):
            msg = "a course is on exactly one of `site` or `route`"
            raise ValueError(msg)
        if self.stop is not None and self.route is None:
            msg = "`stop` needs `route`"
            raise ValueError(msg)
        return self


def create_instructor(session: Session, data: InstructorCreate, *, actor: str) -> Instructor:
    """Add an instructor to the library."""
    instructor = Instructor(**data.model_dump())
    session.add(instructor)
    session.flush()
    audit.record(
        session,
        entity="instructor",
        entity_id=pk(instructor),
        action="create",
        actor=actor,
        before=None,
        after=audit.snapshot(instructor),
    )
    return instructor


def list_instructors(session: Session, reader: Reader) -> list[Instructor]:
    """Instructors by name: staff see all, others those who teach a course they may see.

    An instructor has no publishing state of their own; they are public through the published
    lessons they give, so one booked only for a draft never shows (nor hints at the draft).
    """
    stmt = select(Instructor).order_by(col(Instructor.name), col(Instructor.id))
    if not reader.staff:
        teaching = select(Course.instructor_id).where(*_seen_courses(reader))
        stmt = stmt.where(col(Instructor.id).in_(teaching))
    return list(session.exec(stmt))


def create_course(session: Session, data: CourseCreate, *, actor: str) -> Course:
    """Add a lesson; its site, route, stop and instructor must exist.

    Raises
    ------
    NotFound
        When the site, route or instructor is unknown.
    Conflict
        When the route has no such stop.
    """
    site_id = route_id = None
    if data.site is not None:
        site = session.exec(select(Site).where(Site.slug == data.site)).first()
        if site is None:
            raise NotFound("site", data.site)  # noqa: EM101 (an entity name)
        site_id = pk(site)
    if data.route is not None:
        route = session.exec(select(Route).where(Route.slug == data.route)).first()
        if route is None:
            raise NotFound("route", data.route)  # noqa: EM101 (an entity name)
        route_id = pk(route)
        if data.stop is not None and _stop_count(session, route_id) < data.stop:
            msg = f"route {data.route!r} has no stop {data.stop}"
            raise Conflict(msg)
    if data.instructor is not None and session.get(Instructor, data.instructor) is None:
        raise NotFound("instructor", data.instructor)  # noqa: EM101 (an entity name)
    course = Course(
        title=data.title,
        site_id=site_id,
        route_id=route_id,
        stop=data.stop,
        format=data.format,
        duration_minutes=data.duration_minutes,
        instructor_id=data.instructor,
        outline=data.outline,
        status=data.status,
    )
    session.add(course)
    session.flush()
    audit.record(
        session,
        entity="course",
        entity_id=pk(course),
        action="create",
        actor=actor,
        before=None,
        after=audit.snapshot(course),
    )
    return course


def list_courses(
    session: Session,
    reader: Reader,
    *,
    site: str | None = None,
    route: str | None = None,
) -> list[dict[str, Any]]:
    """Courses `reader` may see, optionally for one site or route, as plain dicts.

    A course shows only when the course, its site and its route are all readable by the
    caller; a filter on a hidden site or route finds nothing, as for one that does not exist.
    """
    stmt = (
        select(Course, Site.slug, Route.slug)
        .join(Site, col(Course.site_id) == Site.id, isouter=True)
        .join(Route, col(Course.route_id) == Route.id, isouter=True)
        .where(*_seen_courses(reader))
        .order_by(col(Course.id))
    )
    if site is not None:
        stmt = stmt.where(Site.slug == site)
    if route is not None:
        stmt = stmt.where(Route.slug == route)
    return [
        course_dict(c, site_slug, route_slug) for c, site_slug, route_slug in session.exec(stmt)
    ]


def course_view(session: Session, course: Course) -> dict[str, Any]:
    """One course with the slugs of its site and route (for the answer to a write)."""
    site = session.get(Site, course.site_id) if course.site_id else None
    route = session.get(Route, course.route_id) if course.route_id else None
    return course_dict(course, site.slug if site else None, route.slug if route else None)


def course_dict(course: Course, site_slug: str | None, route_slug: str | None) -> dict[str, Any]:
    """A course in the JSON shape of DESIGN.md."""
    return {
        "id": course.id,
        "title": course.title,
        "site": site_slug,
        "route": route_slug,
        "stop": course.stop,
        "format": str(course.format),
        "duration_minutes": course.duration_minutes,
        "instructor": course.instructor_id,
        "outline": course.outline,
        "status": str(course.status),
    }


def instructor_dict(instructor: Instructor, *, staff: bool) -> dict[str, Any]:
    """An instructor; the contact only for staff."""
    out = {
        "id": instructor.id,
        "name": instructor.name,
        "organisation": instructor.organisation,
        "expertise": instructor.expertise,
    }
    if staff:
        out["contact"] = instructor.contact
    return out


def _seen_courses(reader: Reader) -> list[Any]:
    """Conditions for the courses `reader` may see: the course, its site and its route."""
    statuses = list(reader.statuses())
    site_ids = select(Site.id).where(col(Site.status).in_(statuses))
    route_ids = select(Route.id).where(readable(reader))
    return [
        col(Course.status).in_(statuses),
        or_(col(Course.site_id).is_(None), col(Course.site_id).in_(site_ids)),
        or_(col(Course.route_id).is_(None), col(Course.route_id).in_(route_ids)),
    ]


def _stop_count(session: Session, route_id: int) -> int:
    return len(session.exec(select(RouteStop.id).where(RouteStop.route_id == route_id)).all())


FORMAT_LABELS = {
    CourseFormat.on_site_lecture: "现场讲解",
    CourseFormat.situational: "情景教学",
    CourseFormat.interview: "访谈教学",
    CourseFormat.audio_visual: "音像教学",
    CourseFormat.other: "其他",
}


def course_plan(
    session: Session, route: Route, *, visible: frozenset[Status]
) -> dict[str, list[str]]:
    """The lessons to give at each stop of a route (site slug -> lines), for the handout.

    A course on the route's n-th stop (counting through the days) and a course on the stop's
    site both belong to that stop.
    """
    rows = session.exec(
        select(Site.id, Site.slug, Site.status)
        .select_from(RouteStop)
        .join(Site, col(Site.id) == RouteStop.site_id)
        .where(RouteStop.route_id == route.id)
        .order_by(col(RouteStop.day), col(RouteStop.position))
    ).all()
    # Stops are numbered as the editor sees the route; stops at hidden sites get no lessons.
    by_number = {
        n: slug for n, (_id, slug, status) in enumerate(rows, start=1) if status in visible
    }
    by_site = {site_id: slug for site_id, slug, status in rows if status in visible}
    courses = session.exec(
        select(Course, Instructor.name)
        .join(Instructor, col(Instructor.id) == Course.instructor_id, isouter=True)
        .where(
            col(Course.status).in_(list(visible)),
            (col(Course.route_id) == route.id) | col(Course.site_id).in_(list(by_site)),
        )
        .order_by(col(Course.id))
    ).all()
    plan: dict[str, list[str]] = {}
    for course, teacher in courses:
        slug = (
            by_number.get(course.stop or 0) if course.route_id else by_site.get(course.site_id or 0)
        )
        if slug is None:
            continue
        details = [FORMAT_LABELS.get(CourseFormat(course.format), str(course.format))]
        if course.duration_minutes:
            details.append(f"{course.duration_minutes}分钟")
        if teacher:
            details.append(f"主讲 {teacher}")
        plan.setdefault(slug, []).append(f"{course.title}（{'，'.join(details)}）")
    return plan
