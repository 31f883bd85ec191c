"""The site page for a visitor: stories as written, getting there, and honest gaps.

Stories are Markdown, rendered and sanitised on the site page and in the editor's preview; a
located site has a mini-map and navigation links in each app's coordinates; a site with no
known point says so; booking, admission and last entry come first.
"""

from __future__ import annotations

import html as htmllib
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from redres.catalog.accounts import create_user
from redres.catalog.enums import Reservation, Role, Status
from redres.catalog.stories import save_story
from redres.catalog.story_schemas import StoryWrite
from redres.config import Settings
from redres.geo import distance_m
from tests.api.forms import PASSWORD, csrf, sign_in
from tests.factories import add_toy_sites
from tests.maps.test_navigation import back_to_wgs84
from tests.markup import XSS_PAYLOADS, inert_problems, tags_of

AUG7 = "site-of-the-august-7-conference"
MUSEUM = "wuhan-revolutionary-museum"  # the toy site without a point
BODY = """会议有三项决定：

- 结束陈独秀的*右倾*错误
- 确定**土地革命**的方针
- 选出临时中央政治局

见[纪念馆](https://www.example.org/87)。"""


@pytest.fixture
def catalogue(session: Session) -> None:
    """Toy sites; one story in Markdown, one of script payloads; booking facts on the Aug 7 site."""
    site = add_toy_sites(session)[0]
    assert site.slug == AUG7
    site.reservation, site.reservation_days = Reservation.required, 3
    site.admission, site.last_entry_minutes = "免费（凭身份证）", 30
    session.add(site)
    for slug, title, summary, body in (
        ("aug7", "八七会议", "**紧急会议**在[汉口](/sites/aug7)召开", BODY),
        ("xss", "脚本", XSS_PAYLOADS[0], "\n\n".join(XSS_PAYLOADS)),
    ):
        save_story(
            session,
            StoryWrite(
                slug=slug,
                title=title,
                summary=summary,
                body=body,
                sites=[AUG7],
                status=Status.published,
            ),
            actor="system",
        )
    create_user(session, "editor", PASSWORD, Role.editor)
    session.commit()


@pytest.fixture
def app_settings() -> Settings:
    return Settings(database_url="sqlite://", secret_key="x" * 40, map_basemaps="amap,osm")


@pytest.fixture
def follow_redirects() -> bool:
    return False


def _story(page: str, slug: str) -> str:
    """A story's article, without the page's own fold around a body in the other language."""
    match = re.search(rf'(?s)<article class="story" id="story-{slug}">.*?</article>', page)
    assert match, slug
    return re.sub(r'(?s)<details class="original"><summary>.*?</summary>|</details>', "", match[0])


def test_story_body_is_rendered_markdown(client: TestClient) -> None:
    story = _story(client.get(f"/sites/{AUG7}").text, "aug7")
    assert tags_of(story).count("li") == 3
    assert "<em>右倾</em>" in story
    assert "<strong>土地革命</strong>" in story
    assert '<a href="https://www.example.org/87" rel="noopener nofollow">纪念馆</a>' in story
    assert "*右倾*" not in story  # the old page showed the marks and put the list on one line
    assert "](https" not in story


def test_summary_is_inline_markdown_in_the_readers_language(client: TestClient) -> None:
    story = _story(client.get(f"/sites/{AUG7}").text, "aug7")
    assert '<strong>紧急会议</strong>在<a href="/sites/aug7">汉口</a>召开' in story
    english = _story(client.get(f"/sites/{AUG7}", params={"lang": "en"}).text, "aug7")
    assert "紧急会议" not in english.split("<details")[0]  # no Chinese summary in its place
    assert "No English text yet" in english


def test_script_payloads_are_inert_on_the_site_page(client: TestClient) -> None:
    for lang in ("zh", "en"):
        page = client.get(f"/sites/{AUG7}", params={"lang": lang}).text
        assert inert_problems(_story(page, "xss")) == []
        assert inert_problems(page, page=True) == []
        assert "&lt;script&gt;alert('script')&lt;/script&gt;" in _story(page, "xss")


def test_script_payloads_are_inert_in_the_editor_preview(client: TestClient) -> None:
    sign_in(client, "editor")
    form = client.get("/editor/stories/new").text
    for body in ["\n\n".join(XSS_PAYLOADS), *XSS_PAYLOADS]:
        r = client.post(
            "/editor/stories/new",
            data={
                "csrf": csrf(form),
                "action": "preview",
                "title": "预览",
                "summary": XSS_PAYLOADS[12],
                "body": body,
            },
        )
        assert r.status_code == 200
        preview = re.search(r'(?s)<section class="story preview".*?</section>', r.text)
        assert preview, "no preview shown"
        assert inert_problems(preview.group(0)) == [], body
        assert inert_problems(r.text, page=True) == [], body
    r = client.post(
        "/editor/stories/new",
        data={"csrf": csrf(form), "action": "preview", "title": "预览", "body": BODY},
    )
    assert "<em>右倾</em>" in r.text
    assert r.text.count("<li>") == 3


def test_located_site_has_a_mini_map_and_navigation_to_its_point(client: TestClient) -> None:
    page = client.get(f"/sites/{AUG7}").text
    assert 'id="site-map"' in page
    assert '<script src="/static/vendor/leaflet-1.9.4/leaflet.js" defer></script>' in page
    assert '<script src="/static/api/js/minimap.js" defer></script>' in page
    # the default basemap here is Amap, drawn in GCJ-02: the pin is shifted to match it
    data = dict(re.findall(r'data-(lon|lat)="([0-9.]+)"', page))
    assert 300 < distance_m(114.2944, 30.58899, float(data["lon"]), float(data["lat"])) < 1000
    assert "webrd0{s}.is.autonavi.com" in htmllib.unescape(page)
    links = re.findall(r'<a class="nav-(\w+)" href="([^"]+)"', page)
    assert [app for app, _ in links] == ["amap", "baidu", "tencent", "geo"]
    for app, href in links:
        back = back_to_wgs84(app, htmllib.unescape(href))
        assert distance_m(114.2944, 30.58899, *back) < 1.0, app
    for name in ("高德地图", "百度地图", "腾讯地图"):
        assert name in page


def test_site_without_a_point_says_so(client: TestClient) -> None:
    zh = client.get(f"/sites/{MUSEUM}").text
    assert "位置待考" in zh
    assert 'id="site-map"' not in zh
    assert "leaflet" not in zh
    assert "uri.amap.com" not in zh
    en = client.get(f"/sites/{MUSEUM}", params={"lang": "en"}).text
    assert "Location not yet established" in en


def test_booking_admission_and_last_entry_come_first(client: TestClient) -> None:
    page = client.get(f"/sites/{AUG7}").text
    glance = re.search(r'(?s)<ul class="glance".*?</ul>', page)
    assert glance
    assert page.index('class="glance"') < page.index('id="visiting"')
    text = re.sub(r"<[^>]+>", "", glance.group(0))
    assert "预约 须提前 3 天" in text
    assert "门票 免费（凭身份证）" in text
    assert "最晚入场 闭馆前 30 分钟" in text
    en = client.get(f"/sites/{AUG7}", params={"lang": "en"}).text
    assert "Booking</span> required 3 days ahead" in en
    assert "Last entry</span> 30 min before closing" in en
