"""The JSON of media items (photos, recordings, documents) as readers see them."""

from __future__ import annotations

from pydantic import BaseModel

from redres.catalog.enums import Status


class MediaBody(BaseModel):
    """A photo, recording or document as readers see it (derivative URLs, never the original)."""

    id: int | None
    kind: str
    caption: str
    caption_en: str | None
    alt: str | None
    credit: str | None
    licence: str | None
    source: str | None
    date: str | None
    transcript: str | None = None
    transcript_en: str | None = None
    position: int = 0
    is_cover: bool = False
    stop_site_id: int | None = None
    """Route media only: the site of the stop they belong to (None: the whole route)."""
    url: str
    thumb_url: str | None
    small_url: str | None = None
    """A 400 px copy for lists and phone tiles (None for images uploaded before it existed)."""
    width: int | None
    display_width: int | None
    thumb_width: int | None
    small_width: int | None = None
    height: int | None
    duration_seconds: float | None
    status: Status


class LocationHint(BaseModel):
    """Where a photo's EXIF says it was taken (WGS 84): a hint for the editor, not stored."""

    lat: float
    lon: float


class UploadedMedia(MediaBody):
    """A new media item, with its photo's GPS position when it had one."""

    location_hint: LocationHint | None = None


class MediaList(BaseModel):
    """A record's media: the public ones, or all for staff."""

    media: list[MediaBody]
