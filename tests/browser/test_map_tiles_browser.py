"""The site map in server mode (tiles from /api/map/clusters) in headless Chromium: clusters
drawn, a cluster click zooms in, single sites and the search open popups, nothing from outside.
The threshold is set below the toy catalogue's size so the toy sites are served as tiles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.enums import Status
from redres.catalog.models import Story, StorySite, pk
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.browser.conftest import HOSTILE, STORY, assert_stayed_home
from tests.browser.serving import serving
from tests.browser.waits import MAP_READY, until
from tests.factories import add_toy_sites


@pytest.fixture(scope="module")
def tiled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The toy catalogue (five published located sites, a draft, a story) with threshold 2."""
    url = f"sqlite:///{tmp_path_factory.mktemp('tiles') / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        sites = add_toy_sites(session)
        create_site(
            session,
            SiteCreate(
                name=HOSTILE, category="memorial_hall", lon=114.40, lat=30.50, status="published"
            ),
        )
        create_site(session, SiteCreate(name="草稿站点", category="other", lon=114.3, lat=30.6))
        story = Story(
            slug="aug7", title="八七会议", summary=STORY, body=STORY, status=Status.published
        )
        session.add(story)
        session.flush()
        session.add(StorySite(story_id=pk(story), site_id=pk(sites[0])))
        session.commit()
    settings = Settings(database_url=url, secret_key="t" * 40, map_server_threshold=2)
    with serving(create_app(settings, engine=engine)) as base:
        yield base
    engine.dispose()


@pytest.mark.slow  # a browser session of a dozen steps
def test_server_mode_draws_clusters_and_opens_popups(tiled_server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{tiled_server}/maps/sites.html?date=2026-12-01")
    until(page, MAP_READY)
    assert page.evaluate("redres.siteLayers[0].redresTiled")
    assert page.evaluate("redres.siteLayers[0].redresShown()") == 5  # the draft is not counted
    assert not any("sites.json" in u for u in traffic.local)
    assert any("/api/map/clusters?" in u for u in traffic.local)

    # zoomed out, the sites are one cluster; clicking it zooms in two levels
    page.evaluate("(() => { const l = redres.siteLayers[0]; l._map.setView([30.6, 114.3], 7); })()")
    cluster = page.locator(".rr-cluster")
    # tiles answer one by one: wait until every tile in view has come and been merged
    until(
        page, "[...document.querySelectorAll('.rr-cluster')].map(e => e.innerText).join() === '5'"
    )
    assert cluster.count() == 1
    cluster.first.click()
    until(page, "redres.siteLayers[0]._map.getZoom() === 9")
    until(page, "redres.siteLayers[0].redresShown() === 5")

    # the theme toggles of the layer control ask the server for their sites only
    toggle = (
        "name => [...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".find(l => l.textContent.trim() === name).querySelector('input').click()"
    )
    page.evaluate(toggle, "大革命")
    until(page, "redres.siteLayers[0].redresShown() === 2")  # martyrs, no theme
    page.evaluate(toggle, "其他站点")
    until(page, "redres.siteLayers[0].redresShown() === 1")
    assert any("themes=martyrs&untagged=false" in u for u in traffic.local)
    page.evaluate(toggle, "大革命")
    page.evaluate(toggle, "其他站点")
    until(page, "redres.siteLayers[0].redresShown() === 5")

    # the search asks the server, zooms to the site and opens its popup with story and hours
    page.fill(".rr-search input", "八七")
    page.wait_for_selector(".rr-results li")
    page.click(".rr-results li >> nth=0")
    popup = page.locator(".leaflet-popup-content .rr-popup")
    popup.wait_for()
    assert STORY[:20] in popup.inner_text()
    assert "09:00-17:00" in popup.inner_text()
    assert popup.locator("a.rr-more").get_attribute("href").startswith("/sites/")
    page.evaluate("document.querySelector('.leaflet-popup-close-button').click()")
    popup.wait_for(state="detached")

    # a single site's marker opens its popup; the hostile name stays text
    page.evaluate("redres.siteLayers[0]._map.setView([30.50, 114.40], 17, {animate: false})")
    marker = page.locator(".rr-pin[title='<img src=x onerror=alert(1)>']")
    marker.wait_for()
    marker.click()
    page.locator(".leaflet-popup-content h3", has_text="onerror").wait_for()
    assert page.inner_text(".leaflet-popup-content h3") == HOSTILE
    assert page.locator(".leaflet-container img:not(.leaflet-tile)").count() == 0
    assert_stayed_home(traffic)
