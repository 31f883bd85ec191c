"""Changes to study routes: a planned route saved as a draft, a new or edited curated route, a
status transition, a restored version, each audited in the caller's transaction.

Queries live in `route_store`; who may make which change, in `route_access`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, or_, select

from redres.catalog import audit, versions
from redres.catalog.enums import PUBLIC, RouteKind, Status, TravelMode
from redres.catalog.errors import Conflict
from redres.catalog.media_rules import check_publishable
from redres.catalog.models import Route, RouteStop, Site, Theme, pk, utcnow
from redres.catalog.route_store import route_stops
from redres.catalog.slugs import free_slug, slugify
from redres.messages import Message


@dataclass(frozen=True, slots=True)
class StopInput:
    """A stop to save: day (from 1), order within the day (from 1), site id, minutes, note."""

    day: int
    position: int
    site_id: int
    minutes: int | None = None
    note: str | None = None
    note_en: str | None = None


StopLine = tuple[str, str | None] | tuple[str, str | None, str | None]
"""A stop given to `update_route`: the site's slug, its note and (optional) the note in English."""


def _stop_text(line: StopLine) -> tuple[str, str | None, str | None]:
    """A stop line with its English note (None when it was given without one)."""
    if len(line) == 3:
        return line
    return line[0], line[1], None


def save_planned_route(
    session: Session,
    *,
    slug: str | None,
    name: str,
    stops: Sequence[StopInput],
    mode: TravelMode = TravelMode.walk,
    theme: str | None = None,
    description: str | None = None,
    description_en: str | None = None,
    name_en: str | None = None,
    owner_id: int | None = None,
    plan: dict[str, Any] | None = None,
    days: int | None = None,
    actor: str | None = None,
) -> Route:
    """Store a planned route as a draft, so an editor can review and publish it.

    `slug` None takes a free one from the name. `plan` is the plan request the stops came
    from, kept so the route is timed as the plan was; `days` the plan's days (a day may be
    empty). With an `actor`, the creation is audited like any other route's.

    Raises
    ------
    Conflict
        When the slug is taken, the theme is unknown, a site does not exist, or two stops
        share a day and position.
    """
    if slug is None:
        slug = free_slug(session, Route.slug, slugify(name) or "route")
    if session.exec(select(Route.id).where(Route.slug == slug)).first() is not None:
        msg = Message("e_slug_used", entity=Message("entity_route"), slug=slug)
        raise Conflict(msg)
    theme_id = None
    if theme is not None:
        found = session.exec(select(Theme).where(Theme.slug == theme)).first()
        if found is None:
            raise Conflict(Message("e_route_theme", slug=theme))
        theme_id = found.id
    keys = [(s.day, s.position) for s in stops]
    if len(keys) != len(set(keys)):
        msg = Message("e_stops_share_place")
        raise Conflict(msg)
    ids = {s.site_id for s in stops}
    known = set(session.exec(select(Site.id).where(col(Site.id).in_(ids))))
    if ids - known:
        msg = Message("e_site_id_missing", id=min(ids - known))
        raise Conflict(msg)
    route = Route(
        slug=slug,
        name=name,
        description=description,
        description_en=description_en,
        name_en=name_en or None,
        kind=RouteKind.planned,
        theme_id=theme_id,
        days=max([*(s.day for s in stops), days or 1]),
        mode=mode,
        status=Status.draft,
        owner_id=owner_id,
        plan=plan,
        updated_at=utcnow(),
    )
    session.add(route)
    session.flush()
    session.add_all(
        RouteStop(
            route_id=pk(route),
            day=s.day,
            position=s.position,
            site_id=s.site_id,
            minutes=s.minutes,
            note=s.note,
            note_en=s.note_en,
        )
        for s in stops
    )
    session.flush()
    if actor is not None:
        after = _route_state(session, route)
        audit.record(
            session,
            entity="route",
            entity_id=pk(route),
            action="create",
            actor=actor,
            before=None,
            after=after,
        )
    return route


