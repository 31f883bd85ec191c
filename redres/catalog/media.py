"""Media records: attach a checked file to a site, story, person or event, list, archive.

The bytes are judged by `media_files`; they are stored by a `media_store.MediaStore` before
the row is added, so a committed row always points at files that exist.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from sqlmodel import Session, col, select

from redres.catalog import audit
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.errors import NotFound
from redres.catalog.media_files import InvalidMedia, inspect
from redres.catalog.models import Event, Person, Site, Story, pk
from redres.catalog.partial_dates import PartialDate
from redres.media_store import MediaStore, content_key

OWNERS: dict[str, tuple[str, type[Site | Story | Person | Event]]] = {
    "sites": ("site", Site),
    "stories": ("story", Story),
    "people": ("person", Person),
    "events": ("event", Event),
}
"""The API collection name -> (owner kind stored on the row, its table)."""

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


class MediaFields(BaseModel):
    """What an editor tells about a file; caption, credit and licence are required."""

    model_config = ConfigDict(extra="forbid")

    caption: Text
    credit: Short
    licence: Licence
    caption_en: Text | None = None
    alt: Text | None = None
    source: Text | None = None
    date: PartialDate | None = None


def read_fields(raw: dict[str, str]) -> MediaFields:
    """Validated fields from a form (blank optional fields count as absent).

    Raises
    ------
    InvalidMedia
        A required field is missing or a value is out of bounds (422).
    """
    present = {k: v for k, v in raw.items() if v.strip() or k in ("caption", "credit", "licence")}
    try:
        return MediaFields(**present)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        msg = f"{where}: {first.get('msg', 'invalid')}"
        raise InvalidMedia(msg) from exc


def add_media(
    session: Session,
    store: MediaStore,
    owner: Site | Story | Person | Event,
    data: bytes,
    fields: MediaFields,
    *,
    actor: str,
) -> Media:
    """Check `data`, store the original and its derivatives, and add the row (audited).

    Raises
    ------
    media_files.MediaRefused
        The bytes are not an accepted, sound file (415 or 422).
    """
    found = inspect(data)
    original = content_key("originals", data)
    store.put(original, data)
    media = Media(
        owner_kind=_kind_of(owner),
        owner_id=pk(owner),
        kind=found.kind,
        mime=found.mime,
        original_key=original,
        size_bytes=len(data),
        width=found.width,
        height=found.height,
        duration_seconds=found.duration_seconds,
        created_by=actor,
        **fields.model_dump(),
    )
    for name, derivative in (("display", found.display), ("thumb", found.thumb)):
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
    session.add(media)
    session.flush()
    audit.record(
        session,
        entity="media",
        entity_id=pk(media),
        action="create",
        actor=actor,
        before=None,
        after=audit.snapshot(media),
    )
    return media


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
        .order_by(col(Media.id))
    )
    return list(session.exec(stmt))


def media_json(media: Media) -> dict[str, Any]:
    """A media item as readers see it: the public derivative URLs, never the original."""
    base = f"/media/{pk(media)}"
    if media.kind == "image":
        url, thumb = f"{base}/display.webp", f"{base}/thumb.webp"
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
        "url": url,
        "thumb_url": thumb,
        "width": media.width,
        "display_width": media.display_width,
        "thumb_width": media.thumb_width,
        "height": media.height,
        "duration_seconds": media.duration_seconds,
        "status": media.status,
    }


def media_list(items: Sequence[Media]) -> list[dict[str, Any]]:
    """Several media items as JSON."""
    return [media_json(m) for m in items]


def _kind_of(owner: Site | Story | Person | Event) -> str:
    return next(kind for kind, table in OWNERS.values() if isinstance(owner, table))


def _owner_visible(session: Session, media: Media, visible: Collection[Status]) -> bool:
    table = next(t for kind, t in OWNERS.values() if kind == media.owner_kind)
    owner = session.get(table, media.owner_id)
    if owner is None:
        return False
    status = getattr(owner, "status", Status.published)  # people and events have no workflow
    return status in visible
