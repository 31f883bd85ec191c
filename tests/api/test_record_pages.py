"""People and events have pages: a portrait, a gallery, recordings, documents as downloads, the
stories, sites, people and events linked to them; an anonymous reader sees only what is
published (no draft story or site, no archived photo), names are escaped, and editors add and
change them, with their media, through plain forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from redres.catalog.accounts import create_user
from redres.catalog.attachment_tables import Media
from redres.catalog.enums import Role, Status
from redres.catalog.media import add_media, archive_media, read_fields
from redres.catalog.models import (
    Citation,
    Event,
    EventPerson,
    EventSite,
    Person,
    Site,
    Source,
    Story,
    StoryPerson,
    StorySite,
)
from redres.config import Settings
from redres.media_store import DirectoryStore
from tests.api import media_samples as samples
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites

CREDIT = {"credit": "武汉革命博物馆", "licence": "CC-BY-4.0"}
HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40, media_dir=tmp_path / "media")


@pytest.fixture
def follow_redirects() -> bool:
    return False


@pytest.fixture
def catalogue(session: Session, tmp_path: Path) -> None:
    """A martyr with a portrait, a photo, a PDF and an archived photo; a strike he led, at a
    published and a draft site; a published and a draft story about him."""
    sites = add_toy_sites(session)
    shown, hidden = sites[0], sites[1]
    hidden.status = Status.draft
    hidden.name = "草稿地点"
    session.add(hidden)
    person = Person(slug="shi-yang", name="施洋", name_en="Shi Yang", born="1889", died="1923")
    person.summary = "律师，二七大罢工的领导人之一。" + HOSTILE
    event = Event(slug="er-qi", name="二七大罢工", name_en="February 7 Strike", date="1923-02-07")
    hostile = Person(slug="hostile", name=HOSTILE)
    source = Source(key="book", title="《武汉革命遗址》", url="https://example.org/b")
    session.add_all([person, event, hostile, source])
    session.flush()
    published = Story(slug="told", title="施洋的故事", body="正文", status=Status.published)
    draft = Story(slug="hush", title="草稿故事", body="正文", status=Status.draft)
    session.add_all([published, draft])
    session.flush()
    session.add_all(
        [
            StorySite(story_id=published.id or 0, site_id=shown.id or 0),
            StoryPerson(story_id=published.id or 0, person_id=person.id or 0),
            StoryPerson(story_id=draft.id or 0, person_id=person.id or 0),
            StorySite(story_id=draft.id or 0, site_id=hidden.id or 0),
            EventSite(event_id=event.id or 0, site_id=shown.id or 0),
            EventSite(event_id=event.id or 0, site_id=hidden.id or 0),
            EventPerson(event_id=event.id or 0, person_id=person.id or 0),
            Citation(source_id=source.id or 0, entity="person", entity_id=person.id or 0),
        ]
    )
    store = DirectoryStore(tmp_path / "media")

    def add(owner: Person | Event, data: bytes, **fields: str) -> Media:
        return add_media(session, store, owner, data, read_fields({**CREDIT, **fields}), actor="t")

    add(person, samples.jpeg_with_gps(), caption="施洋像", alt="施洋律师的肖像", is_cover="on")
    add(person, samples.png_with_alpha(), caption="律师事务所旧照", caption_en="His law office")
    add(person, samples.PDF, caption="辩护词手稿")
    gone = add(person, samples.png_with_alpha(), caption="撤下的照片")
    archive_media(session, gone, actor="t")
    add(event, samples.jpeg_with_gps(), caption="罢工现场", alt="工人集会")
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()


def _media_id(session: Session, caption: str) -> int:
    return int(session.exec(select(Media.id).where(Media.caption == caption)).one() or 0)


def test_a_person_page_shows_portrait_gallery_documents_and_what_tells_of_them(
    client: TestClient, session: Session
) -> None:
    r = client.get("/people/shi-yang")
    assert r.status_code == 200
    html = r.text
    portrait = _media_id(session, "施洋像")
    figure = html[html.index('<figure class="portrait">') :]
    assert f'src="/media/{portrait}/small.webp"' in figure
    # a 300 px photo: its three copies are 300 px wide, so the lightest alone is offered
    assert f'srcset="/media/{portrait}/small.webp 300w"' in figure
    assert 'alt="施洋律师的肖像"' in figure
    assert "武汉革命博物馆" in figure[: figure.index("</figure>")]  # the credit
    assert "律师事务所旧照" in html  # the gallery
    assert html.count(f'src="/media/{portrait}/small.webp"') == 1  # not again in the gallery
    pdf = _media_id(session, "辩护词手稿")
    assert re.search(rf'<a href="/media/{pdf}/file.pdf" download>辩护词手稿</a>', html)
    assert "撤下的照片" not in html
    assert "生卒" in html
    assert "1889" in html
    assert "1923" in html
    site = session.exec(select(Site).where(Site.status == Status.published)).first()
    assert site is not None
    assert '<a href="/sites/' in html
    assert "#story-told" in html
    assert "施洋的故事" in html
    assert '<a href="/events/er-qi">' in html
    assert "《武汉革命遗址》" in html
    # a draft story or site never shows, nor its name
    assert "草稿故事" not in html
    assert "草稿地点" not in html
    # the summary is text, escaped
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=" in html


def test_staff_see_the_draft_links_too(client: TestClient) -> None:
    sign_in(client, "editor")
    html = client.get("/people/shi-yang").text
    assert "草稿故事" in html
    assert "撤下的照片" not in html  # archived media stay off public pages even for staff


def test_the_english_page_is_english_with_chinese_marked(client: TestClient) -> None:
    html = client.get("/people/shi-yang?lang=en").text
    assert '<h1 lang="en">Shi Yang</h1>' in html
    assert "Lived" in html
    assert "Documents to download" in html
    assert "His law office" in html
    assert "No English text yet: read it in Chinese" in html
    assert '<a href="/events/er-qi?lang=en"><span lang="en">February 7 Strike</span></a>' in html
    for zh in ("生卒", "文献资料", "相关地点", "红色故事"):
        assert zh not in html


def test_an_event_page_shows_its_places_people_and_picture(
    client: TestClient, session: Session
) -> None:
    html = client.get("/events/er-qi").text
    photo = _media_id(session, "罢工现场")
    assert f'src="/media/{photo}/small.webp"' in html
    assert 'alt="工人集会"' in html
    assert '<a href="/people/shi-yang">' in html
    assert "1923-02-07" in html
    assert "草稿地点" not in html
    assert client.get("/events/no-such-event").status_code == 404
    assert client.get("/people/no-such-person").status_code == 404


def test_lists_and_links_lead_to_them(client: TestClient, session: Session) -> None:
    people = client.get("/people").text
    portrait = _media_id(session, "施洋像")
    assert '<a href="/people/shi-yang">' in people
    assert f'class="list-cover" src="/media/{portrait}/small.webp"' in people
    assert HOSTILE not in people
    assert "&lt;img" in people
    assert "二七大罢工" in client.get("/events").text
    only = client.get("/people", params={"q": "施"}).text
    assert "shi-yang" in only
    assert "/people/hostile" not in only
    assert client.get("/people", params={"page": "0"}).status_code == 422
    site = session.exec(
        select(Site)
        .join(EventSite, EventSite.site_id == Site.id)
        .where(Site.status == Status.published)
    ).first()
    assert site is not None
    page = client.get(f"/sites/{site.slug}").text
    assert '<a href="/people/shi-yang">' in page
    assert '<a href="/events/er-qi">' in page
    assert '<a href="/people">' in client.get("/themes").text


def test_editor_pages_need_an_editor(client: TestClient) -> None:
    for path in ("/editor/people", "/editor/events/new", "/editor/people/shi-yang"):
        r = client.get(path)
        assert r.status_code == 303
        assert r.headers["location"].startswith("/login")
    sign_in(client, "teacher", to="/")
    assert client.get("/editor/people/shi-yang").status_code == 403
    page = client.get("/people/shi-yang")  # any signed-in page's token
    token = csrf(page.text) if 'name="csrf"' in page.text else "x"
    r = client.post("/editor/people/new", data={"csrf": token, "name": "某人"})
    assert r.status_code == 403


def test_an_editor_adds_a_person_then_a_credited_portrait(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "editor")
    listing = client.get("/editor/people").text
    assert "施洋" in listing
    assert HOSTILE not in listing
    page = client.get("/editor/people/new")
    token = csrf(page.text)
    bad = client.post(
        "/editor/people/new",
        data={"csrf": token, "name": "项英", "born": "1898", "died": "1890-13"},
    )
    assert bad.status_code == 422
    assert "项英" in bad.text  # input kept
    assert "逝世" in bad.text  # the box is named in Chinese
    r = client.post(
        "/editor/people/new",
        data={
            "csrf": token,
            "name": "项英",
            "name_en": "Xiang Ying",
            "born": "1898",
            "died": "1941",
        },
    )
    assert r.status_code == 303
    where = r.headers["location"]
    assert where == "/editor/people/xiang-ying"
    form = client.get(where).text
    assert 'id="media"' in form
    assert 'action="/editor/people/xiang-ying/media"' in form
    jpeg = [("file", ("p.jpg", samples.jpeg_with_gps(), "image/jpeg"))]
    refused = client.post(f"{where}/media", data={"csrf": token, "caption": "像"}, files=jpeg)
    assert refused.status_code == 422
    assert "署名" in refused.text  # people are public: credit and licence at once
    assert "许可协议" in refused.text
    ok = client.post(
        f"{where}/media", data={"csrf": token, "caption": "项英像", **CREDIT}, files=jpeg
    )
    assert ok.status_code == 303
    assert ok.headers["location"] == f"{where}#media"
    client.cookies.clear()
    public = client.get("/people/xiang-ying").text
    assert "项英像" in public
    assert '<figure class="portrait">' in public


def test_an_editor_changes_an_event_its_links_and_sees_conflicts(
    client: TestClient, session: Session
) -> None:
    sign_in(client, "editor")
    page = client.get("/editor/events/er-qi").text
    token = csrf(page)
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    assert "shi-yang" in page  # its people, one slug a line
    fields = {"csrf": token, "version": version.group(1), "name": "二七大罢工", "date": "1923-02"}
    unknown = client.post("/editor/events/er-qi", data={**fields, "people": "nobody"})
    assert unknown.status_code == 422
    assert "nobody" in unknown.text
    r = client.post("/editor/events/er-qi", data={**fields, "people": "shi-yang\nhostile"})
    assert r.status_code == 303
    event = session.exec(select(Event).where(Event.slug == "er-qi")).one()
    session.refresh(event)
    assert event.date == "1923-02"
    assert event.name_en is None  # a blank box clears the field
    stale = client.post("/editor/events/er-qi", data={**fields, "name": "旧版本"})
    assert stale.status_code == 409
    assert "旧版本" in stale.text  # the editor's input is kept
    html = client.get("/events/er-qi").text
    assert '<a href="/people/hostile">' in html
    assert HOSTILE not in html
