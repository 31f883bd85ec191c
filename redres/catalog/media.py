"""Media records: attach a checked file to a site, story, person, event or route (stop),
order them, pick a cover, fill in their fields, list and archive them.

The bytes are judged by `media_files`; they are stored by a `media_store.MediaStore` before
the row is added, so a committed row always points at files that exist.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlmodel import Session, col, func, select

from redres.catalog import audit
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.errors import NotFound
from redres.catalog.media_files import InvalidMedia, inspect
from redres.catalog.media_owners import owner_of
from redres.catalog.media_rules import MediaIncomplete, Owner, is_public, kind_of, missing_of
from redres.catalog.models import Route, Site, pk
from redres.catalog.partial_dates import PartialDate
from redres.catalog.video_links import video_host
from redres.media_store import MediaStore, content_key
from redres.messages import Message

FILE_SUFFIX = {
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/ogg": ".ogg",
    "application/pdf": ".pdf",
}

Licence = Literal[
    "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "public-domain", "rights-reserved-with-permission"
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

LICENCES: tuple[str, ...] = get_args(Licence)
"""The licences media may carry (SPDX-style ids; the last two are ours)."""


Transcript = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]
MAX_POSITION = 10_000


class MediaPatch(BaseModel):
    """A change to a media item's fields; a blank optional field clears it."""

    model_config = ConfigDict(extra="forbid")

    caption: Text | None = None
    caption_en: Text | None = None
    alt: Text | None = None
    credit: Short | None = None
    licence: Licence | None = None
    source: Text | None = None
    date: PartialDate | None = None
    transcript: Transcript | None = None
    transcript_en: Transcript | None = None
    position: Annotated[int, Field(ge=0, le=MAX_POSITION)] | None = None
    is_cover: bool | None = None


MEDIA_FIELDS: tuple[str, ...] = tuple(MediaPatch.model_fields)
"""What an editor says about a media item, in the order forms and manifests show it."""


class MediaFields(MediaPatch):
    """What an editor tells about a new file: the caption is required; credit and licence may
    wait while the record is a draft (publishing needs them, `media_rules`)."""

    caption: Text


def read_fields(raw: dict[str, str], *, model: type[MediaPatch] = MediaFields) -> Any:
    """Validated fields from a form (blank optional fields count as absent, or as cleared for
    a patch; a ticked cover box is `on` or `true`).

    Raises
    ------
    InvalidMedia
        A required field is missing or a value is out of bounds (422).
    """
    present: dict[str, Any] = {
        k: (v.strip() or None) for k, v in raw.items() if v.strip() or model is MediaPatch
    }
    if "caption" in raw and model is MediaFields:
        present.setdefault("caption", raw["caption"])
    if "is_cover" in present:
        present["is_cover"] = (present["is_cover"] or "").lower() in ("on", "true", "1", "yes")
    if present.get("position") is None:
        present.pop("position", None)
    try:
        return model(**present)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = f"{where}: {first.get('msg', 'invalid')}"
        raise InvalidMedia(msg) from exc


def add_media(
    session: Session,
    store: MediaStore,
    owner: Owner,
    data: bytes,
    fields: MediaFields,
    *,
    actor: str,
    stop: Site | None = None,
    hint: dict[str, float] | None = None,
) -> Media:
    """Check `data`, store the original and its derivatives, and add the row (audited).

    A new item goes after the record's others unless `fields.position` says where; `stop`
    (route media only) ties it to the route's stop at that site. A photo's GPS position, if
    it has one, is put in `hint` (`lat`, `lon`) for the editor, and stored nowhere.

    Raises
    ------
    media_files.MediaRefused
        The bytes are not an accepted, sound file (415 or 422).
    MediaIncomplete
        The record is public and the item lacks credit or licence (422).
    """
    if is_public(owner) and (not fields.credit or not fields.licence):
        refuse_public(fields.credit, fields.licence)
    found = inspect(data)
    original = content_key("originals", data)
    store.put(original, data)
    values = fields.model_dump(exclude={"position", "is_cover"})
    media = Media(
        owner_kind=kind_of(owner),
        owner_id=pk(owner),
        stop_site_id=pk(stop) if stop is not None and isinstance(owner, Route) else None,
        position=fields.position if fields.position is not None else next_position(session, owner),
        is_cover=bool(fields.is_cover),
        kind=found.kind,
        mime=found.mime,
        original_key=original,
        size_bytes=len(data),
        width=found.width,
        height=found.height,
        duration_seconds=found.duration_seconds,
        created_by=actor,
        **values,
    )
    for name, derivative in (
        ("display", found.display),
        ("thumb", found.thumb),
        ("small", found.small),
    ):
        if derivative is None:
            continue
        key = content_key("derivatives", derivative.data, ".webp")
        store.put(key, derivative.data)
        setattr(media, f"{name}_key", key)
        setattr(media, f"{name}_width", derivative.width)
    media.display_mime = found.display.mime if found.display else None
    if found.public_audio is not None:
        suffix = FILE_SUFFIX[found.mime]
        media.display_key = content_key("derivatives", found.public_audio, suffix)
        media.display_mime = found.mime
        store.put(media.display_key, found.public_audio)
    insert_media(session, media, cover=bool(fields.is_cover), actor=actor)
    if hint is not None and found.location is not None:
        hint["lat"], hint["lon"] = found.location
    return media


def insert_media(session: Session, media: Media, *, cover: bool, actor: str) -> None:
    """Add a new item (a file's or a video link's), make it the cover when asked, audit it."""
    session.add(media)
    session.flush()
    if cover:
        _make_cover(session, media)
    audit.record(
        session,
        entity="media",
        entity_id=pk(media),
        action="create",
        actor=actor,
        before=None,
        after=audit.snapshot(media),
    )


