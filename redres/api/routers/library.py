"""The resource library over HTTP: courses and instructors (contacts for staff only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from redres.api.caching import cached_json
from redres.api.deps import EditorDep, ReaderDep, SessionDep
from redres.api.library_bodies import CourseBody, CourseList, InstructorBody, InstructorList
from redres.api.responses import ok
from redres.catalog.library import (
    CourseCreate,
    InstructorCreate,
    course_view,
    create_course,
    create_instructor,
    instructor_dict,
    list_courses,
    list_instructors,
)
from redres.catalog.route_access import Reader

router = APIRouter(prefix="/api", tags=["library"])


@router.get("/courses", response_model=None, responses=ok(CourseList))
def read_courses(
    request: Request,
    session: SessionDep,
    reader: ReaderDep,
    site: Annotated[str | None, Query(max_length=120)] = None,
    route: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    """Lessons the caller may see (published ones on published sites and routes for visitors),
    optionally for one site or route."""
    data = list_courses(session, reader, site=site, route=route)
    return cached_json(request, {"data": data, "total": len(data)}, public=reader == Reader())


@router.post("/courses", status_code=201, response_model=CourseBody)
def add_course(body: CourseCreate, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    """Add a lesson on a site or route; editors only."""
    return course_view(session, create_course(session, body, actor=editor.username))


@router.get("/instructors", response_model=InstructorList, response_model_exclude_unset=True)
def read_instructors(session: SessionDep, reader: ReaderDep) -> dict[str, Any]:
    """Instructors who teach a lesson the caller may see (all for staff); contacts for staff."""
    data = [instructor_dict(i, staff=reader.staff) for i in list_instructors(session, reader)]
    return {"data": data, "total": len(data)}


@router.post("/instructors", status_code=201, response_model=InstructorBody)
def add_instructor(
    body: InstructorCreate, session: SessionDep, editor: EditorDep
) -> dict[str, Any]:
    """Add an instructor; editors only."""
    return instructor_dict(create_instructor(session, body, actor=editor.username), staff=True)
