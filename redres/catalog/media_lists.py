"""Media read for pages beyond a record's own: the covers of many records at once (lists, map
popups, handouts) and a route's media, whole-route and per stop."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from redres.catalog.attachment_tables import Media
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.media import media_of
from redres.catalog.models import Route, pk


def covers_of(
    session: Session,
    owner_kind: str,
    ids: Iterable[int] | None,
    *,
    visible: Collection[Status] = PUBLIC,
) -> dict[int, Media]:
    """Each record's cover image: the one marked cover, else its first image in order.

    `ids` None: every record's (a whole map; no list of 40,000 ids sent to the database).
    The caller has already decided the records may be seen; media of another status are left
    out (stop covers of a route are not record covers: `stop_site_id` is None here).
    """
    wanted = None if ids is None else list(set(ids))
    if wanted == []:
        return {}
    stmt = (
        select(Media)
        .where(
            Media.owner_kind == owner_kind,
            Media.kind == "image",
            col(Media.stop_site_id).is_(None),
            col(Media.status).in_(list(visible)),
        )
        .order_by(col(Media.is_cover).desc(), col(Media.position), col(Media.id))
    )
    if wanted is not None:
        stmt = stmt.where(col(Media.owner_id).in_(wanted))
    covers: dict[int, Media] = {}
    for media in session.exec(stmt):
        covers.setdefault(media.owner_id, media)
    return covers


@dataclass
class RouteMedia:
    """A route's media: for the whole route, and per stop (by the stop's site id)."""

    whole: list[Media] = field(default_factory=list)
    stops: dict[int, list[Media]] = field(default_factory=dict)


def route_media(
    session: Session, route: Route, *, visible: Collection[Status] = PUBLIC
) -> RouteMedia:
    """A route's media in their order, split into the whole route's and each stop's."""
    found = RouteMedia()
    for media in media_of(session, "route", pk(route), visible=visible):
        if media.stop_site_id is None:
            found.whole.append(media)
        else:
            found.stops.setdefault(media.stop_site_id, []).append(media)
    return found
