"""The resource library: on-site lessons (现场教学) and the instructors who teach them.

Who sees what. A course is public when it is published and so are its site and its route
(whichever it has); staff see every course, a teacher also those on their own routes. An
instructor has no publishing state of their own: anonymous readers see those who teach a course
they may see, never phone or email; everyone signed in (teachers, editors, admins) sees every
instructor with contacts, since teachers book instructors for their classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, delete, or_, select

from redres.catalog import audit, versions
from redres.catalog.account_tables import User
from redres.catalog.enums import Role
from redres.catalog.errors import Conflict, InvalidQuery, NotFound
from redres.catalog.library_schemas import (
    CourseCreate,
    CoursePublic,
    CourseUpdate,
    InstructorBrief,
    InstructorCreate,
    InstructorPublic,
    InstructorStaff,
    InstructorUpdate,
    check_place,
)
from redres.catalog.models import Course, CourseInstructor, Instructor, Route, RouteStop, Site, pk
from redres.catalog.route_access import Reader, readable
from redres.messages import Message

CONTACT_ROLES = frozenset({Role.admin, Role.editor, Role.teacher})
"""Roles that see instructors' phone and email."""


@dataclass(frozen=True, slots=True)
class LibraryReader:
    """Who reads the library: as a route reader (which courses), and whether they see contacts."""

    reader: Reader
    contacts: bool = False

    @classmethod
    def of(cls, user: User | None) -> LibraryReader:
        """The library reader for an account, or the anonymous one."""
        return cls(Reader.of(user), user is not None and user.role in CONTACT_ROLES)


class InvalidCourse(InvalidQuery):
    """A change that would leave a course taught nowhere (HTTP 422)."""


def create_instructor(session: Session, data: InstructorCreate, *, actor: str) -> Instructor:
    """Add an instructor to the library."""
    instructor = Instructor(**data.model_dump())
    session.add(instructor)
    session.flush()
    _record(session, instructor, "create", None, actor)
    return instructor


def update_instructor(
    session: Session, instructor: Instructor, data: InstructorUpdate, *, actor: str
) -> Instructor:
    """Change the fields `data` sets (a null clears one); the version moves on if any changed."""
    before = audit.snapshot(instructor)
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(instructor, name, value)
    session.add(instructor)
    session.flush()
    _record(session, instructor, "update", before, actor)
    return instructor


def get_instructor(session: Session, instructor_id: int, who: LibraryReader) -> Instructor:
    """One instructor `who` may see.

    Raises
    ------
    NotFound
        When there is none, or `who` may not see them (never said apart).
    """
    instructor = session.get(Instructor, instructor_id)
    if instructor is None or not (who.contacts or _teaches_seen(session, instructor_id, who)):
        raise NotFound("instructor", instructor_id)  # noqa: EM101 (an entity name)
    return instructor


def list_instructors(session: Session, who: LibraryReader) -> list[Instructor]:
    """Instructors by name: all for signed-in staff, else those who teach a course `who` sees."""
    stmt = select(Instructor).order_by(col(Instructor.name), col(Instructor.id))
    if not who.contacts:
        stmt = stmt.where(col(Instructor.id).in_(_seen_teachers(who.reader)))
    return list(session.exec(stmt))


def instructor_view(instructor: Instructor, *, contacts: bool) -> InstructorPublic:
    """An instructor in the reader's shape: with phone and email only when `contacts`."""
    shape = InstructorStaff if contacts else InstructorPublic
    return shape.model_validate(instructor, from_attributes=True)


def create_course(session: Session, data: CourseCreate, *, actor: str) -> Course:
    """Add a course; its site, route (with the site as a stop) and instructors must exist.

    Raises
    ------
    NotFound
        When the site, route or an instructor is unknown.
    Conflict
        When the site is not a stop of the route, or the route has no such stop.
    """
    site_id, route_id = _place(session, data.site, data.route, data.stop)
    course = Course(
        title=data.title,
        outline=data.outline,
        duration_minutes=data.duration_minutes,
        audience=data.audience or None,
        format=data.format,
        status=data.status,
        site_id=site_id,
        route_id=route_id,
    )
    session.add(course)
    session.flush()
    _link(session, course, data.instructors or [])
    _record(session, course, "create", None, actor)
    return course