def update_route(
    session: Session,
    route: Route,
    *,
    actor: str,
    name: str,
    stops: Sequence[Sequence[StopLine]],
    description: str | None = None,
    description_en: str | None = None,
    name_en: str | None = None,
    mode: TravelMode | None = None,
    theme: str | None = None,
    status: Status | None = None,
    action: str = "update",
    visible: Collection[Status] = PUBLIC,
) -> Route:
    """Replace a route's details and stops (site slug and lesson note, in Chinese and where
    written in English, per stop, per day); audited.

    A stop may be at a site whose status is in `visible` (what the caller may read) or at a
    site the route already stops at; any other site is refused exactly like one that does not
    exist, so saving a route cannot tell a teacher which draft sites there are.

    Raises
    ------
    Conflict
        When a site slug or the theme is unknown, or no stop is given.
    """
    days = [[_stop_text(line) for line in day] for day in stops if day]
    if not days:
        raise Conflict(Message("e_route_empty"))
    slugs = {slug for day in days for slug, _note, _en in day}
    usable = or_(
        col(Site.status).in_(list(visible)),
        col(Site.id).in_(select(RouteStop.site_id).where(RouteStop.route_id == route.id)),
    )
    sites = {s.slug: s for s in session.exec(select(Site).where(col(Site.slug).in_(slugs), usable))}
    missing = sorted(slugs - set(sites))
    if missing:
        raise Conflict(Message("e_route_site", slug=missing[0]))
    theme_id = None
    if theme:
        found = session.exec(select(Theme).where(Theme.slug == theme)).first()
        if found is None:
            raise Conflict(Message("e_route_theme", slug=theme))
        theme_id = found.id
    before = _route_state(session, route)
    route.name, route.description, route.theme_id = name, description, theme_id
    route.description_en = description_en
    route.name_en = name_en or None
    if mode is not None:
        route.mode = mode
    if status is not None:
        if status == Status.published and route.status != Status.published:
            check_publishable(session, route)
        route.status = status
    route.days = len(days)
    route.updated_at = utcnow()
    for old in session.exec(select(RouteStop).where(RouteStop.route_id == route.id)):
        session.delete(old)
    session.flush()
    for d, day in enumerate(days, start=1):
        for i, (slug, note, note_en) in enumerate(day, start=1):
            session.add(
                RouteStop(
                    route_id=pk(route),
                    day=d,
                    position=i,
                    site_id=pk(sites[slug]),
                    note=note or None,
                    note_en=note_en or None,
                )
            )
    session.add(route)
    session.flush()
    after = _route_state(session, route)
    if after != before and action != "create":
        versions.bump(route)  # its stops are part of the route, though not of its row
    if after != before or action == "create":
        audit.record(
            session,
            entity="route",
            entity_id=pk(route),
            action=action,
            actor=actor,
            before=None if action == "create" else before,
            after=after,
        )
    return route


def create_route(
    session: Session,
    *,
    actor: str,
    name: str,
    stops: Sequence[Sequence[StopLine]],
    description: str | None = None,
    description_en: str | None = None,
    name_en: str | None = None,
    mode: TravelMode | None = None,
    theme: str | None = None,
    owner_id: int | None = None,
    kind: RouteKind = RouteKind.curated,
    visible: Collection[Status] = PUBLIC,
) -> Route:
    """A new draft route with a slug from its name, owned by `owner_id`; audited as `create`.

    Stops may be at sites whose status is in `visible` only (see `update_route`).

    Raises
    ------
    Conflict
        As `update_route`; nothing is written then.
    """
    route = Route(
        slug=free_slug(session, Route.slug, slugify(name) or "route"),
        name=name,
        kind=kind,
        status=Status.draft,
        owner_id=owner_id,
    )
    with session.begin_nested():
        session.add(route)
        session.flush()
        return update_route(
            session,
            route,
            actor=actor,
            name=name,
            stops=stops,
            description=description,
            description_en=description_en,
            name_en=name_en,
            mode=mode,
            theme=theme,
            action="create",
            visible=visible,
        )


def set_route_status(session: Session, route: Route, status: Status, *, actor: str) -> Route:
    """Publish, unpublish, archive or bring back a route; audited with the transition's name."""
    if route.status == status:
        return route
    if status == Status.published:
        check_publishable(session, route)
    action = audit.transition(route.status, status)
    before = {"status": str(route.status)}
    route.status = status
    record_change(session, route, action=action, actor=actor, before=before)
    return route


def record_change(
    session: Session,
    route: Route,
    *,
    action: str,
    actor: str,
    before: dict[str, Any] | None = None,
) -> None:
    """Store a change made to `route`'s own columns and audit it in the same transaction."""
    route.updated_at = utcnow()
    session.add(route)
    session.flush()
    after = None if before is None else {k: str(getattr(route, k)) for k in before}
    audit.record(
        session,
        entity="route",
        entity_id=pk(route),
        action=action,
        actor=actor,
        before=before,
        after=after,
    )


def restore_route_version(
    session: Session,
    route: Route,
    entry_id: int,
    *,
    actor: str,
    visible: Collection[Status] = PUBLIC,
) -> Route:
    """Bring a route's details and stops back to an earlier version; its status stays.

    Audited as `revert`, so a restore can itself be undone. Stops at sites deleted since, or
    no longer in `visible` (and not on the route now), are refused (Conflict) rather than
    silently dropped.
    """
    state = audit.state_after(session, entity="route", entity_id=pk(route), entry_id=entry_id)
    current = _route_state(session, route)
    merged: dict[str, Any] = current | {k: v for k, v in state.items() if k != "status"}
    theme = None
    if merged.get("theme_id") is not None:
        found = session.get(Theme, merged["theme_id"])
        theme = found.slug if found else None
    days: dict[int, list[StopLine]] = {}
    for day, slug, note, *english in merged["stops"]:  # versions before English notes: 3
        days.setdefault(int(day), []).append((str(slug), note, english[0] if english else None))
    return update_route(
        session,
        route,
        actor=actor,
        name=str(merged["name"]),
        stops=[days[d] for d in sorted(days)],
        description=merged.get("description"),
        description_en=merged.get("description_en"),
        name_en=merged.get("name_en"),
        mode=TravelMode(merged["mode"]) if merged.get("mode") else None,
        theme=theme,
        action="revert",
        visible=visible,
    )


def _route_state(session: Session, route: Route) -> dict[str, object]:
    state = audit.snapshot(route, exclude=frozenset({"created_at", "updated_at"}))
    state["stops"] = [
        [row.stop.day, row.site.slug, row.stop.note, row.stop.note_en]
        for row in route_stops(session, route, visible=frozenset(Status))
    ]
    return state
