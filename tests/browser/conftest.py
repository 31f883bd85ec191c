"""Headless Chromium (Debian's, never a downloaded one) and the app served on 127.0.0.1.

Every request the page makes is recorded; tile requests are answered with a local 1x1 PNG and
anything else bound for another host is aborted, so the tests also prove the page needs nothing
from outside. Every Content-Security-Policy violation, in the page or its frames, is recorded
too, and `assert_stayed_home` wants none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role, Status
from redres.catalog.models import Route, RouteStop, Story, StorySite, pk
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.browser.serving import serving
from tests.factories import add_toy_sites

CHROMIUM = os.environ.get("REDRES_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
HOSTILE = "<img src=x onerror=alert(1)>"
EDITOR, PASSWORD = "editor", "correct horse battery"
STORY = "1927年8月7日，中共中央在汉口召开紧急会议，确定土地革命和武装反抗国民党反动派的总方针。"
TILE_HOSTS = ("tile.openstreetmap.org", "autonavi.com", "gtimg.com", "tianditu.gov.cn")
RECORD_CSP = """
window.__redresCsp = [];
window.addEventListener("securitypolicyviolation", (e) => {
  window.__redresCsp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` (${e.sample}) at ${e.sourceFile}:${e.lineNumber} on ${e.documentURI}`);
}, true);
"""
"""Runs in every frame before the page's own scripts (init scripts are exempt from the CSP)."""


@dataclass
class Traffic:
    """What a page asked for: local requests, tiles answered locally, and anything refused."""

    local: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)


def csp_violations(page: Any) -> list[str]:
    """The CSP violations reported so far in the page now shown and each of its frames."""
    return [v for f in page.frames for v in f.evaluate("window.__redresCsp || []")]


def assert_stayed_home(traffic: Traffic) -> None:
    """Nothing went to another host, no script from data ran, no page error, no CSP violation."""
    assert traffic.refused == [], "the page asked another host for something"
    assert traffic.dialogs == [], "a script from a site name ran"
    assert traffic.errors == []
    assert traffic.csp == [], "the Content-Security-Policy blocked something"
    assert traffic.local, "the page loaded its scripts locally"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """A function opening a URL in a fresh page with every request recorded and routed."""
    contexts: list[Any] = []

    def open_(
        url: str,
        *,
        local_prefixes: tuple[str, ...] = ("http://127.0.0.1", "file:"),
        **options: Any,
    ) -> tuple[Any, Traffic]:
        traffic = Traffic()
        context = browser.new_context(**{"viewport": {"width": 1000, "height": 700}, **options})
        contexts.append(context)
        context.add_init_script(RECORD_CSP)
        page = context.new_page()

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(local_prefixes) or url.startswith("data:"):
                traffic.local.append(url)
                r.continue_()
            elif any(host in url for host in TILE_HOSTS):
                traffic.tiles.append(url)
                r.fulfill(body=PNG_1X1, content_type="image/png")
            else:
                traffic.refused.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("dialog", lambda d: (traffic.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: traffic.errors.append(str(e)))
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and traffic.csp.append(m.text),
        )
        page.goto(url)
        return page, traffic

    yield open_
    for c in contexts:
        c.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a SQLite catalogue (toy sites, a story, a hostile name, a route), on a free port."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        sites = add_toy_sites(session)
        hostile = create_site(
            session,
            SiteCreate(
                name=HOSTILE,
                category="memorial_hall",
                lon=114.40,
                lat=30.50,
                status=Status.published,
            ),
        )
        story = Story(
            slug="aug7", title="八七会议", summary=STORY, body=STORY, status=Status.published
        )
        session.add(story)
        route = Route(slug="red-walk", name="红色步行线", status=Status.published)
        session.add(route)
        session.flush()
        session.add(StorySite(story_id=pk(story), site_id=pk(sites[0])))
        for i, site in enumerate([sites[0], sites[1], hostile], start=1):
            session.add(
                RouteStop(
                    route_id=pk(route),
                    day=1,
                    position=i,
                    site_id=pk(site),
                    minutes=45,
                    note=HOSTILE,
                )
            )
        create_user(session, EDITOR, PASSWORD, Role.editor)
        session.commit()
    app = create_app(Settings(database_url=url, secret_key="b" * 40), engine=engine)
    with serving(app) as base:
        yield base
    engine.dispose()
