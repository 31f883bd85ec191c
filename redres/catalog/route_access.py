"""Who may read and change a study route, and share links that let a teacher pass one on.

Routes differ from sites in one way: teachers own the routes they save. A route is readable
by everyone once published, by staff always, and by its owner always; editors change any route
and alone publish, while an owner changes their own route (details, stops, status, share link)
as long as it is not published (a published route is the tourism office's word). A share link carries an unguessable token, so
whoever the teacher sends it to (colleagues, students) can read that one route, nothing more;
revoking it makes the old link answer 404.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select

from redres.catalog.account_tables import User
from redres.catalog.enums import STAFF_ROLES, Status
from redres.catalog.errors import Forbidden, NotFound
from redres.catalog.models import Route
from redres.catalog.route_edits import record_change
from redres.catalog.route_store import get_route


@dataclass(frozen=True, slots=True)
class Reader:
    """Who is asking: their account id (None when anonymous) and whether they are staff."""

    user_id: int | None = None
    staff: bool = False

    @classmethod
    def of(cls, user: User | None) -> Reader:
        """The reader for an account, or the anonymous reader."""
        if user is None:
            return cls()
        return cls(user.id, user.role in STAFF_ROLES)

    def statuses(self) -> frozenset[Status]:
        """The statuses this reader sees on routes they do not own."""
        return frozenset(Status) if self.staff else frozenset({Status.published})


def can_read(route: Route, reader: Reader) -> bool:
    """Published for all; anything for staff and for the route's owner."""
    return (
        route.status == Status.published
        or reader.staff
        or (reader.user_id is not None and route.owner_id == reader.user_id)
    )


def can_edit(route: Route, reader: Reader) -> bool:
    """Staff change every route; an owner changes their own until it is published.

    A change is anything that writes to the route: its details and stops, its status (archiving
    included), its share link, a restored version.
    """
    if reader.staff:
        return True
    return (
        reader.user_id is not None
        and route.owner_id == reader.user_id
        and route.status != Status.published
    )


def can_see_history(route: Route, reader: Reader) -> bool:
    """Staff and the route's owner read its audit history, whatever its status."""
    return reader.staff or (reader.user_id is not None and route.owner_id == reader.user_id)


def route_to_change(session: Session, key: int | str, reader: Reader) -> Route:
    """The route `reader` is about to change, once the rules above allow it.

    Raises
    ------
    NotFound
        When the reader may not even read the route (never said apart from a missing one).
    Forbidden
        When they may read it but not change it: another's route, or their own once an editor
        has published it (a published route is the tourism office's word).
    """
    route = find_route(session, key, reader)
    if not can_edit(route, reader):
        msg = f"route {route.slug!r} may be changed only by an editor" + (
            ", now that it is published" if route.status == Status.published else ""
        )
        raise Forbidden(msg)
    return route


def readable(reader: Reader) -> ColumnElement[bool]:
    """A SQL condition selecting the routes `reader` may read (for lists and joins)."""
    published = col(Route.status).in_(list(reader.statuses()))
    if reader.user_id is None:
        return published
    return or_(published, col(Route.owner_id) == reader.user_id)


def share(session: Session, route: Route, *, actor: str) -> str:
    """Give the route a share token (keeping an existing one), audited; returns the token."""
    if route.share_token is None:
        route.share_token = secrets.token_urlsafe(18)
        record_change(session, route, action="share", actor=actor)
    return route.share_token


def unshare(session: Session, route: Route, *, actor: str) -> None:
    """Revoke the share link: the old token stops working at once."""
    if route.share_token is not None:
        route.share_token = None
        record_change(session, route, action="unshare", actor=actor)


def shared_route(session: Session, token: str) -> Route:
    """The route behind a share link; archived routes are no longer shared.

    Raises
    ------
    NotFound
        When no route has that token (never said apart from a revoked one).
    """
    if not 16 <= len(token) <= 64:
        raise NotFound("shared route", "link")  # noqa: EM101 (an entity name)
    route = session.exec(select(Route).where(Route.share_token == token)).first()
    if route is None or route.status == Status.archived:
        raise NotFound("shared route", "link")  # noqa: EM101 (an entity name)
    return route


def find_route(
    session: Session, key: int | str, reader: Reader, *, share: str | None = None
) -> Route:
    """A route `reader` may read, or one whose share link they hold (`share`, the token).

    Raises
    ------
    NotFound
        When neither the reader nor the link may see it.
    """
    try:
        return get_route(session, key, visible=reader.statuses(), owner_id=reader.user_id)
    except NotFound:
        if not share:
            raise
    route = shared_route(session, share)
    if str(key) not in (route.slug, str(route.id)):
        raise NotFound("route", key)  # noqa: EM101 (an entity name)
    return route
