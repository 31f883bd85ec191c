"""The editor's lists (sites, stories, routes, courses, instructors), one bounded page at a time.

A national catalogue holds hundreds of thousands of sites, so no staff list reads a whole
table: each is filtered in SQL (a substring of the name or slug, a status) and cut to one page
with the total counted alongside (`paging.page_of`). The pages that show them add their own
details (quality flags, stop counts) for the page's rows only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from redres.catalog.enums import Status
from redres.catalog.models import Course, Instructor, Route, RouteStop, Site, Story, Theme, pk
from redres.catalog.paging import Page, page_of, substring
from redres.catalog.route_store import RouteSummary

PAGE_SIZE = 50
"""Rows on one page of an editor list."""
MAX_PAGE = 100_000
"""The last page number a list accepts (offsets beyond it are refused, not scanned)."""


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What an editor narrows a list by: text in the name or slug, a status, a page (from 1)."""

    q: str = ""
    status: Status | None = None
    page: int = 1
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.size


def _narrowed(stmt: Any, model: Any, text_columns: tuple[Any, ...], f: ListFilter) -> Any:
    if f.q.strip():
        stmt = stmt.where(substring(f.q.strip(), *text_columns))
    if f.status is not None and hasattr(model, "status"):
        stmt = stmt.where(model.status == f.status)
    return stmt


def sites_page(session: Session, f: ListFilter) -> Page[Site]:
    """Sites of every status by name, filtered by name, slug or registry code."""
    stmt = _narrowed(select(Site), Site, (Site.name, Site.slug, Site.code), f)
    return page_of(session, stmt, (col(Site.name), col(Site.id)), limit=f.size, offset=f.offset)


def stories_page(session: Session, f: ListFilter) -> Page[Story]:
    """Stories of every status, newest change first, filtered by title or slug."""
    stmt = _narrowed(select(Story), Story, (Story.title, Story.slug), f)
    order = (col(Story.updated_at).desc(), col(Story.id))
    return page_of(session, stmt, order, limit=f.size, offset=f.offset)


def routes_page(session: Session, f: ListFilter) -> Page[RouteSummary]:
    """Routes of every status (teachers' saved plans too) by name, with theme and stop count."""
    stmt = _narrowed(select(Route), Route, (Route.name, Route.slug), f)
    found = page_of(session, stmt, (col(Route.name), col(Route.id)), limit=f.size, offset=f.offset)
    ids = [pk(r) for r in found.items]
    counts = dict(
        session.exec(
            select(RouteStop.route_id, func.count())
            .where(col(RouteStop.route_id).in_(ids))
            .group_by(col(RouteStop.route_id))
        ).all()
    )
    theme_ids = {r.theme_id for r in found.items if r.theme_id}
    themes = dict(
        session.exec(select(Theme.id, Theme.slug).where(col(Theme.id).in_(theme_ids))).all()
    )
    items = [
        RouteSummary(r, themes.get(r.theme_id) if r.theme_id else None, counts.get(pk(r), 0))
        for r in found.items
    ]
    return Page(total=found.total, items=items)


def courses_page(session: Session, f: ListFilter) -> Page[Course]:
    """Courses of every status by title, filtered by title."""
    stmt = _narrowed(select(Course), Course, (Course.title,), f)
    return page_of(
        session, stmt, (col(Course.title), col(Course.id)), limit=f.size, offset=f.offset
    )


def instructors_page(session: Session, f: ListFilter) -> Page[Instructor]:
    """Instructors by name, filtered by name or unit (instructors have no status)."""
    stmt = _narrowed(select(Instructor), Instructor, (Instructor.name, Instructor.unit), f)
    order = (col(Instructor.name), col(Instructor.id))
    return page_of(session, stmt, order, limit=f.size, offset=f.offset)
