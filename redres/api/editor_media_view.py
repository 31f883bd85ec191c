"""What the editor's media section shows: a record's media with their fields, the licences to
pick from, and, for routes, the stops media can belong to. One helper for every editor page."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from redres.catalog.enums import STAFF
from redres.catalog.media import LICENCES, media_json, media_of
from redres.catalog.media_rules import Owner, kind_of, missing_of
from redres.catalog.models import Route, pk
from redres.catalog.route_store import route_stops
from redres.messages import Name

COLLECTIONS = {
    "site": "sites",
    "story": "stories",
    "route": "routes",
    "person": "people",
    "event": "events",
}
"""Owner kind -> the collection in upload addresses."""


def media_section(session: Session, owner: Owner) -> dict[str, Any]:
    """The template data of `_media_editor.html` for `owner`'s editor page."""
    kind = kind_of(owner)
    stops: list[tuple[int, str, Name]] = []
    if isinstance(owner, Route):
        seen: set[int] = set()
        for row in route_stops(session, owner, visible=STAFF):
            if pk(row.site) not in seen:
                seen.add(pk(row.site))
                stops.append((pk(row.site), row.site.slug, Name(row.site.name, row.site.name_en)))
    items = [
        (media_json(m), [str(w.key) for w in missing_of(m)])
        for m in media_of(session, kind, pk(owner), visible=STAFF)
    ]
    return {
        "action": f"/editor/{COLLECTIONS[kind]}/{owner.slug}/media",
        "entries": items,
        "licences": LICENCES,
        "stops": stops,
        "stop_names": {site_id: name for site_id, _slug, name in stops},
    }