def update_course(session: Session, course: Course, data: CourseUpdate, *, actor: str) -> Course:
    """Change the fields `data` sets; a null clears one, but a course stays taught somewhere.

    Raises
    ------
    InvalidCourse
        When the change would leave it at neither a site nor a route.
    NotFound, Conflict
        As for `create_course`.
    """
    before = audit.snapshot(course) | {"instructors": _teacher_ids(session, course)}
    fields = data.model_dump(exclude_unset=True)
    if "site" in fields or "route" in fields:
        site, route = _slugs(session, course)
        site = fields.pop("site", site)
        route = fields.pop("route", route)
        try:
            check_place(site, route, None)
        except ValueError as exc:
            raise InvalidCourse(*exc.args) from None
        course.site_id, course.route_id = _place(session, site, route, None)
    if "instructors" in fields:
        _link(session, course, fields.pop("instructors") or [])
    for name, value in fields.items():
        setattr(course, name, value)
    session.add(course)
    session.flush()
    after = audit.snapshot(course) | {"instructors": _teacher_ids(session, course)}
    if after != before:
        if after["instructors"] != before["instructors"]:
            versions.bump(course)
        audit.record(
            session,
            entity="course",
            entity_id=pk(course),
            action="update",
            actor=actor,
            before=before,
            after=after,
        )
    return course


def get_course(session: Session, course_id: int, reader: Reader) -> Course:
    """One course `reader` may see.

    Raises
    ------
    NotFound
        When there is none, or `reader` may not see it (never said apart).
    """
    found = session.exec(
        select(Course).where(Course.id == course_id, *_seen_courses(reader))
    ).first()
    if found is None:
        raise NotFound("course", course_id)  # noqa: EM101 (an entity name)
    return found


def list_courses(
    session: Session,
    reader: Reader,
    *,
    site: str | None = None,
    route: str | None = None,
    instructor: int | None = None,
) -> list[CoursePublic]:
    """Courses `reader` may see by title, optionally at one site, on one route, or by one
    instructor; a filter on a hidden site or route finds nothing, as for one that does not exist.
    """
    stmt = select(Course).where(*_seen_courses(reader)).order_by(col(Course.title), col(Course.id))
    if site is not None:
        stmt = stmt.where(col(Course.site_id).in_(select(Site.id).where(Site.slug == site)))
    if route is not None:
        stmt = stmt.where(col(Course.route_id).in_(select(Route.id).where(Route.slug == route)))
    if instructor is not None:
        taught = select(CourseInstructor.course_id).where(
            CourseInstructor.instructor_id == instructor
        )
        stmt = stmt.where(col(Course.id).in_(taught))
    return course_views(session, list(session.exec(stmt)))


def course_views(session: Session, courses: list[Course]) -> list[CoursePublic]:
    """Courses in the readers' shape, with their site, route and instructors (four queries)."""
    site_ids = {c.site_id for c in courses if c.site_id}
    route_ids = {c.route_id for c in courses if c.route_id}
    sites = {s.id: s for s in session.exec(select(Site).where(col(Site.id).in_(site_ids)))}
    routes = {r.id: r for r in session.exec(select(Route).where(col(Route.id).in_(route_ids)))}
    teachers: dict[int, list[InstructorBrief]] = {}
    rows = session.exec(
        select(CourseInstructor.course_id, Instructor)
        .join(Instructor, col(Instructor.id) == CourseInstructor.instructor_id)
        .where(col(CourseInstructor.course_id).in_([pk(c) for c in courses]))
        .order_by(col(CourseInstructor.position))
    )
    for course_id, teacher in rows:
        brief = InstructorBrief.model_validate(teacher, from_attributes=True)
        teachers.setdefault(course_id, []).append(brief)
    views = []
    for c in courses:
        site = sites.get(c.site_id) if c.site_id else None
        route = routes.get(c.route_id) if c.route_id else None
        views.append(
            CoursePublic(
                id=pk(c),
                title=c.title,
                outline=c.outline,
                duration_minutes=c.duration_minutes,
                audience=c.audience,
                format=c.format,
                site=site.slug if site else None,
                site_name=site.name if site else None,
                route=route.slug if route else None,
                route_name=route.name if route else None,
                instructors=teachers.get(pk(c), []),
                status=c.status,
            )
        )
    return views


