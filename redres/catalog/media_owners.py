"""The records media belong to: a site, story, person, event or route (one of its stops), by
the API's collection name, and the stop an item of a route is tied to."""

from __future__ import annotations

from sqlmodel import Session, col, select

from redres.catalog.attachment_tables import Media
from redres.catalog.errors import NotFound
from redres.catalog.media_files import InvalidMedia
from redres.catalog.media_rules import Owner
from redres.catalog.models import Event, Person, Route, RouteStop, Site, Story, pk

OWNERS: dict[str, tuple[str, type[Owner]]] = {
    "sites": ("site", Site),
    "stories": ("story", Story),
    "people": ("person", Person),
    "events": ("event", Event),
    "routes": ("route", Route),
}
"""The API collection name -> (owner kind stored on the row, its table)."""


def stop_site(session: Session, owner: Owner, slug: str) -> Site:
    """The site of `owner`'s stop named by its site's slug (route media of one stop).

    Raises
    ------
    InvalidMedia
        `owner` is not a route, or the route does not stop at that site (422).
    """
    stmt = (
        select(Site)
        .join(RouteStop, col(RouteStop.site_id) == col(Site.id))
        .where(RouteStop.route_id == pk(owner), Site.slug == slug)
    )
    site = session.exec(stmt).first() if isinstance(owner, Route) else None
    if site is None:
        msg = f"stop: the route has no stop at site {slug!r}"
        raise InvalidMedia(msg)
    return site


def owner_of(session: Session, media: Media) -> Owner:
    """The record a media item belongs to (NotFound when it is gone)."""
    table = next(t for kind, t in OWNERS.values() if kind == media.owner_kind)
    owner: Owner | None = session.get(table, media.owner_id)  # type: ignore[assignment]
    if owner is None:
        msg = "media owner"
        raise NotFound(msg, media.owner_id)
    return owner
