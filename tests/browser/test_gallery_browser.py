"""A phone on a site page with photos: the gallery's lazy images load under the CSP, upright,
with their alt text, captions and credits, and nothing is wider than the screen."""

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
from redres.catalog.enums import Status
from redres.catalog.media import add_media, read_fields
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.browser.conftest import assert_stayed_home, csp_violations

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
FITS = "() => document.documentElement.scrollWidth <= Math.min(window.innerWidth, 390)"


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
    page, traffic = open_page(gallery_server, **PHONE)
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
    assert "CC-BY-4.0" in text
    assert page.evaluate(FITS), "the gallery scrolls sideways on a phone"
    assert csp_violations(page) == []
    assert_stayed_home(traffic)
    shots = Path(__file__).resolve().parent.parent.parent / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.locator("section.gallery").screenshot(path=str(shots / "site-gallery.png"))
