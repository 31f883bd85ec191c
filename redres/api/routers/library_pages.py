"""The editor's pages of the resource library: lists of courses and instructors and their forms.

The forms validate with the API's own models (`catalog.library_schemas`), carry a CSRF token and
the version they were opened at, so a save from an old version shows a conflict instead of
overwriting, as the other editor forms do.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from redres.api.deps import FormDep, PageEditorDep, SessionDep
from redres.api.edit_conflicts import VERSION_FIELD, save_conflict
from redres.api.form_errors import form_errors
from redres.api.i18n import pick_language
from redres.api.list_pages import ListFilterDep, pager
from redres.api.session import check_csrf, csrf_token
from redres.api.templating import render
from redres.catalog.enums import CourseFormat, Status
from redres.catalog.errors import CatalogError, NotFound
from redres.catalog.library import (
    LibraryReader,
    course_views,
    create_course,
    create_instructor,
    get_course,
    get_instructor,
    list_courses,
    list_instructors,
    update_course,
    update_instructor,
)
from redres.catalog.library_schemas import (
    CourseCreate,
    CourseUpdate,
    InstructorCreate,
    InstructorUpdate,
)
from redres.catalog.models import Course, Instructor, Route, Site
from redres.catalog.route_access import Reader
from redres.catalog.staff_lists import courses_page, instructors_page

router = APIRouter(include_in_schema=False)

STAFF_READER = Reader(staff=True)
SITE_CHOICES_MAX = 1000
"""Up to this many live sites the course form offers them in a list; beyond, a slug field."""
COURSE_FORM = ("title", "outline", "duration_minutes", "audience", "format", "site", "route")
"""The course form's text boxes (the instructors are check boxes, the status a choice)."""
INSTRUCTOR_FORM = ("name", "unit", "title", "topics", "phone", "email")
COURSE_LABELS = {name: f"library.course_{name}" for name in (*COURSE_FORM, "instructors")} | {
    "status": "status",
    "stop": "library.course_route",
}
"""The page-text key of each course field's label, for error lines."""
INSTRUCTOR_LABELS = {name: f"library.instructor_{name}" for name in INSTRUCTOR_FORM}


