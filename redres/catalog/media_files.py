"""What an uploaded file really is, decided from its bytes, and the public derivatives of images.

A file's name and declared type are never trusted. Images are decoded by Pillow under its
decompression-bomb limit and re-encoded from pixels alone, so no EXIF (GPS), XMP, ICC profile
or trailing payload reaches a derivative; audio is read with mutagen; PDFs are checked by
signature. Anything else, SVG included, is refused as unsupported.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # phones' HEIC photos, when the optional pillow-heif is installed
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - pillow-heif is a regular dependency
    HEIF = False
else:
    register_heif_opener()
    HEIF = True

from redres.catalog.errors import CatalogError
from redres.messages import Message

MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485
"""Largest image (in pixels) decoded; larger ones are refused as decompression bombs."""
THUMB_WIDTH = 800
THUMB_MAX_BYTES = 200 * 1024
SMALL_WIDTH = 400
SMALL_MAX_BYTES = 60 * 1024
"""The list-sized copy: gallery tiles on phones, list covers, portraits (what a first view
fetches); the thumbnail is for wider tiles and sharper screens."""
DISPLAY_WIDTH = 2048
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", *(("HEIF",) if HEIF else ()))
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1")

_HTML = re.compile(rb"<(?:!doctype|html|head|body|script|svg|iframe|\?php)\b", re.IGNORECASE)
"""Markup that makes a file also a web page (anywhere in it: a polyglot)."""
_MARKUP_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*<", re.IGNORECASE)
"""A file that starts like markup (HTML, SVG, XML)."""


class MediaRefused(CatalogError):
    """An upload that is not accepted; `status` is the HTTP status that says why."""

    status = 422
    localized = True
    """The API words a `Message` reason in the reader's language (`detail`, with `detail_en`)."""


class UnsupportedMedia(MediaRefused):
    """A type we do not take (SVG, HTML, archives, executables): 415."""

    status = 415


class InvalidMedia(MediaRefused):
    """A file of a supported type that is broken, truncated, a polyglot or a bomb: 422."""


@dataclass(frozen=True, slots=True)
class Derivative:
    """A re-encoded image, free of metadata."""

    data: bytes
    mime: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Inspected:
    """What a file turned out to be, with what the catalogue stores about it."""

    kind: str
    mime: str
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    display: Derivative | None = None
    thumb: Derivative | None = None
    small: Derivative | None = None
    public_audio: bytes | None = None
    """A recording's bytes with every tag removed (titles, comments, cover art): what is served."""
    location: tuple[float, float] | None = None
    """A photo's EXIF GPS position (lat, lon; WGS 84), offered to the editor, never stored."""


def inspect(data: bytes) -> Inspected:
    """Decide what `data` is from its bytes and check it through; derivatives for images.

    Raises
    ------
    UnsupportedMedia
        Not an image (JPEG, PNG, WebP, GIF, HEIC), audio (MP3, M4A, Ogg) or PDF.
    InvalidMedia
        Empty, truncated, undecodable, a decompression bomb, or a polyglot (HTML or ZIP inside).
    """
    if not data:
        raise InvalidMedia(Message("e_file_empty"))
    kind = sniff(data)
    _refuse_polyglots(data, kind)
    if kind == "image":
        return _image(data)
    if kind == "pdf":
        return _pdf(data)
    return _audio(data, kind)


def sniff(data: bytes) -> str:
    """The kind the signature bytes say: image, pdf, mp3, m4a or ogg."""
    head = data[:64]
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if HEIF and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "image"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom", b"dash"):
        return "m4a"
    if head.startswith(b"OggS"):
        return "ogg"
    if _MARKUP_START.match(head) or _HTML.search(data[:1024]):
        raise UnsupportedMedia(Message("e_file_markup"))
    raise UnsupportedMedia(Message("e_file_type"))


def _refuse_polyglots(data: bytes, kind: str) -> None:
    """A file that is also a ZIP (or, for images and audio, carries HTML) is refused whole."""
    if data[:4] == b"PK\x03\x04" or zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidMedia(Message("e_file_zip"))
    if kind != "pdf" and _HTML.search(data):
        raise InvalidMedia(Message("e_file_script"))


