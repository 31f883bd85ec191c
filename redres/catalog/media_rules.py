"""The rule that a public record's media say who made them and under what licence.

An editor may upload a batch of photos to a draft and fill in credit and licence later; a
record whose media still lack them cannot be published (sites, stories, routes), and people
and events, public as soon as they are saved, take only media that carry both.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Status
from redres.catalog.errors import InvalidChange
from redres.catalog.models import Event, Person, Route, Site, Story, pk
from redres.messages import Message

Owner = Site | Story | Person | Event | Route
KINDS: dict[type, str] = {
    Site: "site",
    Story: "story",
    Person: "person",
    Event: "event",
    Route: "route",
}
"""The owner kind stored on a media row, per table."""


class MediaIncomplete(InvalidChange):
    """Publishing (or adding to a public record) media without credit or licence: 422.

    Its `Message` names each item, so the editor and the API say which ones to fix.
    """

    localized = True
    """The API words this error in the reader's language (Chinese first), not only English."""


def kind_of(owner: Owner) -> str:
    """The owner kind of a record (site, story, person, event, route)."""
    return KINDS[type(owner)]


def is_public(owner: Owner) -> bool:
    """Whether the record is seen by the public now (people and events always are)."""
    return getattr(owner, "status", Status.published) == Status.published


def missing_of(media: Media) -> tuple[Message, ...]:
    """What a media item lacks before it may be public: its credit, its licence or both."""
    missing = []
    if not (media.credit or "").strip():
        missing.append(Message("w_media_credit"))
    if not (media.licence or "").strip():
        missing.append(Message("w_media_licence"))
    return tuple(missing)


def incomplete_media(session: Session, owner: Owner) -> list[Media]:
    """The record's live media (not archived) that lack credit or licence, in their order."""
    stmt = (
        select(Media)
        .where(
            Media.owner_kind == kind_of(owner),
            Media.owner_id == pk(owner),
            col(Media.status) != Status.archived,
        )
        .order_by(col(Media.position), col(Media.id))
    )
    return [m for m in session.exec(stmt) if missing_of(m)]


def incomplete_message(items: list[Media]) -> Message:
    """The sentence refusing to publish while `items` lack credit or licence, naming each."""
    named = tuple(
        Message("e_media_item", id=pk(m), caption=m.caption, missing=missing_of(m)) for m in items
    )
    return Message("e_media_incomplete", items=named)


def refuse_incomplete(items: list[Media]) -> None:
    """Raise `MediaIncomplete` naming `items` (nothing happens when there are none)."""
    if items:
        raise MediaIncomplete(incomplete_message(items))


def publish_refused(session: Session, owner: Owner, status: str) -> Message | None:
    """Why `owner` may not be given `status` now (published, while some of its media lack credit
    or licence), for callers that report rather than raise (imports); None when it may."""
    if status != Status.published or is_public(owner):
        return None
    items = incomplete_media(session, owner)
    return incomplete_message(items) if items else None


def check_publishable(session: Session, owner: Owner) -> None:
    """Refuse to make `owner` public while any of its media lack credit or licence.

    Raises
    ------
    MediaIncomplete
        Naming every such item (id, caption, what it lacks).
    """
    refuse_incomplete(incomplete_media(session, owner))
