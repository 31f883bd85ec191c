"""The JSON of media items (photos, recordings, documents) as readers see them, and the
`srcset` pages build from it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from redres.catalog.enums import Status


class MediaBody(BaseModel):
    """A photo, recording, document or video link as readers see it (derivative URLs, never the
    original)."""

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
    """Where to see it: our derivative or file, or for a video its page on the approved host."""
    thumb_url: str | None
    small_url: str | None = None
    """A 400 px copy for lists and phone tiles (None for images uploaded before it existed)."""
    width: int | None
    display_width: int | None
    thumb_width: int | None
    small_width: int | None = None
    height: int | None
    duration_seconds: float | None
    host: str | None = None
    """A video's host name (e.g. www.bilibili.com); None for files."""
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


def image_srcset(item: dict[str, Any]) -> str:
    """The `srcset` of an image's derivatives (as `media_json` gives them), smallest first, each
    width once: a small picture's copies can all be the same width, and a browser keeps only
    the first candidate of a width, so the lightest file is the one listed."""
    seen: set[int] = set()
    parts = []
    for url, width in (
        (item.get("small_url"), item.get("small_width")),
        (item.get("thumb_url"), item.get("thumb_width")),
        (item.get("url"), item.get("display_width")),
    ):
        if url and width and width not in seen:
            seen.add(width)
            parts.append(f"{url} {width}w")
    return ", ".join(parts)
