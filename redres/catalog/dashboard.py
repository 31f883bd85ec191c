"""The state of the registry at a glance, for editors: counts, survey progress, gaps, coverage,
and how the sites teach (field classes' evaluations)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from redres.catalog import feedback
from redres.catalog.enums import Condition, Status
from redres.catalog.models import Citation, Route, RouteStop, Site, StorySite, Theme
from redres.catalog.teaching_effect import teaching_effect

GROUPS = ("district", "category", "period", "protection", "condition")
"""Site fields the dashboard counts by."""


def dashboard(session: Session) -> dict[str, Any]:
    """Everything the editors' dashboard shows, computed in a handful of grouped queries."""
    live = col(Site.status).in_([Status.draft, Status.published])
    total = session.exec(select(func.count()).select_from(Site).where(live)).one()
    by = {
        field: {
            str(key) if key is not None else "unknown": n
            for key, n in session.exec(
                select(getattr(Site, field), func.count())
                .where(live)
                .group_by(getattr(Site, field))
            ).all()
        }
        for field in GROUPS
    }
    surveyed = session.exec(
        select(func.count())
        .select_from(Site)
        .where(live, or_(col(Site.survey_date).is_not(None), col(Site.condition).is_not(None)))
    ).one()
    repair = session.exec(
        select(Site.slug, Site.name, Site.condition)
        .where(live, col(Site.condition).in_([Condition.poor, Condition.critical]))
        .order_by(col(Site.condition).desc(), col(Site.name), col(Site.id))
        .limit(TABLE_ROWS)
    ).all()
    return {
        "sites": {
            "total": total,
            "published": _count_status(session, Status.published),
            "draft": _count_status(session, Status.draft),
        },
        "by": by,
        "survey": {"surveyed": surveyed, "not_surveyed": total - surveyed},
        "needs_repair": [{"slug": s, "name": n, "condition": str(c)} for s, n, c in repair],
        "gaps": quality_gaps(session),
        "routes": route_coverage(session),
        "feedback": feedback.summary(session),
        "teaching": teaching_effect(session),
    }


TABLE_ROWS = 200
"""Rows a dashboard table lists; its count covers every matching site (a national catalogue
can have hundreds of thousands without a story)."""


def _gap_checks() -> dict[str, Any]:
    """What each quality gap means, as conditions on `site`."""
    with_story = select(StorySite.site_id)
    with_source = select(Citation.entity_id).where(Citation.entity == "site")
    return {
        "no_story": col(Site.id).not_in(with_story),
        "no_source": col(Site.id).not_in(with_source),
        "no_coordinates": col(Site.lon).is_(None),
        "no_opening_hours": col(Site.opening_hours).is_(None),
    }


def quality_gaps(session: Session, *, limit: int = TABLE_ROWS) -> dict[str, Any]:
    """Sites missing a story, a source, coordinates or opening hours: the survey's to-do list.

    Each gap counts every live site that has it and names the first `limit` by name.
    """
    live = col(Site.status).in_([Status.draft, Status.published])
    out: dict[str, Any] = {}
    for name, condition in _gap_checks().items():
        count = session.exec(select(func.count()).select_from(Site).where(live, condition)).one()
        rows = session.exec(
            select(Site.slug, Site.name)
            .where(live, condition)
            .order_by(col(Site.name), col(Site.id))
            .limit(limit)
        ).all()
        out[name] = {"count": count, "sites": [{"slug": s, "name": n} for s, n in rows]}
    return out


def gaps_of(session: Session, site_ids: list[int]) -> dict[int, list[str]]:
    """The quality gaps of these sites only (an editor list's page), whatever their status."""
    out: dict[int, list[str]] = {}
    if not site_ids:
        return out
    for name, condition in _gap_checks().items():
        found = session.exec(select(Site.id).where(col(Site.id).in_(site_ids), condition))
        for site_id in found:
            out.setdefault(int(site_id or 0), []).append(name)
    return out


def route_coverage(session: Session) -> dict[str, Any]:
    """Published routes and which themes and districts they reach, so gaps show."""
    published = col(Route.status) == Status.published
    count = session.exec(select(func.count()).select_from(Route).where(published)).one()
    themes = sorted(
        session.exec(
            select(Theme.slug)
            .join(Route, col(Route.theme_id) == Theme.id)
            .where(published)
            .distinct()
        ).all()
    )
    all_themes = sorted(session.exec(select(Theme.slug)).all())
    districts = sorted(
        d
        for d in session.exec(
            select(Site.district)
            .join(RouteStop, col(RouteStop.site_id) == Site.id)
            .join(Route, col(Route.id) == RouteStop.route_id)
            .where(published)
            .distinct()
        ).all()
        if d
    )
    return {
        "published": count,
        "themes_covered": themes,
        "themes_uncovered": [t for t in all_themes if t not in themes],
        "districts_covered": districts,
    }


def _count_status(session: Session, status: Status) -> int:
    return session.exec(select(func.count()).select_from(Site).where(Site.status == status)).one()