def _image(data: bytes) -> Inspected:
    try:  # Pillow warns above MAX_PIXELS and refuses above twice that; we refuse above it
        im = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
        width, height = im.size
        if width * height > MAX_PIXELS:
            raise InvalidMedia(Message("e_image_pixels", width=width, height=height))
        if im.format == "JPEG":
            im.draft("RGB", (DISPLAY_WIDTH, DISPLAY_WIDTH))
        im.load()
        upright = ImageOps.exif_transpose(im)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # the warning arrives as an exception where warnings are errors (the tests)
        raise InvalidMedia(Message("e_image_bomb")) from exc
    except UnidentifiedImageError as exc:
        raise InvalidMedia(Message("e_image_undecodable")) from exc
    except (OSError, SyntaxError, ValueError, EOFError, Warning) as exc:
        # Pillow also warns of corrupt metadata; where warnings are errors that is the raise
        raise InvalidMedia(Message("e_image_damaged", detail=str(exc))) from exc
    mime = Image.MIME.get(im.format or "", "application/octet-stream")
    pixels = _pixels_only(upright)
    w, h = (height, width) if upright.size != im.size else (width, height)
    display = _encode(_fit(pixels, DISPLAY_WIDTH, 2 * DISPLAY_WIDTH), quality=85)
    thumb = _thumbnail(pixels)
    small = _thumbnail(pixels, width=SMALL_WIDTH, max_bytes=SMALL_MAX_BYTES)
    where = gps_position(im)
    return Inspected(
        "image",
        mime,
        width=w,
        height=h,
        display=display,
        thumb=thumb,
        small=small,
        location=where,
    )


def gps_position(im: Image.Image) -> tuple[float, float] | None:
    """The EXIF GPS latitude and longitude in degrees, when present and plausible."""
    try:
        gps = im.getexif().get_ifd(0x8825)
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None
    return round(lat, 6), round(lon, 6)


def _degrees(dms: Any, ref: Any, negative: str) -> float:
    d, m, s = (float(v) for v in dms)
    value = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -value if str(ref).strip().upper() == negative else value


def _pixels_only(im: Image.Image) -> Image.Image:
    """A new image holding only the pixels (RGB, or RGBA when there is transparency)."""
    has_alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v / 256).convert("L")
    mode = "RGBA" if has_alpha else "RGB"
    converted = im.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    return clean


def _fit(im: Image.Image, max_width: int, max_height: int) -> Image.Image:
    """The image scaled down (never up) to fit the box."""
    out = im.copy()
    out.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
    out.info.clear()
    return out


def _encode(im: Image.Image, *, quality: int) -> Derivative:
    """WebP with no metadata at all (Pillow writes EXIF, XMP or ICC only when asked to)."""
    buf = io.BytesIO()
    im.save(buf, "WEBP", quality=quality, method=4)
    return Derivative(buf.getvalue(), "image/webp", im.size[0], im.size[1])


def _thumbnail(
    im: Image.Image, *, width: int = THUMB_WIDTH, max_bytes: int = THUMB_MAX_BYTES
) -> Derivative:
    """At most `width` wide and `max_bytes`: lower the quality, then the size."""
    while True:
        small = _fit(im, width, 2 * width)
        for quality in (80, 65, 50, 35):
            out = _encode(small, quality=quality)
            if len(out.data) <= max_bytes:
                return out
        width = max(1, width * 3 // 4)


def _pdf(data: bytes) -> Inspected:
    if b"%%EOF" not in data[-2048:]:
        raise InvalidMedia(Message("e_pdf_truncated"))
    return Inspected("pdf", "application/pdf")


_AUDIO: dict[str, tuple[tuple[Callable[[io.BytesIO], Any], ...], str]] = {
    "mp3": ((MP3,), "audio/mpeg"),
    "m4a": ((MP4,), "audio/mp4"),
    "ogg": ((OggVorbis, OggOpus), "audio/ogg"),
}


def _audio(data: bytes, kind: str) -> Inspected:
    readers, mime = _AUDIO[kind]
    for reader in readers:
        try:
            buf = io.BytesIO(data)
            audio = reader(buf)
            length = float(getattr(audio.info, "length", 0.0) or 0.0)
            if audio.tags is not None:
                audio.delete(buf)  # in place: the public copy carries no tags
            untagged = buf.getvalue()
            reader(io.BytesIO(untagged))  # still a sound file once untagged
        except (MutagenError, ValueError, EOFError, OSError, IndexError, KeyError):
            continue
        if length > 0:
            seconds = round(length, 3)
            return Inspected("audio", mime, duration_seconds=seconds, public_audio=untagged)
    raise InvalidMedia(Message("e_audio_unreadable", format=kind.upper()))
