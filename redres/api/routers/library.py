"""The resource library over HTTP: courses and instructors (contacts for staff only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import select

from redres.api.caching import cached_json
from redres.api.deps import EditorDep, SessionDep, UserDep, VisibleDep
from redres.catalog.enums import STAFF_ROLES
from redres.catalog.library import (
    CourseCreate,
    InstructorCreate,
    course_dict,
    create_course,
    create_instructor,
    instructor_dict,
    list_courses,
    list_instructors,
)
from redres.catalog.models import Route, Site
from redres.catalog.sites import PUBLIC

router = APIRouter(prefix="/api", tags=["library"])


@router.get("/courses", response_model=None)
def read_courses(
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    site: Annotated[str | None, Query(max_length=120)] = None,
    route: Annotated[str | None, Query(max_length=120)] = None,
) -> Response:
    """Lessons, optionally for one site or route."""
    data = list_courses(session, visible=visible, site=site, route=route)
    return cached_json(request, {"data": data, "total": len(data)}, public=visible == PUBLIC)


@router.post("/courses", status_code=201)
def add_course(body: CourseCreate, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    """Add a lesson on a site or route; editors only."""
    course = create_course(session, body, actor=editor.username)
    site = session.get(Site, course.site_id) if course.site_id else None
    route = session.exec(select(Route).where(Route.id == course.route_id)).first()
    return course_dict(course, site.slug if site else None, route.slug if route else None)


@router.get("/instructors")
def read_instructors(session: SessionDep, user: UserDep) -> dict[str, Any]:
    """Instructors; their contacts only for staff."""
    staff = user is not None and user.role in STAFF_ROLES
    data = [instructor_dict(i, staff=staff) for i in list_instructors(session)]
    return {"data": data, "total": len(data)}


@router.post("/instructors", status_code=201)
def add_instructor(
    body: InstructorCreate, session: SessionDep, editor: EditorDep
) -> dict[str, Any]:
    """Add an instructor; editors only."""
    return instructor_dict(create_instructor(session, body, actor=editor.username), staff=True)
