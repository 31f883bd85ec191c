"""Media on the public pages: a site's audio guide with its transcript, covers in lists, map
popups, route stops and the printed handout; nothing of a draft or archived item shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Status
from redres.catalog.media import add_media, archive_media, read_fields
from redres.catalog.models import Route, Site
from redres.catalog.route_edits import create_route, set_route_status
from redres.config import Settings
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.factories import add_toy_sites

CREDIT = {"credit": "武汉革命博物馆", "licence": "rights-reserved-with-permission"}


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", media_dir=tmp_path / "media")


@pytest.fixture
def catalogue(session: Session, tmp_path: Path) -> None:
    """Toy sites; the first has a cover photo, a second photo and an audio guide; a route
    stops there with its own recording."""
    sites = add_toy_sites(session)
    store = DirectoryStore(tmp_path / "media")
    first: Site = sites[0]

    def add(owner: Site | Route, data: bytes, stop: Site | None = None, **fields: str) -> Media:
        fields = {**CREDIT, **fields}
        return add_media(session, store, owner, data, read_fields(fields), actor="t", stop=stop)

    add(first, samples.jpeg_with_gps(), caption="正门", alt="旧址正门", is_cover="on")
    add(first, samples.png_with_alpha(), caption="展厅")
    for n in range(3):  # five pictures: four in the gallery, one behind "more"
        add(first, samples.jpeg_with_gps(size=(120 + n, 80)), caption=f"展品 {n + 1}")
    gone = add(first, samples.png_with_alpha(), caption="已撤下的照片")
    archive_media(session, gone, actor="t")
    add(
        first,
        samples.mp3(),
        caption="旧址讲解",
        transcript="这里是八七会议旧址。",
        caption_en="Guide to the site",
    )
    route = create_route(session, actor="t", name="一日游", stops=[[(first.slug, None)]])
    add(route, samples.mp3(), stop=first, caption="站点讲解", transcript="请在门口集合。")
    set_route_status(session, route, Status.published, actor="t")
    session.commit()


def test_site_page_has_an_audio_guide_with_its_transcript(client: TestClient) -> None:
    slug = _first(client)["properties"]["slug"]
    html = client.get(f"/sites/{slug}").text
    assert 'id="audio-guide"' in html
    assert "<audio controls" in html
    assert "<details open><summary>文字稿</summary>" in html
    assert "这里是八七会议旧址。" in html
    assert "经许可使用" in html  # the licence in words
    assert "已撤下的照片" not in html
    assert html.count('loading="lazy"') >= 5
    more = html.index('<details class="gallery-more"><summary>更多照片（1）</summary>')
    assert html.index("展品 3") > more > html.index("展品 2")
    english = client.get(f"/sites/{slug}?lang=en").text
    assert "Guide to the site" in english
    assert "这里是八七会议旧址。" not in english  # no Chinese text in place of a translation
    assert "No transcript yet" in english


def test_covers_in_lists_popups_routes_and_handouts(client: TestClient) -> None:
    feature = _first(client)
    slug = feature["properties"]["slug"]
    media = client.get(f"/api/sites/{slug}").json()["properties"]["media"]
    cover = next(m for m in media if m["caption"] == "正门")
    assert cover["is_cover"]
    home = client.get("/").text
    assert f'class="list-cover" src="{cover["small_url"]}" alt="旧址正门"' in home

    route = client.get("/api/routes").json()["data"][0]["slug"]
    page = client.get(f"/routes/{route}").text
    # a stop's picture is at most 20rem wide: the 400 px copy first (this 300 px photo's copies
    # are all 300 px, so srcset lists the lightest alone)
    small = cover["small_url"]
    assert f'class="cover-thumb" src="{small}" srcset="{small} 300w" sizes=' in page
    assert "请在门口集合。" in page
    handout = client.get(f"/api/routes/{route}.html").text
    assert f'class="stop-photo" src="{small}" alt="旧址正门"' in handout  # printed 8rem wide
    assert client.get(small).status_code == 200

    sites = client.get("/maps/sites.json")
    assert sites.status_code == 200, sites.text[:200]
    data = sites.json()
    assert "cover" in data["fields"]
    at = data["fields"].index("cover")
    by_slug = {row[data["fields"].index("slug")]: row for row in data["sites"]}
    assert by_slug[slug][at] == [cover["id"], "旧址正门", 1]  # 1: the popup takes small.webp


def test_covers_without_a_small_copy_fall_back_to_the_thumbnail(
    client: TestClient, session: Session
) -> None:
    """Images uploaded before the 400 px copy existed (until `redres media small-copies`)."""
    slug = _first(client)["properties"]["slug"]
    for media in session.exec(select(Media)):
        media.small_key = media.small_width = None
        session.add(media)
    session.commit()
    cover = next(
        m for m in client.get(f"/api/sites/{slug}").json()["properties"]["media"] if m["is_cover"]
    )
    assert cover["small_url"] is None
    route = client.get("/api/routes").json()["data"][0]["slug"]
    page = client.get(f"/routes/{route}").text
    assert f'class="cover-thumb" src="{cover["thumb_url"]}"' in page
    handout = client.get(f"/api/routes/{route}.html").text
    assert f'class="stop-photo" src="{cover["thumb_url"]}"' in handout
    data = client.get("/maps/sites.json").json()
    row = next(r for r in data["sites"] if r[data["fields"].index("slug")] == slug)
    assert row[data["fields"].index("cover")] == [cover["id"], "旧址正门", 0]


def _first(client: TestClient) -> dict[str, Any]:
    """The site with the media (the first toy site)."""
    found = client.get("/api/sites", params={"q": "八七会议会址"}).json()["features"]
    return dict(next(f for f in found if f["properties"]["name"] == "八七会议会址"))
