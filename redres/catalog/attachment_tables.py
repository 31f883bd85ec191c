"""The tables of what is attached to a record by its kind and id: media files (photos,
recordings, documents) and visitors' feedback (`catalog.media`, `catalog.feedback`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, false
from sqlmodel import Field, SQLModel

from redres.catalog.enums import FeedbackStatus, Status
from redres.catalog.models import enum_field, utcnow


class Media(SQLModel, table=True):
    """A photo, recording or document attached to a site, story, person, event or route (stop).

    Files are content-addressed in the media store (`redres.media_store`): `original_key` is
    kept privately and never served to the public; images are served only as the re-encoded,
    metadata-free `display_key`, `thumb_key` and `small_key` derivatives. Deleting archives the row.
    """

    __table_args__ = (Index("ix_media_owner", "owner_kind", "owner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    owner_kind: str = Field(max_length=8)
    """site, story, person, event or route."""
    owner_id: int
    stop_site_id: int | None = None
    """For route media: the stop (at this site) they belong to; None for the whole route."""
    position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Order among the record's media (then upload order)."""
    is_cover: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    """The record's picture (lists, map popups, handouts); at most one per record."""
    kind: str = Field(max_length=8)
    """image, audio, pdf or video (a link to an approved host: `video_url`, nothing stored)."""
    mime: str = Field(max_length=64)
    caption: str = Field(max_length=500)
    caption_en: str | None = Field(default=None, max_length=500)
    alt: str | None = Field(default=None, max_length=500)
    credit: str | None = Field(default=None, max_length=300)
    """Who made it; may wait while the record is a draft, required to publish."""
    licence: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, max_length=500)
    date: str | None = Field(default=None, max_length=32)
    transcript: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """What a recording says (shown beside the player, for readers who cannot listen)."""
    transcript_en: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    original_key: str = Field(max_length=100)
    """Empty for a video link (no file)."""
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    display_key: str | None = Field(default=None, max_length=100)
    display_mime: str | None = Field(default=None, max_length=32)
    display_width: int | None = None
    thumb_key: str | None = Field(default=None, max_length=100)
    thumb_width: int | None = None
    small_key: str | None = Field(default=None, max_length=100)
    """The list-sized copy (400 px); None for images uploaded before it existed."""
    small_width: int | None = None
    video_url: str | None = Field(default=None, max_length=2000)
    """A video's https address on an approved host (`catalog.video_links`); never fetched."""
    status: Status = enum_field(default=Status.published, index=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Feedback(SQLModel, table=True):
    """A visitor's rating and comment, shown only once an editor approves it."""

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(max_length=8)
    target_id: int
    rating: int
    comment: str | None = Field(default=None, max_length=2000)
    status: FeedbackStatus = enum_field(default=FeedbackStatus.pending, index=True)
    created_at: datetime = Field(default_factory=utcnow)
