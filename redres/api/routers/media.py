"""Media: editors upload photos, recordings and PDFs to records, or link videos on approved
hosts; everyone reads the public files.

Uploads are multipart (`file`, or instead `video_url`: a video's https address on a host of
`REDRES_MEDIA_VIDEO_HOSTS`; `caption`, and optional `credit`, `licence`, `caption_en`, `alt`,
`source`, `date`, `transcript`, `transcript_en`, `position`, `is_cover`; for routes `stop`, the
slug of the stop's site) on `/api/{sites|stories|people|events|routes}/{slug}/media`; a public
record takes only media with credit and licence. `PATCH /api/media/{id}` changes the fields.
Only derivatives of images are ever served; an image's original stays in the store.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile, status
from fastapi.responses import Response

from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.api.media_access import media_store, owner_record
from redres.api.media_bodies import MediaBody, MediaList, UploadedMedia
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import PUBLIC, STAFF
from redres.catalog.errors import NotFound
from redres.catalog.media import (
    FILE_SUFFIX,
    MediaPatch,
    add_media,
    archive_media,
    get_media,
    media_json,
    media_of,
    read_fields,
    update_media,
)
from redres.catalog.media_files import MediaRefused
from redres.catalog.media_owners import OWNERS, stop_site
from redres.catalog.media_videos import add_video
from redres.catalog.models import pk
from redres.messages import Message

MediaId = Annotated[int, Path(ge=1, le=2**63 - 1, description="a media item's id")]
"""An id the databases can hold (a larger one is a 422, not a 500)."""

router = APIRouter(tags=["media"])

DERIVATIVE_CACHE = "public, max-age=31536000, immutable"
"""A derivative never changes at its address (a new upload gets a new id)."""
_REFUSED = {
    413: {"description": "larger than the upload limit"},
    415: {"description": "not an accepted file type (SVG, HTML, archives...)"},
    422: {"description": "a broken, truncated, polyglot or bomb file, or bad fields"},
}


def media_form(
    caption: Annotated[str, Form(max_length=2000)] = "",
    credit: Annotated[str, Form(max_length=2000)] = "",
    licence: Annotated[str, Form(max_length=100)] = "",
    caption_en: Annotated[str, Form(max_length=2000)] = "",
    alt: Annotated[str, Form(max_length=2000)] = "",
    source: Annotated[str, Form(max_length=2000)] = "",
    date: Annotated[str, Form(max_length=100)] = "",
    transcript: Annotated[str, Form(max_length=40_000)] = "",
    transcript_en: Annotated[str, Form(max_length=40_000)] = "",
    position: Annotated[str, Form(max_length=20)] = "",
    is_cover: Annotated[str, Form(max_length=10)] = "",
) -> dict[str, str]:
    """The text fields of an upload, checked by `catalog.media.read_fields`."""
    return {
        "caption": caption,
        "credit": credit,
        "licence": licence,
        "caption_en": caption_en,
        "alt": alt,
        "source": source,
        "date": date,
        "transcript": transcript,
        "transcript_en": transcript_en,
        "position": position,
        "is_cover": is_cover,
    }


def _upload(collection: str) -> Any:
    def upload(
        request: Request,
        slug: str,
        raw: Annotated[dict[str, str], Depends(media_form)],
        session: SessionDep,
        editor: EditorDep,
        file: Annotated[UploadFile | None, File(description="the image, audio or PDF")] = None,
        video_url: Annotated[
            str,
            Form(
                max_length=4000,
                description="instead of a file: https address of a video on an approved host",
            ),
        ] = "",
        stop: Annotated[str, Form(max_length=200)] = "",
    ) -> dict[str, Any]:
        """Attach a file (image, MP3/M4A/Ogg audio or PDF), or link a video on an approved host
        (`video_url`, `REDRES_MEDIA_VIDEO_HOSTS`), with its caption, credit and licence."""
        if file is not None and video_url.strip():
            raise MediaRefused(Message("e_video_and_file"))
        if file is None and not video_url.strip():
            raise HTTPException(422, "file: a file upload (or a video_url) is required")
        owner = owner_record(session, collection, slug)
        hint: dict[str, float] = {}
        stop_at = stop_site(session, owner, stop) if stop else None
        fields = read_fields(raw)
        if file is None:
            hosts = request.app.state.settings.video_hosts
            video = add_video(
                session, owner, video_url, fields, hosts=hosts, actor=editor.username, stop=stop_at
            )
            return {**media_json(video), "location_hint": None}
        media = add_media(
            session,
            media_store(request),
            owner,
            file.file.read(),
            fields,
            actor=editor.username,
            stop=stop_at,
            hint=hint,
        )
        return {**media_json(media), "location_hint": hint or None}

    upload.__name__ = f"upload_{collection}_media"
    return upload


def _listing(collection: str) -> Any:
    def listing(slug: str, session: SessionDep, visible: VisibleDep) -> dict[str, Any]:
        """A record's media (the public ones, or all for staff)."""
        kind, _table = OWNERS[collection]
        owner = owner_record(session, collection, slug)
        if getattr(owner, "status", None) not in (None, *visible):
            raise NotFound(kind, slug)
        return {
            "media": [media_json(m) for m in media_of(session, kind, pk(owner), visible=visible)]
        }

    listing.__name__ = f"list_{collection}_media"
    return listing


