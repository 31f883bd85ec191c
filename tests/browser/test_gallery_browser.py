"""A phone on a site page with photos and an audio guide: the gallery's lazy images load under
the CSP, upright, with their alt text, captions and credits; the native player and its
transcript show; nothing is wider than the screen. An editor uploads two files by the page's
script and sees each one's progress and the photo's GPS offered as the site's point."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.media import add_media, read_fields
from redres.catalog.media_videos import add_video
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home, csp_violations

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
FITS = "() => document.documentElement.scrollWidth <= Math.min(window.innerWidth, 390)"
SHOTS = Path("/tmp/shots-media")


@pytest.fixture(scope="module")
def gallery_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a SQLite catalogue of one published site with two photos."""
    root = tmp_path_factory.mktemp("gallery")
    url = f"sqlite:///{root / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    store = DirectoryStore(root / "media")
    with Session(engine) as session:
        site = create_site(
            session,
            SiteCreate(
                name="施洋烈士墓",
                category="martyrs_cemetery",
                lon=114.33583,
                lat=30.53972,
                status=Status.published,
            ),
        )
        for data, alt in (
            (samples.jpeg_with_gps(orientation=6), "墓门石阶"),
            (samples.png_with_alpha(), "纪念碑剪影"),
        ):
            fields = read_fields(
                {
                    "caption": f"照片：{alt}",
                    "credit": "武汉市文旅局",
                    "licence": "CC-BY-4.0",
                    "alt": alt,
                }
            )
            add_media(session, store, site, data, fields, actor="editor")
        guide = {
            "caption": "施洋烈士生平讲解",
            "credit": "武汉市文旅局",
            "licence": "CC-BY-4.0",
            "transcript": "施洋，湖北竹山人，京汉铁路工人大罢工中的法律顾问。",
        }
        add_media(session, store, site, samples.mp3(), read_fields(guide), actor="editor")
        film = {"caption": "纪录片《施洋》片段", "credit": "武汉市文旅局", "licence": "CC-BY-4.0"}
        add_video(
            session,
            site,
            "https://www.bilibili.com/video/BV1xx411c7mD",
            read_fields(film),
            hosts=("www.bilibili.com",),
            actor="editor",
        )
        create_user(session, EDITOR, PASSWORD, Role.editor)
        session.commit()
        slug = site.slug
    app = create_app(
        Settings(database_url=url, secret_key="g" * 40, media_dir=root / "media"), engine=engine
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="off"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/sites/{slug}"
    uv.should_exit = True
    thread.join(timeout=5)
    engine.dispose()


def test_gallery_on_a_phone(gallery_server: str, open_page: Any) -> None:
    page, traffic = open_page(gallery_server, locale="zh-CN", **PHONE)
    images = page.locator("#gallery ~ ul.gallery-items img")
    assert images.count() == 2
    assert [images.nth(i).get_attribute("alt") for i in range(2)] == ["墓门石阶", "纪念碑剪影"]
    assert {images.nth(i).get_attribute("loading") for i in range(2)} == {"lazy"}
    for i in range(2):
        images.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle()
        )
    first = images.nth(0).evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
    assert first[0] < first[1], "the photo taken sideways (EXIF orientation 6) stands upright"
    text = page.locator("section.gallery").inner_text()
    assert "照片：墓门石阶" in text
    assert "武汉市文旅局" in text
    assert "CC BY 4.0" in text  # the licence in words (its id in the title)
    assert page.evaluate(FITS), "the gallery scrolls sideways on a phone"
    card = page.locator("section.gallery a.video-card")  # a link, no iframe (the CSP holds)
    assert card.is_visible()
    assert (card.get_attribute("target"), card.get_attribute("rel")) == (
        "_blank",
        "noopener nofollow",
    )
    assert "在哔哩哔哩观看" in card.inner_text()
    box = card.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert page.locator("iframe").count() == 0
    player = page.locator("section.audio-guide audio[controls]")
    assert player.count() == 1
    assert player.is_visible()
    box = player.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    transcript = page.locator("section.audio-guide details[open] .transcript")
    assert transcript.is_visible(), "the transcript is shown without a click"
    assert "京汉铁路工人大罢工" in transcript.inner_text()
    assert csp_violations(page) == []
    assert_stayed_home(traffic)
    shots = Path(__file__).resolve().parent.parent.parent / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.locator("section.gallery").screenshot(path=str(shots / "site-gallery.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "site-390-zh.png"), full_page=True)
    english, _ = open_page(f"{gallery_server}?lang=en", **PHONE)
    assert "No transcript yet" in english.locator("section.audio-guide").inner_text()
    assert english.evaluate(FITS)
    english.screenshot(path=str(SHOTS / "site-390-en.png"), full_page=True)
    wide, _ = open_page(gallery_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    wide.screenshot(path=str(SHOTS / "site-1280-zh.png"), full_page=True)


def test_editor_uploads_with_progress_and_a_gps_hint(
    gallery_server: str, open_page: Any, tmp_path: Path
) -> None:
    editor_url = gallery_server.replace("/sites/", "/editor/sites/")
    page, traffic = open_page(editor_url, locale="zh-CN", **PHONE)
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(editor_url)
    photo, picture = tmp_path / "IMG_0001.jpg", tmp_path / "plan.png"
    photo.write_bytes(samples.jpeg_with_gps())
    picture.write_bytes(samples.png_with_alpha())
    page.set_input_files("#new-file", [str(photo), str(picture)])
    assert page.locator("[data-progress]").inner_text().strip() == "已选 2 个文件"
    page.fill("#new-caption", "墓园全景")
    page.fill("#new-credit", "武汉市文旅局")
    page.select_option("#new-licence", "CC-BY-4.0")
    page.click("form[data-media-upload] button[type=submit]")
    rows = page.locator("[data-progress] li progress")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-progress] li')]"
        ".filter(li => li.textContent.includes('已上传')).length === 2"
    )
    assert rows.count() == 2
    assert {rows.nth(i).evaluate("(p) => p.value") for i in range(2)} == {100}
    hint = page.locator("[data-progress] .note")
    assert "30.544722" in hint.inner_text()
    page.click("[data-progress] button")  # the photo's position, offered as the site's point
    assert page.input_value("#f-lat") == "30.544722"
    assert page.input_value("#f-lon") == "114.284722"
    wide_ones = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 12)"
    )
    assert page.evaluate(FITS), wide_ones
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#media").screenshot(path=str(SHOTS / "editor-upload-390.png"))
    page.click("details.video-link-form summary")  # the video link's form, opened
    assert page.locator("#video-video_url").is_visible()
    assert page.evaluate(FITS)
    page.locator("details.video-link-form").screenshot(path=str(SHOTS / "editor-video-390.png"))
    page.reload()
    assert page.locator("article.media-item").count() == 6  # four files, the video link
    assert page.locator("article.media-item .warn").count() == 0
    assert csp_violations(page) == []
    assert traffic.errors == []