def _place(
    session: Session, site: str | None, route: str | None, stop: int | None
) -> tuple[int | None, int | None]:
    """The site and route ids of a course's place; a stop number becomes the stop's site."""
    site_id = route_id = None
    if site is not None:
        found = session.exec(select(Site).where(Site.slug == site)).first()
        if found is None:
            raise NotFound("site", site)  # noqa: EM101 (an entity name)
        site_id = pk(found)
    if route is not None:
        on = session.exec(select(Route).where(Route.slug == route)).first()
        if on is None:
            raise NotFound("route", route)  # noqa: EM101 (an entity name)
        route_id = pk(on)
        stops = list(
            session.exec(
                select(RouteStop.site_id)
                .where(RouteStop.route_id == route_id)
                .order_by(col(RouteStop.day), col(RouteStop.position))
            )
        )
        if stop is not None:
            if stop > len(stops):
                raise Conflict(Message("e_no_stop", route=route, stop=stop))
            site_id = stops[stop - 1]
        elif site_id is not None and site_id not in stops:
            raise Conflict(Message("e_not_a_stop", site=site, route=route))
    return site_id, route_id


def _link(session: Session, course: Course, instructor_ids: list[int]) -> None:
    """Make `instructor_ids` (in order) the course's instructors."""
    for instructor_id in instructor_ids:
        if session.get(Instructor, instructor_id) is None:
            raise NotFound("instructor", instructor_id)  # noqa: EM101 (an entity name)
    session.exec(delete(CourseInstructor).where(col(CourseInstructor.course_id) == pk(course)))
    for position, instructor_id in enumerate(instructor_ids, start=1):
        session.add(
            CourseInstructor(course_id=pk(course), instructor_id=instructor_id, position=position)
        )
    session.flush()


def _teacher_ids(session: Session, course: Course) -> list[int]:
    return list(
        session.exec(
            select(CourseInstructor.instructor_id)
            .where(CourseInstructor.course_id == pk(course))
            .order_by(col(CourseInstructor.position))
        )
    )


def _slugs(session: Session, course: Course) -> tuple[str | None, str | None]:
    site = session.get(Site, course.site_id) if course.site_id else None
    route = session.get(Route, course.route_id) if course.route_id else None
    return (site.slug if site else None, route.slug if route else None)


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


def _seen_teachers(reader: Reader) -> Any:
    """The ids of instructors who teach a course `reader` may see."""
    seen = select(Course.id).where(*_seen_courses(reader))
    return select(CourseInstructor.instructor_id).where(col(CourseInstructor.course_id).in_(seen))


def _teaches_seen(session: Session, instructor_id: int, who: LibraryReader) -> bool:
    found = session.exec(
        select(CourseInstructor.instructor_id).where(
            CourseInstructor.instructor_id == instructor_id,
            col(CourseInstructor.instructor_id).in_(_seen_teachers(who.reader)),
        )
    ).first()
    return found is not None


def _record(
    session: Session, record: Course | Instructor, action: str, before: Any, actor: str
) -> None:
    after = audit.snapshot(record)
    if action == "update" and after == before:
        return
    audit.record(
        session,
        entity=type(record).__name__.lower(),
        entity_id=pk(record),
        action=action,
        actor=actor,
        before=before,
        after=after,
    )