@router.get("/editor/courses", response_class=HTMLResponse)
def courses_list(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """Courses of every status by title, one page at a time."""
    found = courses_page(session, f)
    courses = course_views(session, found.items)
    context = {"courses": courses, "f": f, "pager": pager(request, f, found.total)}
    return render(request, "editor_courses.html", context)


@router.get("/editor/courses/{key}", response_class=HTMLResponse)
def course_form(request: Request, key: str, session: SessionDep, user: PageEditorDep) -> Response:
    """The course form; `new` for a blank one (a draft)."""
    course = _course(session, key)
    values: dict[str, Any] = {"status": "draft", "format": CourseFormat.on_site_lecture.value}
    chosen: list[int] = []
    if course is not None:
        view = course_views(session, [course])[0]
        values = {name: getattr(view, name) for name in COURSE_FORM} | {"status": view.status}
        values = {k: "" if v is None else str(v) for k, v in values.items()}
        chosen = [i.id for i in view.instructors]
    version = course.version if course else None
    return _course_page(request, session, course, values, chosen, [], version=version)


@router.post("/editor/courses/{key}", response_class=HTMLResponse)
def course_save(
    request: Request, form: FormDep, key: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Create or save the course; errors and conflicts come back on the form, input kept."""
    check_csrf(request, str(form.get("csrf", "")))
    course = _course(session, key)
    values = {name: str(form.get(name, "")).strip() for name in (*COURSE_FORM, "status")}
    chosen = [str(v) for v in form.getlist("instructors")]
    data: dict[str, Any] = {k: v or None for k, v in values.items()}
    data["instructors"] = chosen
    if course is not None and (conflict := save_conflict(request, session, course, form)):
        ids = _ints(chosen)
        return _course_page(
            request,
            session,
            course,
            values,
            ids,
            [],
            409,
            version=course.version,
            conflict=conflict,
        )
    try:
        if course is None:
            course = create_course(session, CourseCreate.model_validate(data), actor=user.username)
        else:
            update_course(session, course, CourseUpdate.model_validate(data), actor=user.username)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request), labels=COURSE_LABELS)
        course = _course(session, key)
        opened = form.get(VERSION_FIELD)
        return _course_page(
            request, session, course, values, _ints(chosen), errors, 422, version=opened
        )
    return RedirectResponse(f"/editor/courses/{course.id}?saved=1", status_code=303)


@router.get("/editor/instructors", response_class=HTMLResponse)
def instructors_list(
    request: Request, session: SessionDep, user: PageEditorDep, f: ListFilterDep
) -> Response:
    """Instructors with their unit and contacts (editors are staff), one page at a time."""
    found = instructors_page(session, f)
    context = {"instructors": found.items, "f": f, "pager": pager(request, f, found.total)}
    return render(request, "editor_instructors.html", context)


@router.get("/editor/instructors/{key}", response_class=HTMLResponse)
def instructor_form(
    request: Request, key: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """The instructor form; `new` for a blank one."""
    instructor = _instructor(session, key)
    values = {
        name: (getattr(instructor, name) or "") if instructor else "" for name in INSTRUCTOR_FORM
    }
    courses = list_courses(session, STAFF_READER, instructor=instructor.id) if instructor else []
    version = instructor.version if instructor else None
    return _instructor_page(request, instructor, values, [], courses=courses, version=version)


@router.post("/editor/instructors/{key}", response_class=HTMLResponse)
def instructor_save(
    request: Request, form: FormDep, key: str, session: SessionDep, user: PageEditorDep
) -> Response:
    """Create or save the instructor; errors and conflicts come back on the form, input kept."""
    check_csrf(request, str(form.get("csrf", "")))
    instructor = _instructor(session, key)
    values = {name: str(form.get(name, "")).strip() for name in INSTRUCTOR_FORM}
    if instructor is not None and (conflict := save_conflict(request, session, instructor, form)):
        return _instructor_page(
            request, instructor, values, [], 409, version=instructor.version, conflict=conflict
        )
    data = {k: v or None for k, v in values.items()}
    try:
        if instructor is None:
            model = InstructorCreate.model_validate(data)
            instructor = create_instructor(session, model, actor=user.username)
        else:
            change = InstructorUpdate.model_validate(data)
            update_instructor(session, instructor, change, actor=user.username)
    except (ValidationError, CatalogError, ValueError) as exc:
        session.rollback()
        errors = form_errors(exc, pick_language(request), labels=INSTRUCTOR_LABELS)
        instructor = _instructor(session, key)
        opened = form.get(VERSION_FIELD)
        return _instructor_page(request, instructor, values, errors, 422, version=opened)
    return RedirectResponse(f"/editor/instructors/{instructor.id}?saved=1", status_code=303)


def _course(session: Session, key: str) -> Course | None:
    """The course a form is about; None for `new`."""
    if key == "new":
        return None
    if not (key.isascii() and key.isdigit() and len(key) <= 18):
        raise NotFound("course", key)  # noqa: EM101 (an entity name)
    return get_course(session, int(key), STAFF_READER)


def _instructor(session: Session, key: str) -> Instructor | None:
    """The instructor a form is about; None for `new`."""
    if key == "new":
        return None
    if not (key.isascii() and key.isdigit() and len(key) <= 18):
        raise NotFound("instructor", key)  # noqa: EM101 (an entity name)
    return get_instructor(session, int(key), LibraryReader(STAFF_READER, contacts=True))


def _ints(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18]


def _course_page(
    request: Request,
    session: Session,
    course: Course | None,
    values: dict[str, Any],
    chosen: list[int],
    errors: list[str],
    code: int = 200,
    *,
    version: object = None,
    conflict: str | None = None,
) -> HTMLResponse:
    live = col(Site.status) != Status.archived
    sites = session.exec(
        select(Site.slug, Site.name)
        .where(live)
        .order_by(col(Site.name), col(Site.id))
        .limit(SITE_CHOICES_MAX + 1)
    ).all()
    site_typed = len(sites) > SITE_CHOICES_MAX  # a national catalogue: typed, not picked
    routes = session.exec(
        select(Route.slug, Route.name)
        .where(col(Route.status) != Status.archived)
        .order_by(col(Route.name))
    ).all()
    everyone = list_instructors(session, LibraryReader(STAFF_READER, contacts=True))
    return render(
        request,
        "editor_course.html",
        {
            "course": course,
            "values": values,
            "chosen": chosen,
            "errors": errors,
            "sites": [] if site_typed else sites,
            "site_typed": site_typed,
            "routes": routes,
            "instructors": everyone,
            "formats": [f.value for f in CourseFormat],
            "saved": request.query_params.get("saved") == "1" and not errors,
            "version": version,
            "conflict": conflict,
            "csrf": csrf_token(request),
        },
        code,
    )


def _instructor_page(
    request: Request,
    instructor: Instructor | None,
    values: dict[str, Any],
    errors: list[str],
    code: int = 200,
    *,
    courses: list[Any] | None = None,
    version: object = None,
    conflict: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "editor_instructor.html",
        {
            "instructor": instructor,
            "values": values,
            "errors": errors,
            "courses": courses or [],
            "saved": request.query_params.get("saved") == "1" and not errors,
            "version": version,
            "conflict": conflict,
            "csrf": csrf_token(request),
        },
        code,
    )
