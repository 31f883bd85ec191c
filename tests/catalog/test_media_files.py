"""Whatever bytes arrive, the media check answers with a result or a refusal, never a crash."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from redres.api.media_bodies import image_srcset
from redres.catalog.media_files import Inspected, MediaRefused, inspect
from tests.api import media_samples as samples

SIGNATURES = [
    b"\xff\xd8\xff\xe0",
    b"\x89PNG\r\n\x1a\n",
    b"GIF89a",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"%PDF-1.7\n",
    b"ID3\x04\x00\x00\x00\x00\x00\x00",
    b"\xff\xfb\x90\x00",
    b"\x00\x00\x00\x20ftypM4A ",
    b"\x00\x00\x00\x1cftypheic",
    b"OggS\x00\x02",
    b"",
]


def _judge(data: bytes) -> str | int:
    """ "accepted", or the status of the refusal; anything else raised fails the test."""
    try:
        found = inspect(data)
    except MediaRefused as exc:
        return exc.status
    return "accepted" if isinstance(found, Inspected) else "?"


VALID = [samples.jpeg_with_gps(), samples.png_with_alpha(), samples.mp3(4), samples.PDF]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(head=st.sampled_from(SIGNATURES), tail=st.binary(max_size=2048))
def test_random_bytes_behind_a_signature_are_judged(head: bytes, tail: bytes) -> None:
    assert _judge(head + tail) in ("accepted", 415, 422)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    which=st.sampled_from(VALID),
    cut=st.integers(min_value=1, max_value=10_000),
    noise=st.binary(min_size=1, max_size=16),
    at=st.integers(min_value=0, max_value=10_000),
)
def test_damaged_real_files_are_judged(which: bytes, cut: int, noise: bytes, at: int) -> None:
    damaged = which[: max(1, len(which) - cut)]
    at = min(at, len(damaged))
    damaged = damaged[:at] + noise + damaged[at + len(noise) :]
    assert _judge(damaged) in ("accepted", 415, 422)


def test_images_get_a_list_sized_copy_within_its_budget() -> None:
    found = inspect(samples.noisy_jpeg(2600, 1700))
    assert found.small is not None
    assert found.thumb is not None
    small = Image.open(io.BytesIO(found.small.data))
    assert small.format == "WEBP"
    assert small.width == found.small.width <= 400
    assert len(found.small.data) <= 60 * 1024
    assert not small.getexif()
    assert found.small.width < found.thumb.width


def test_srcset_lists_each_width_once_lightest_first() -> None:
    item = {
        "url": "/m/d",
        "display_width": 2048,
        "thumb_url": "/m/t",
        "thumb_width": 800,
        "small_url": "/m/s",
        "small_width": 400,
    }
    assert image_srcset(item) == "/m/s 400w, /m/t 800w, /m/d 2048w"
    older = {**item, "small_url": None, "small_width": None}  # uploaded before the small copy
    assert image_srcset(older) == "/m/t 800w, /m/d 2048w"
    tiny = {**item, "display_width": 300, "thumb_width": 300, "small_width": 300}
    assert image_srcset(tiny) == "/m/s 300w"