for _collection in OWNERS:
    router.add_api_route(
        f"/api/{_collection}/{{slug}}/media",
        _upload(_collection),
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        response_model=UploadedMedia,
        responses=_REFUSED,  # type: ignore[arg-type]
    )
    router.add_api_route(
        f"/api/{_collection}/{{slug}}/media",
        _listing(_collection),
        methods=["GET"],
        response_model=MediaList,
    )


@router.delete("/api/media/{media_id}", response_model=MediaBody)
def delete_media(media_id: MediaId, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    """Archive a media item: out of public view; its row and files stay."""
    media = get_media(session, media_id, visible=STAFF)
    return media_json(archive_media(session, media, actor=editor.username))


@router.patch("/api/media/{media_id}", response_model=MediaBody, responses=_REFUSED)  # type: ignore[arg-type]
def patch_media(
    media_id: MediaId, body: MediaPatch, session: SessionDep, editor: EditorDep
) -> dict[str, Any]:
    """Change a media item's caption, credit, licence, transcript, order or cover flag.

    A public record's media cannot lose their credit or licence (422).
    """
    media = get_media(session, media_id, visible=STAFF)
    return media_json(update_media(session, media, body, actor=editor.username))


@router.get("/media/{media_id}/{name}", response_model=None)
def read_file(
    request: Request, media_id: MediaId, name: str, session: SessionDep, visible: VisibleDep
) -> Response:
    """A public file: an image's display, thumbnail or small derivative, or a checked audio or PDF.

    Derivatives carry an ETag and a year's cache lifetime; PDFs come as downloads.
    """
    media = get_media(session, media_id, visible=visible)
    key, mime = _served(media, name)
    tag = f'"{key.rsplit("/", 1)[-1].split(".", 1)[0][:32]}"'
    headers = {
        "ETag": tag,
        "Cache-Control": DERIVATIVE_CACHE if visible == PUBLIC else "private, no-store",
    }
    if media.kind == "pdf":
        headers["Content-Disposition"] = f'attachment; filename="media-{pk(media)}.pdf"'
    if tag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    try:
        data = media_store(request).get(key)
    except KeyError as exc:
        msg = "media file"
        raise NotFound(msg, name) from exc
    return Response(data, media_type=mime, headers=headers)


def _served(media: Media, name: str) -> tuple[str, str]:
    """The store key and type behind a public file name; an image's or a recording's
    original has none (PDFs are served as checked)."""
    if media.kind == "image":
        key = {
            "display.webp": media.display_key,
            "thumb.webp": media.thumb_key,
            "small.webp": media.small_key,
        }.get(name)
        mime = media.display_mime or "image/webp"
    elif media.kind != "video" and name == f"file{FILE_SUFFIX.get(media.mime, '')}":
        key = media.original_key if media.kind == "pdf" else media.display_key
        mime = media.mime
    else:
        key = None
    if key is None:
        msg = "media file"
        raise NotFound(msg, name)
    return key, mime
