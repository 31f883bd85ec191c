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
    credit: str
    licence: str
    source: str | None
    date: str | None
    url: str
    thumb_url: str | None
    width: int | None
    display_width: int | None
    thumb_width: int | None
    height: int | None
    duration_seconds: float | None
    status: Status


class MediaList(BaseModel):
    """A record's media: the public ones, or all for staff."""

    media: list[MediaBody]
