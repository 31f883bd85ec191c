"""Where the media routes find their store and the record an upload is for (shared by the
API's media router and the editor's media forms)."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from redres.catalog.enums import STAFF
from redres.catalog.events import get_event
from redres.catalog.media_rules import Owner
from redres.catalog.people import get_person
from redres.catalog.route_store import get_route
from redres.catalog.sites import get_site
from redres.catalog.stories import get_story
from redres.media_store import DirectoryStore, MediaStore


def media_store(request: Request) -> MediaStore:
    """The app's store: the configured directory (`REDRES_MEDIA_DIR`)."""
    store = getattr(request.app.state, "media_store", None)
    if store is None:
        store = DirectoryStore(request.app.state.settings.media_dir)
        request.app.state.media_store = store
    return store


def owner_record(session: Session, collection: str, slug: str) -> Owner:
    """The record an editor attaches media to (drafts and archives included)."""
    if collection == "routes":
        return get_route(session, slug, visible=STAFF)
    if collection == "sites":
        return get_site(session, slug, visible=STAFF)
    if collection == "stories":
        return get_story(session, slug, visible=STAFF)
    if collection == "people":
        return get_person(session, slug)
    return get_event(session, slug)
