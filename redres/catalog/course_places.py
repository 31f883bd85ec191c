"""Which courses a site page, a route page and a route's handout show, and at which stop.

A course at a site shows on the site's page and at every stop of a route at that site; a course
at a route's stop (route and site both set) shows at that stop and on the site's page; a course
on a whole route (no site) shows once on the route's page. Only courses whose status, site and
route the reader may see are shown; the route pages' caller has already been allowed the route.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session, col, or_, select

from redres.catalog.enums import CourseFormat, Status
from redres.catalog.library import course_views
from redres.catalog.library_schemas import CoursePublic
from redres.catalog.models import Course, Route, RouteStop, Site, pk

FORMAT_LABELS = {
    CourseFormat.on_site_lecture: "现场讲解",
    CourseFormat.situational: "情景教学",
    CourseFormat.interview: "访谈教学",
    CourseFormat.audio_visual: "音像教学",
    CourseFormat.other: "其他",
}
"""The Chinese names of the teaching formats, for the handout (pages use the locale files)."""


@dataclass(frozen=True, slots=True)
class RouteCourses:
    """A route's courses: on the whole route, and at each stop (by the stop site's slug)."""

    whole: list[CoursePublic] = field(default_factory=list)
    at: dict[str, list[CoursePublic]] = field(default_factory=dict)


def site_courses(
    session: Session, site: Site, *, visible: Collection[Status]
) -> list[CoursePublic]:
    """The courses taught at `site` that a reader seeing `visible` statuses may see, by title."""
    seen_routes = select(Route.id).where(col(Route.status).in_(list(visible)))
    courses = session.exec(
        select(Course)
        .where(
            Course.site_id == pk(site),
            col(Course.status).in_(list(visible)),
            or_(col(Course.route_id).is_(None), col(Course.route_id).in_(seen_routes)),
        )
        .order_by(col(Course.title), col(Course.id))
    ).all()
    return course_views(session, list(courses))


def route_courses(
    session: Session,
    route: Route,
    *,
    stops: Mapping[int, str],
    visible: Collection[Status],
) -> RouteCourses:
    """The courses of `route` (already readable by the caller) and of its stops' sites.

    `stops` maps the site id of each stop shown to its slug: the route page passes the stops
    of the schedule it has already read, so the stops are read once per page.
    """
    courses = session.exec(
        select(Course)
        .where(
            col(Course.status).in_(list(visible)),
            or_(
                col(Course.route_id) == pk(route),
                col(Course.route_id).is_(None) & col(Course.site_id).in_(list(stops)),
            ),
        )
        .order_by(col(Course.title), col(Course.id))
    ).all()
    found = RouteCourses()
    for course, view in zip(courses, course_views(session, list(courses)), strict=True):
        if course.site_id is None:
            found.whole.append(view)
        elif course.site_id in stops:  # a stop at a hidden site shows no lessons
            found.at.setdefault(stops[course.site_id], []).append(view)
    return found


def stop_sites(session: Session, route: Route, *, visible: Collection[Status]) -> dict[int, str]:
    """The site id and slug of each stop of `route` at a site with a `visible` status."""
    rows = session.exec(
        select(Site.id, Site.slug)
        .select_from(RouteStop)
        .join(Site, col(Site.id) == RouteStop.site_id)
        .where(RouteStop.route_id == pk(route), col(Site.status).in_(list(visible)))
    ).all()
    return {site_id: slug for site_id, slug in rows if site_id is not None}


def course_plan(
    session: Session,
    route: Route,
    *,
    visible: Collection[Status],
    words: Callable[..., str] | None = None,
) -> dict[str, list[str]]:
    """The lessons to give at each stop of a route (site slug -> lines), for the handout.

    `words` (a page's translate, for an English handout) words the format, the minutes and who
    teaches in the reader's language around the course's own title (courses have no English
    title: it stays as written); without it the line is all Chinese, so no line mixes the two.
    """
    plan: dict[str, list[str]] = {}
    stops = stop_sites(session, route, visible=visible)
    for slug, views in route_courses(session, route, stops=stops, visible=visible).at.items():
        plan[slug] = [_line(view) if words is None else _worded(view, words) for view in views]
    return plan


def _worded(view: CoursePublic, words: Callable[..., str]) -> str:
    details = [words(f"library.format_{view.format}")]
    if view.duration_minutes:
        details.append(words("library.minutes", n=view.duration_minutes))
    if view.instructors:
        details.append(
            words("library.taught_by_inline") + ", ".join(i.name for i in view.instructors)
        )
    return f"{view.title} ({', '.join(details)})"


def _line(view: CoursePublic) -> str:
    details = [FORMAT_LABELS.get(view.format, str(view.format))]
    if view.duration_minutes:
        details.append(f"{view.duration_minutes}分钟")
    if view.instructors:
        details.append("主讲 " + "、".join(i.name for i in view.instructors))
    return f"{view.title}（{'，'.join(details)}）"
