"""Videos as media items: a link to a film on an approved host (`video_links`), with a file's
fields and publishing rule; nothing is fetched or stored but the address."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session

from redres.catalog.attachment_tables import Media
from redres.catalog.media import MediaFields, insert_media, next_position, refuse_public
from redres.catalog.media_rules import Owner, is_public, kind_of
from redres.catalog.models import Route, Site, pk
from redres.catalog.video_links import VIDEO_MIME, check_video_url


def add_video(
    session: Session,
    owner: Owner,
    url: str,
    fields: MediaFields,
    *,
    hosts: Collection[str],
    actor: str,
    stop: Site | None = None,
) -> Media:
    """Add a link to a video on an approved host (audited); nothing is fetched or stored.

    The same fields and publishing rule as a file; the address is checked by
    `video_links.check_video_url`.

    Raises
    ------
    InvalidMedia
        Not https on one of `hosts` (422).
    MediaIncomplete
        The record is public and the item lacks credit or licence (422).
    """
    if is_public(owner) and (not fields.credit or not fields.licence):
        refuse_public(fields.credit, fields.licence)
    link = check_video_url(url, hosts)
    values = fields.model_dump(exclude={"position", "is_cover"})
    media = Media(
        owner_kind=kind_of(owner),
        owner_id=pk(owner),
        stop_site_id=pk(stop) if stop is not None and isinstance(owner, Route) else None,
        position=fields.position if fields.position is not None else next_position(session, owner),
        is_cover=False,  # a cover is a picture
        kind="video",
        mime=VIDEO_MIME,
        original_key="",
        size_bytes=0,
        video_url=link,
        created_by=actor,
        **values,
    )
    insert_media(session, media, cover=False, actor=actor)
    return media
