"""The resource library over HTTP: courses and instructors; editors write, contacts for staff."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, SessionDep, UserDep
from redres.catalog.library import (
    LibraryReader,
    course_views,
    create_course,
    create_instructor,
    get_course,
    get_instructor,
    instructor_view,
    list_courses,
    list_instructors,
    update_course,
    update_instructor,
)
from redres.catalog.library_schemas import (
    CourseCreate,
    CourseList,
    CoursePublic,
    CourseUpdate,
    InstructorCreate,
    InstructorList,
    InstructorStaff,
    InstructorUpdate,
)
from redres.catalog.models import Course, Instructor
from redres.catalog.route_access import Reader
from redres.catalog.versions import claim

router = APIRouter(prefix="/api", tags=["library"])

STALE: dict[int | str, dict[str, Any]] = {
    412: {"description": "changed since the ETag sent in If-Match"}
}
SlugQuery = Annotated[str | None, Query(max_length=120)]


def library_reader(user: UserDep) -> LibraryReader:
    """The caller as a reader of the library."""
    return LibraryReader.of(user)


LibraryReaderDep = Annotated[LibraryReader, Depends(library_reader)]


@router.get("/courses", response_model=CourseList)
def read_courses(
    request: Request,
    session: SessionDep,
    who: LibraryReaderDep,
    site: SlugQuery = None,
    route: SlugQuery = None,
    instructor: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Courses the caller may see (published ones on published sites and routes for visitors),
    optionally at one site, on one route or by one instructor."""
    data = list_courses(session, who.reader, site=site, route=route, instructor=instructor)
    body = CourseList(data=data, total=len(data)).model_dump(mode="json")
    return cached_json(request, body, public=who.reader == Reader())


@router.get("/courses/{course_id}", response_model=CoursePublic)
def read_course(
    request: Request, course_id: int, session: SessionDep, who: LibraryReaderDep
) -> Response:
    """One course, with an ETag for If-Match."""
    course = get_course(session, course_id, who.reader)
    body = course_views(session, [course])[0].model_dump(mode="json")
    return cached_json(request, body, public=who.reader == Reader(), version=course.version)


@router.post("/courses", status_code=201, response_model=CoursePublic)
def add_course(
    body: CourseCreate, session: SessionDep, editor: EditorDep, response: Response
) -> CoursePublic:
    """Add a course at a site, on a route or at a route's stop (a draft by default); editors."""
    course = create_course(session, body, actor=editor.username)
    return _written_course(session, course, response)


@router.patch("/courses/{course_id}", response_model=CoursePublic, responses=STALE)
def change_course(
    course_id: int,
    body: CourseUpdate,
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> CoursePublic:
    """Change some fields of a course (`status` publishes it); with If-Match, 412 when the
    course changed since that read."""
    course = get_course(session, course_id, Reader.of(editor))
    claim(session, course, expected)
    update_course(session, course, body, actor=editor.username)
    return _written_course(session, course, response)


@router.get("/instructors", response_model=InstructorList)
def read_instructors(request: Request, session: SessionDep, who: LibraryReaderDep) -> Response:
    """Instructors: all, with phone and email, for signed-in staff (teachers, editors,
    admins); for visitors those who teach a published course, without contacts."""
    data = [
        instructor_view(i, contacts=who.contacts).model_dump(mode="json")
        for i in list_instructors(session, who)
    ]
    return cached_json(request, {"data": data, "total": len(data)}, public=not who.contacts)


@router.get("/instructors/{instructor_id}", response_model=InstructorStaff)
def read_instructor(
    request: Request, instructor_id: int, session: SessionDep, who: LibraryReaderDep
) -> Response:
    """One instructor (contacts for staff only), with an ETag for If-Match."""
    instructor = get_instructor(session, instructor_id, who)
    body = instructor_view(instructor, contacts=who.contacts).model_dump(mode="json")
    return cached_json(request, body, public=not who.contacts, version=instructor.version)


@router.post("/instructors", status_code=201, response_model=InstructorStaff)
def add_instructor(
    body: InstructorCreate, session: SessionDep, editor: EditorDep, response: Response
) -> InstructorStaff:
    """Add an instructor; editors only."""
    instructor = create_instructor(session, body, actor=editor.username)
    return _written_instructor(instructor, response)


@router.patch("/instructors/{instructor_id}", response_model=InstructorStaff, responses=STALE)
def change_instructor(
    instructor_id: int,
    body: InstructorUpdate,
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> InstructorStaff:
    """Change some fields of an instructor; If-Match as for courses."""
    instructor = get_instructor(session, instructor_id, LibraryReader.of(editor))
    claim(session, instructor, expected)
    update_instructor(session, instructor, body, actor=editor.username)
    return _written_instructor(instructor, response)


def _written_course(session: Session, course: Course, response: Response) -> CoursePublic:
    """A written course as a staff read would send it, with that read's ETag."""
    session.flush()
    view = course_views(session, [course])[0]
    tag_write(response, view.model_dump(mode="json"), course.version)
    return view


def _written_instructor(instructor: Instructor, response: Response) -> InstructorStaff:
    """A written instructor as staff read them, with that read's ETag."""
    view = InstructorStaff.model_validate(instructor, from_attributes=True)
    tag_write(response, view.model_dump(mode="json"), instructor.version)
    return view
