"""Media: editors attach checked files to records; the public sees only clean derivatives."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.config import Settings
from tests.api import media_samples as samples
from tests.api.forms import PASSWORD, bearer
from tests.factories import add_themes

SITE = {
    "name": "施洋烈士墓",
    "category": "martyrs_cemetery",
    "lon": 114.33583,
    "lat": 30.53972,
    "status": "published",
}
FIELDS = {"caption": "烈士墓正门", "credit": "武汉市文旅局", "licence": "CC-BY-4.0"}


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def catalogue(session: Session) -> None:
    """The two themes, an editor and a teacher."""
    add_themes(session)
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


@pytest.fixture
def app_settings(media_dir: Path) -> Settings:
    """Media in a fresh directory."""
    return Settings(database_url="sqlite://", media_dir=media_dir)


@pytest.fixture
def editor(client: TestClient) -> dict[str, str]:
    return bearer(client, "editor")


@pytest.fixture
def slug(client: TestClient, editor: dict[str, str]) -> str:
    r = client.post("/api/sites", json=SITE, headers=editor)
    assert r.status_code == 201, r.text
    return str(r.json()["properties"]["slug"])


def _upload(
    client: TestClient,
    path: str,
    data: bytes,
    headers: dict[str, str],
    *,
    name: str = "photo.jpg",
    **fields: str,
) -> httpx.Response:
    return client.post(
        path, files={"file": (name, data, "image/jpeg")}, data={**FIELDS, **fields}, headers=headers
    )


def _image(client: TestClient, url: str) -> tuple[Image.Image, bytes]:
    r = client.get(url)
    assert r.status_code == 200, r.text
    return Image.open(io.BytesIO(r.content)), r.content


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("teacher", 403), ("editor", 201)])
def test_only_editors_upload(client: TestClient, slug: str, who: str | None, code: int) -> None:
    headers = bearer(client, who) if who else {}
    r = _upload(client, f"/api/sites/{slug}/media", samples.jpeg_with_gps(), headers)
    assert r.status_code == code, r.text
    listed = client.get(f"/api/sites/{slug}").json()["properties"]["media"]
    assert len(listed) == (1 if code == 201 else 0)


def test_site_lists_media_and_derivatives_carry_no_metadata(
    client: TestClient, slug: str, editor: dict[str, str], media_dir: Path
) -> None:
    original = samples.jpeg_with_gps(orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the upload has GPS
    r = _upload(client, f"/api/sites/{slug}/media", original, editor, alt="墓门石阶")
    assert r.status_code == 201, r.text
    (item,) = client.get(f"/api/sites/{slug}").json()["properties"]["media"]
    assert {"id", "kind", "caption", "credit", "licence", "url", "thumb_url"} <= item.keys()
    assert item["kind"] == "image"
    assert (item["caption"], item["credit"], item["licence"]) == (
        "烈士墓正门",
        "武汉市文旅局",
        "CC-BY-4.0",
    )
    assert item["small_url"] == f"/media/{item['id']}/small.webp"
    for url in (item["url"], item["thumb_url"], item["small_url"]):
        im, raw = _image(client, url)
        assert im.format in ("WEBP", "JPEG")
        assert not im.getexif(), url
        assert not {"exif", "xmp", "icc_profile"} & im.info.keys(), url
        assert b"Exif" not in raw
        assert b"TestCam" not in raw
        assert b"GPS" not in raw
        # orientation 6: the 300x200 picture stands upright, its red left half now on top
        assert im.size == (200, 300)
        rgb = im.convert("RGB")
        assert rgb.getpixel((100, 10))[0] > 150
        assert rgb.getpixel((100, 290))[2] > 150
    # the original is kept privately, byte for byte, and is not served at any address
    kept = [p for p in (media_dir / "originals").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in kept] == [original]
    for name in ("original", "original.jpg", "file", "file.jpg", "../originals"):
        assert client.get(f"/media/{item['id']}/{name}").status_code == 404


def test_derivatives_keep_their_size_limits(
    client: TestClient, slug: str, editor: dict[str, str]
) -> None:
    photo = samples.noisy_jpeg(2600, 1700)
    assert len(photo) > 2 << 20  # over the 1 MiB of ordinary bodies: media take uploads' limit
    r = _upload(client, f"/api/sites/{slug}/media", photo, editor)
    assert r.status_code == 201, r.text
    item = r.json()
    display, _ = _image(client, item["url"])
    thumb, thumb_raw = _image(client, item["thumb_url"])
    small, small_raw = _image(client, item["small_url"])
    assert display.width == 2048
    assert thumb.width <= 800
    assert len(thumb_raw) <= 200 * 1024
    assert small.width == item["small_width"] <= 400
    assert len(small_raw) <= 60 * 1024


def test_alpha_png_and_cmyk_jpeg_work(
    client: TestClient, slug: str, editor: dict[str, str]
) -> None:
    r = _upload(client, f"/api/sites/{slug}/media", samples.png_with_alpha(), editor, name="a.png")
    assert r.status_code == 201, r.text
    im, _ = _image(client, r.json()["thumb_url"])
    assert im.mode == "RGBA"
    assert im.getpixel((5, 5))[3] == 128
    r = _upload(client, f"/api/sites/{slug}/media", samples.cmyk_jpeg(), editor)
    assert r.status_code == 201, r.text
    im, _ = _image(client, r.json()["url"])
    assert im.mode == "RGB"
    assert im.size == (100, 60)


def test_phone_heic_photos_work(client: TestClient, slug: str, editor: dict[str, str]) -> None:
    r = _upload(client, f"/api/sites/{slug}/media", samples.heic(), editor, name="IMG_0001.HEIC")
    assert r.status_code == 201, r.text
    im, _ = _image(client, r.json()["url"])
    assert im.format == "WEBP"
    assert im.size == (64, 48)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (samples.jpeg_zip_polyglot(), 422),
        (samples.jpeg_html_polyglot(), 422),
        (samples.HTML, 415),
        (samples.SVG, 415),
        (samples.png_bomb(), 422),
        (samples.png_bomb(10_000), 422),
        (samples.jpeg_with_gps()[:700], 422),
        (b"", 422),
        (b"MZ\x90\x00 an executable", 415),
    ],
    ids=[
        "zip-polyglot",
        "html-polyglot",
        "html",
        "svg",
        "bomb",
        "bomb-1.1x",
        "truncated",
        "empty",
        "exe",
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(
    client: TestClient, slug: str, editor: dict[str, str], media_dir: Path, data: bytes, code: int
) -> None:
    r = _upload(client, f"/api/sites/{slug}/media", data, editor)
    assert r.status_code == code, r.text
    assert isinstance(r.json()["detail"], str)
    assert client.get(f"/api/sites/{slug}").json()["properties"]["media"] == []
    assert not media_dir.exists() or not any(p.is_file() for p in media_dir.rglob("*"))
    assert client.get("/healthz").status_code == 200


def test_oversize_uploads_get_413_before_the_body_is_read(
    client: TestClient, slug: str, editor: dict[str, str]
) -> None:
    big = b"\xff\xd8\xff" + b"\x00" * (50 << 20)
    r = _upload(client, f"/api/sites/{slug}/media", big, editor)
    assert r.status_code == 413
    sent = 0

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as bytes arrive
        nonlocal sent
        for _ in range(60):
            sent += 1
            yield b"\x00" * (1 << 20)

    r = client.post(
        f"/api/sites/{slug}/media",
        content=chunks(),
        headers={**editor, "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 413
    assert client.get("/healthz").status_code == 200
    assert client.get(f"/api/sites/{slug}").json()["properties"]["media"] == []


def test_fields_are_checked(client: TestClient, slug: str, editor: dict[str, str]) -> None:
    url = f"/api/sites/{slug}/media"
    jpeg = samples.jpeg_with_gps()
    assert _upload(client, url, jpeg, editor, licence="GPL-3.0").status_code == 422
    assert _upload(client, url, jpeg, editor, caption=" ").status_code == 422
    assert _upload(client, url, jpeg, editor, date="1927-13").status_code == 422
    r = client.post(url, data=FIELDS, headers=editor)
    assert r.status_code == 422
    assert (
        client.post(
            "/api/sites/no-such-site/media",
            files={"file": ("a.jpg", jpeg)},
            data=FIELDS,
            headers=editor,
        ).status_code
        == 404
    )
    for licence in ("CC0-1.0", "CC-BY-SA-4.0", "public-domain", "rights-reserved-with-permission"):
        assert _upload(client, url, jpeg, editor, licence=licence).status_code == 201


def test_files_are_cached_by_etag(client: TestClient, slug: str, editor: dict[str, str]) -> None:
    item = _upload(client, f"/api/sites/{slug}/media", samples.jpeg_with_gps(), editor).json()
    r = client.get(item["thumb_url"])
    assert "max-age=31536000" in r.headers["cache-control"]
    assert "public" in r.headers["cache-control"]
    again = client.get(item["thumb_url"], headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_delete_archives(client: TestClient, slug: str, editor: dict[str, str]) -> None:
    item = _upload(client, f"/api/sites/{slug}/media", samples.jpeg_with_gps(), editor).json()
    teacher = bearer(client, "teacher")
    assert client.delete(f"/api/media/{item['id']}").status_code == 401
    assert client.delete(f"/api/media/{item['id']}", headers=teacher).status_code == 403
    r = client.delete(f"/api/media/{item['id']}", headers=editor)
    assert r.status_code == 200
    assert r.json()["status"] == "archived"
    assert client.get(f"/api/sites/{slug}").json()["properties"]["media"] == []
    assert client.get(item["thumb_url"]).status_code == 404
    assert client.get(item["small_url"]).status_code == 404
    staff = client.get(f"/api/sites/{slug}", headers=editor).json()["properties"]["media"]
    assert [m["status"] for m in staff] == ["archived"]


def test_media_of_a_draft_site_stays_private(client: TestClient, editor: dict[str, str]) -> None:
    draft = client.post("/api/sites", json={**SITE, "status": "draft"}, headers=editor).json()
    slug = draft["properties"]["slug"]
    item = _upload(client, f"/api/sites/{slug}/media", samples.jpeg_with_gps(), editor).json()
    assert client.get(item["thumb_url"]).status_code == 404
    assert client.get(item["small_url"]).status_code == 404
    assert client.get(item["thumb_url"], headers=editor).status_code == 200


def test_pdf_downloads_and_audio_has_a_duration(
    client: TestClient, slug: str, editor: dict[str, str]
) -> None:
    url = f"/api/sites/{slug}/media"
    pdf = _upload(client, url, samples.PDF, editor, name="doc.jpg").json()
    assert pdf["kind"] == "pdf"
    assert pdf["thumb_url"] is None
    r = client.get(pdf["url"])
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment")
    assert _upload(client, url, samples.PDF[:-7], editor).status_code == 422  # truncated
    tagged = samples.tagged_mp3()
    assert b"secret title" in tagged
    audio = _upload(client, url, tagged, editor, name="talk.pdf").json()
    assert audio["kind"] == "audio"
    assert audio["duration_seconds"] == pytest.approx(2.09, abs=0.05)
    served = client.get(audio["url"])
    assert served.headers["content-type"] == "audio/mpeg"
    assert served.content == samples.mp3()  # the frames, without the tags


def test_people_stories_and_events_take_media(client: TestClient, editor: dict[str, str]) -> None:
    person = client.post("/api/people", json={"name": "施洋"}, headers=editor)
    assert person.status_code == 201, person.text
    pslug = person.json()["slug"]
    r = _upload(client, f"/api/people/{pslug}/media", samples.jpeg_with_gps(), editor)
    assert r.status_code == 201, r.text
    listed = client.get(f"/api/people/{pslug}/media").json()["media"]
    assert [m["id"] for m in listed] == [r.json()["id"]]
    for collection in ("stories", "events", "people", "sites"):
        missing = _upload(client, f"/api/{collection}/nobody/media", samples.PDF, editor)
        assert missing.status_code == 404


def test_person_and_event_reads_list_their_media(
    client: TestClient, editor: dict[str, str]
) -> None:
    """`GET /api/people/{slug}` and `/api/events/{slug}` list media as a site's read does:
    archived items for staff only."""
    for collection, body in (("people", {"name": "施洋"}), ("events", {"name": "二七大罢工"})):
        made = client.post(f"/api/{collection}", json=body, headers=editor)
        assert made.status_code == 201, made.text
        slug = made.json()["slug"]
        assert client.get(f"/api/{collection}/{slug}").json()["media"] == []
        kept = _upload(client, f"/api/{collection}/{slug}/media", samples.jpeg_with_gps(), editor)
        gone = _upload(client, f"/api/{collection}/{slug}/media", samples.PDF, editor, name="a.pdf")
        assert kept.status_code == gone.status_code == 201, gone.text
        assert client.delete(f"/api/media/{gone.json()['id']}", headers=editor).status_code == 200
        public = client.get(f"/api/{collection}/{slug}").json()["media"]
        assert [(m["id"], m["kind"], m["credit"]) for m in public] == [
            (kept.json()["id"], "image", FIELDS["credit"])
        ]
        assert public[0]["small_url"] == f"/media/{kept.json()['id']}/small.webp"
        staff = client.get(f"/api/{collection}/{slug}", headers=editor).json()["media"]
        assert [m["status"] for m in staff] == ["published", "archived"]


def test_site_page_shows_the_gallery(client: TestClient, slug: str, editor: dict[str, str]) -> None:
    _upload(client, f"/api/sites/{slug}/media", samples.jpeg_with_gps(), editor, alt="墓门 <石阶>")
    html = client.get(f"/sites/{slug}").text
    assert 'id="gallery"' in html
    assert 'alt="墓门 &lt;石阶&gt;"' in html
    assert 'loading="lazy"' in html
    assert "srcset=" in html
    assert "烈士墓正门" in html
    assert "武汉市文旅局" in html
    assert "CC-BY-4.0" in html
    assert "<script>" not in html
