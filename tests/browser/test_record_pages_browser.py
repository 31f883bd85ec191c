"""A phone on a person's page and an event's: the portrait loads upright under the CSP, with
its alt text and credit, the document is a download, the page fits the screen, and links lead
from the site page to the person and on to the event. Screenshots at 390 and 1280 px, zh and en
go to /tmp/shots-media for a person to look at."""

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
from redres.catalog.models import Event, EventPerson, EventSite, Person
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.browser.conftest import assert_stayed_home, csp_violations

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
FITS = "() => document.documentElement.scrollWidth <= Math.min(window.innerWidth, 390)"
SHOTS = Path("/tmp/shots-media")
CREDIT = {"credit": "武汉市文旅局", "licence": "CC-BY-4.0"}


@pytest.fixture(scope="module")
def record_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a SQLite catalogue: a site, a person with a portrait, a photo and a PDF, and
    an event at the site that the person took part in."""
    root = tmp_path_factory.mktemp("records")
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
        person = Person(
            slug="shi-yang",
            name="施洋",
            name_en="Shi Yang",
            born="1889",
            died="1923-02-15",
            summary="湖北竹山人，律师，京汉铁路工人大罢工中的法律顾问。",
        )
        event = Event(
            slug="er-qi",
            name="京汉铁路工人大罢工",
            name_en="Beijing–Hankou Railway Strike",
            date="1923-02-04",
            end_date="1923-02-07",
        )
        session.add_all([person, event])
        session.flush()
        session.add_all(
            [
                EventSite(event_id=event.id or 0, site_id=site.id or 0),
                EventPerson(event_id=event.id or 0, person_id=person.id or 0),
            ]
        )
        for data, fields in (
            (
                samples.jpeg_with_gps(orientation=6),
                {"caption": "施洋像", "alt": "施洋的肖像", "is_cover": "on"},
            ),
            (
                samples.png_with_alpha(),
                {"caption": "纪念碑", "caption_en": "The monument", "alt": "纪念碑剪影"},
            ),
            (samples.PDF, {"caption": "辩护词（抄本）", "caption_en": "His defence (copy)"}),
        ):
            add_media(session, store, person, data, read_fields({**CREDIT, **fields}), actor="t")
        session.commit()
        slug = site.slug
    app = create_app(
        Settings(database_url=url, secret_key="r" * 40, media_dir=root / "media"), engine=engine
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
    yield f"http://127.0.0.1:{port}|{slug}"
    uv.should_exit = True
    thread.join(timeout=5)
    engine.dispose()


def test_person_and_event_pages_on_a_phone(record_server: str, open_page: Any) -> None:
    base, site = record_server.split("|")
    page, traffic = open_page(f"{base}/sites/{site}", locale="zh-CN", **PHONE)
    page.locator('a[href="/people/shi-yang"]').click()
    page.wait_for_url(f"{base}/people/shi-yang")
    portrait = page.locator("figure.portrait img")
    assert portrait.get_attribute("alt") == "施洋的肖像"
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=portrait.element_handle()
    )
    natural = portrait.evaluate("(img) => [img.naturalWidth, img.naturalHeight]")
    assert natural[0] < natural[1], "the photo taken sideways stands upright"
    box = portrait.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    assert "武汉市文旅局" in page.locator("figure.portrait").inner_text()
    document = page.locator("ul.documents a")
    assert document.inner_text() == "辩护词（抄本）"
    assert document.get_attribute("download") is not None
    assert "纪念碑" in page.locator("section.gallery").inner_text()
    assert page.evaluate(FITS), "the person's page scrolls sideways on a phone"
    assert csp_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "person-390-zh.png"), full_page=True)
    page.locator('a[href="/events/er-qi"]').click()
    page.wait_for_url(f"{base}/events/er-qi")
    assert "1923-02-04" in page.locator(".record-dates").inner_text()
    assert page.locator('a[href="/people/shi-yang"]').count() == 1
    assert page.evaluate(FITS)
    page.screenshot(path=str(SHOTS / "event-390-zh.png"), full_page=True)
    assert_stayed_home(traffic)

    english, _ = open_page(f"{base}/people/shi-yang?lang=en", **PHONE)
    assert english.locator("h1").inner_text() == "Shi Yang"
    assert english.locator("ul.documents a").inner_text() == "His defence (copy)"
    assert english.evaluate(FITS)
    english.screenshot(path=str(SHOTS / "person-390-en.png"), full_page=True)
    for lang in ("zh", "en"):
        wide, _ = open_page(
            f"{base}/people/shi-yang?lang={lang}", viewport={"width": 1280, "height": 900}
        )
        wide.screenshot(path=str(SHOTS / f"person-1280-{lang}.png"), full_page=True)
    listing, _ = open_page(f"{base}/people", locale="zh-CN", **PHONE)
    assert listing.evaluate(FITS)
    listing.screenshot(path=str(SHOTS / "people-390-zh.png"), full_page=True)
