"""Files for the media tests, made here with Pillow and by hand: no binary fixtures."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

from PIL import ExifTags, Image


def jpeg_with_gps(*, size: tuple[int, int] = (300, 200), orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF holds a GPS position (and an orientation); left half red, right blue."""
    im = Image.new("RGB", size, (220, 20, 20))
    im.paste((20, 20, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (30.0, 32.0, 41.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (114.0, 17.0, 5.0)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()


def noisy_jpeg(width: int, height: int) -> bytes:
    """A large photo-sized JPEG of noise: hard to compress, so the thumbnail's byte limit bites."""
    rnd = random.Random(7)
    im = Image.frombytes("RGB", (width, height), rnd.randbytes(width * height * 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def png_with_alpha() -> bytes:
    """A half-transparent RGBA PNG."""
    im = Image.new("RGBA", (120, 80), (10, 200, 10, 128))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def cmyk_jpeg() -> bytes:
    """A CMYK JPEG, as print workflows make them."""
    im = Image.new("CMYK", (100, 60), (0, 200, 200, 0))
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    return buf.getvalue()


def png_bomb(side: int = 100_000) -> bytes:
    """A tiny PNG that claims side x side pixels: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_zip_polyglot() -> bytes:
    """A valid JPEG with a ZIP archive appended: it opens as either."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.html", "<script>alert(1)</script>")
    return jpeg_with_gps() + buf.getvalue()


def jpeg_html_polyglot() -> bytes:
    """A valid JPEG carrying a script in a comment segment."""
    im = Image.new("RGB", (40, 40), (0, 0, 0))
    buf = io.BytesIO()
    im.save(buf, "JPEG", comment=b"<html><script>alert(document.cookie)</script></html>")
    return buf.getvalue()


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def mp3(frames: int = 80) -> bytes:
    """MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, 417 bytes each) of silence."""
    frame = b"\xff\xfb\x90\x00" + b"\x00" * 413
    return frame * frames


def heic() -> bytes:
    """A HEIC photo, as phones take them (encoded by pillow-heif)."""
    im = Image.new("RGB", (64, 48), (200, 0, 0))
    buf = io.BytesIO()
    im.save(buf, "HEIF")
    return buf.getvalue()


def tagged_mp3() -> bytes:
    """An MP3 whose ID3 tags hold a title and a comment with a position."""
    from mutagen.id3 import COMM, ID3, TIT2

    buf = io.BytesIO(mp3())
    tags = ID3()
    tags.add(TIT2(encoding=3, text="secret title"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text="GPS 30.5,114.3"))
    tags.save(buf)
    return buf.getvalue()