def update_media(session: Session, media: Media, patch: MediaPatch, *, actor: str) -> Media:
    """Change a media item's fields, order or cover flag (audited).

    Raises
    ------
    InvalidMedia
        The caption is cleared (422).
    MediaIncomplete
        Its record is public and the change leaves it without credit or licence (422).
    """
    changes = patch.model_dump(exclude_unset=True)
    if "caption" in changes and changes["caption"] is None:
        msg = "caption: a caption is required"
        raise InvalidMedia(msg)
    before = audit.snapshot(media)
    cover = changes.pop("is_cover", None)
    if changes.get("position") is None:
        changes.pop("position", None)
    for key, value in changes.items():
        setattr(media, key, value)
    owner = owner_of(session, media)
    if media.status != Status.archived and is_public(owner) and missing_of(media):
        refuse_public(media.credit, media.licence)
    if cover is not None:
        media.is_cover = bool(cover) and media.kind != "video"  # a cover is a picture
    session.add(media)
    session.flush()
    if media.is_cover:
        _make_cover(session, media)
    after = audit.snapshot(media)
    if after != before:
        audit.record(
            session,
            entity="media",
            entity_id=pk(media),
            action="update",
            actor=actor,
            before=before,
            after=after,
        )
    return media


def refuse_public(credit: str | None, licence: str | None) -> None:
    missing = tuple(
        Message(key)
        for key, value in (("w_media_credit", credit), ("w_media_licence", licence))
        if not value
    )
    raise MediaIncomplete(Message("e_media_public", missing=missing))


def next_position(session: Session, owner: Owner) -> int:
    stmt = select(func.max(Media.position)).where(
        Media.owner_kind == kind_of(owner), Media.owner_id == pk(owner)
    )
    top = session.exec(stmt).one()
    return 0 if top is None else min(int(top) + 1, MAX_POSITION)


def _make_cover(session: Session, media: Media) -> None:
    """`media` is its record's (or its stop's) only cover."""
    stmt = select(Media).where(
        Media.owner_kind == media.owner_kind,
        Media.owner_id == media.owner_id,
        Media.id != media.id,
        col(Media.is_cover),
    )
    for other in session.exec(stmt):
        if other.stop_site_id == media.stop_site_id:
            other.is_cover = False
            session.add(other)
    session.flush()


def get_media(session: Session, media_id: int, *, visible: Collection[Status] = PUBLIC) -> Media:
    """A media row the caller may see: its own status and its owner's both visible.

    Raises
    ------
    NotFound
        Unknown, archived (for the public), or attached to a record the caller cannot see.
    """
    media = session.get(Media, media_id)
    if media is None or media.status not in visible or not _owner_visible(session, media, visible):
        msg = "media"
        raise NotFound(msg, media_id)
    return media


def archive_media(session: Session, media: Media, *, actor: str) -> Media:
    """Take a file out of public view; its row and files stay (a soft delete, audited)."""
    if media.status != Status.archived:
        before = audit.snapshot(media)
        media.status = Status.archived
        session.add(media)
        audit.record(
            session,
            entity="media",
            entity_id=pk(media),
            action="archive",
            actor=actor,
            before=before,
            after=audit.snapshot(media),
        )
    return media


def media_of(
    session: Session, owner_kind: str, owner_id: int, *, visible: Collection[Status] = PUBLIC
) -> list[Media]:
    """A record's media in upload order; archived ones only for readers who see archives."""
    stmt = (
        select(Media)
        .where(
            Media.owner_kind == owner_kind,
            Media.owner_id == owner_id,
            col(Media.status).in_(list(visible)),
        )
        .order_by(col(Media.position), col(Media.id))
    )
    return list(session.exec(stmt))


def media_json(media: Media) -> dict[str, Any]:
    """A media item as readers see it: the public derivative URLs, never the original."""
    base = f"/media/{pk(media)}"
    small = None
    if media.kind == "video":
        url, thumb = media.video_url or "", None
    elif media.kind == "image":
        url, thumb = f"{base}/display.webp", f"{base}/thumb.webp"
        small = f"{base}/small.webp" if media.small_key else None
    else:
        url, thumb = f"{base}/file{FILE_SUFFIX.get(media.mime, '')}", None
    return {
        "id": media.id,
        "kind": media.kind,
        "caption": media.caption,
        "caption_en": media.caption_en,
        "alt": media.alt,
        "credit": media.credit,
        "licence": media.licence,
        "source": media.source,
        "date": media.date,
        "transcript": media.transcript,
        "transcript_en": media.transcript_en,
        "position": media.position,
        "is_cover": media.is_cover,
        "stop_site_id": media.stop_site_id,
        "url": url,
        "thumb_url": thumb,
        "small_url": small,
        "width": media.width,
        "display_width": media.display_width,
        "thumb_width": media.thumb_width,
        "small_width": media.small_width,
        "height": media.height,
        "duration_seconds": media.duration_seconds,
        "host": video_host(media.video_url) if media.video_url else None,
        "status": media.status,
    }


def media_list(items: Sequence[Media]) -> list[dict[str, Any]]:
    """Several media items as JSON."""
    return [media_json(m) for m in items]


def _owner_visible(session: Session, media: Media, visible: Collection[Status]) -> bool:
    try:
        owner = owner_of(session, media)
    except NotFound:
        return False
    status = getattr(owner, "status", Status.published)  # people and events have no workflow
    return status in visible
