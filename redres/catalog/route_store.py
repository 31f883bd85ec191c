"""Queries for study routes: curated and saved ones, their stops with sites, and theme counts.

Visibility works as for sites (`redres.catalog.sites.get_site`): a route whose status the
caller may not see is NotFound, and so are stops at sites the caller may not see. The catalogue
stores routes (changes in `route_edits`); planning them is the route room's job, which saves its
result as a draft.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from redres.catalog.enums import PUBLIC, Status
from redres.catalog.errors import NotFound
from redres.catalog.models import Route, RouteStop, Site, SiteTheme, Theme, pk


@dataclass(frozen=True, slots=True)
class RouteSummary:
    """A route in a list, with its theme slug and how many stops it has."""

    route: Route
    theme: str | None
    stops: int


@dataclass(frozen=True, slots=True)
class StopSite:
    """One stop of a route with the site it visits."""

    stop: RouteStop
    site: Site


@dataclass(frozen=True, slots=True)
class ThemeCount:
    """A theme with the number of visible sites tagged with it."""

    theme: Theme
    sites: int


def list_routes(
    session: Session,
    *,
    visible: Collection[Status] = PUBLIC,
    owner_id: int | None = None,
    mine: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[RouteSummary]:
    """The routes the caller may see (statuses in `visible`, plus their own), by name: all of
    them, or the `limit` after `offset`.

    With `mine`, only the routes owned by `owner_id`, whatever their status.
    """
    owned = col(Route.owner_id) == owner_id
    where = owned if mine else _seen(visible, owner_id)
    routes = session.exec(
        select(Route)
        .where(where)
        .order_by(col(Route.name), col(Route.id))
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [pk(r) for r in routes]
    counts = dict(
        session.exec(
            select(RouteStop.route_id, func.count())
            .where(col(RouteStop.route_id).in_(ids))
            .group_by(col(RouteStop.route_id))
        ).all()
    )
    themes = {t.id: t.slug for t in session.exec(select(Theme))}
    return [
        RouteSummary(r, themes.get(r.theme_id) if r.theme_id else None, counts.get(pk(r), 0))
        for r in routes
    ]


def count_routes(
    session: Session,
    *,
    visible: Collection[Status] = PUBLIC,
    owner_id: int | None = None,
    mine: bool = False,
) -> int:
    """How many routes `list_routes` would list without a limit."""
    where = col(Route.owner_id) == owner_id if mine else _seen(visible, owner_id)
    return int(session.exec(select(func.count()).select_from(Route).where(where)).one())


def get_route(
    session: Session,
    key: int | str,
    *,
    visible: Collection[Status] = PUBLIC,
    owner_id: int | None = None,
) -> Route:
    """A route by id or slug, if its status is in `visible` or `owner_id` owns it.

    Raises
    ------
    NotFound
        When no such route exists or the caller may not see it (the two are not told apart).
    """
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18:
        key = int(key)
    stmt = select(Route).where(Route.id == key if isinstance(key, int) else Route.slug == key)
    route = session.exec(stmt).first()
    if route is None or not (
        route.status in visible or (owner_id is not None and route.owner_id == owner_id)
    ):
        raise NotFound("route", key)  # noqa: EM101 (an entity name, not the message)
    return route


def _seen(visible: Collection[Status], owner_id: int | None) -> Any:
    shown = col(Route.status).in_(list(visible))
    return shown if owner_id is None else or_(shown, col(Route.owner_id) == owner_id)


def route_theme(session: Session, route: Route) -> Theme | None:
    """The route's theme, if it has one."""
    return None if route.theme_id is None else session.get(Theme, route.theme_id)


def route_stops(
    session: Session, route: Route, *, visible: Collection[Status] = PUBLIC
) -> list[StopSite]:
    """The stops of a route in day and order, with their sites (hidden sites left out)."""
    rows = session.exec(
        select(RouteStop, Site)
        .join(Site, col(Site.id) == RouteStop.site_id)
        .where(RouteStop.route_id == pk(route), col(Site.status).in_(list(visible)))
        .order_by(col(RouteStop.day), col(RouteStop.position))
    )
    return [StopSite(stop, site) for stop, site in rows]


def theme_counts(session: Session, *, visible: Collection[Status] = PUBLIC) -> list[ThemeCount]:
    """Every theme with the number of sites the caller may see in it, by slug."""
    counts = dict(
        session.exec(
            select(SiteTheme.theme_id, func.count())
            .join(Site, col(Site.id) == SiteTheme.site_id)
            .where(col(Site.status).in_(list(visible)))
            .group_by(col(SiteTheme.theme_id))
        ).all()
    )
    themes = session.exec(select(Theme).order_by(col(Theme.slug)))
    return [ThemeCount(t, counts.get(pk(t), 0)) for t in themes]
