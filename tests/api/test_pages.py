"""Visitor pages: search and list, site page with visiting info and stories, themes, languages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from tests.api.conftest import MakeClient
from tests.factories import add_toy_sites

HOSTILE = "<img src=x onerror=alert(1)>"


def test_home_lists_and_searches(demo: TestClient) -> None:
    r = demo.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in r.text
    assert "共 45 处" in r.text
    found = demo.get("/", params={"q": "bqhy"}).text
    assert "共 1 处" in found
    assert "/sites/august-7-conference-site" in found
    assert '<label for="q">' in found  # every control is labelled


def test_site_page_shows_stories_sources_and_today(demo: TestClient) -> None:
    html = demo.get("/sites/august-7-conference-site").text
    assert "八七会议会址" in html
    assert '<h2 id="stories">红色故事</h2>' in html
    assert "hbdsw.org.cn" in html
    assert "瞿秋白" in html
    assert any(text in html for text in ("正在开放", "现在不开放", "今日闭馆"))
    assert 'src="/sites/august-7-conference-site/qr.svg"' in html


def test_unknown_hours_are_said_not_guessed(demo: TestClient) -> None:
    html = demo.get("/sites/cpc-5th-congress-site").text  # the facts give times but no days
    assert "开放时间未知" in html


def test_english_switch_sticks(demo: TestClient) -> None:
    r = demo.get("/sites/august-7-conference-site", params={"lang": "en"})
    assert '<html lang="en">' in r.text
    assert "Stories" in r.text
    assert r.cookies.get("lang") == "en"
    assert '<html lang="en">' in demo.get("/themes").text
    assert '<html lang="zh-CN">' in demo.get("/themes", params={"lang": "zh"}).text


def test_theme_pages(demo: TestClient) -> None:
    assert "英烈" in demo.get("/themes").text or "martyrs" in demo.get("/themes").text
    html = demo.get("/themes/martyrs").text
    assert 'src="/maps/themes/martyrs.html"' in html
    assert "/sites/" in html


def test_calendar_page(demo: TestClient) -> None:
    html = demo.get("/calendar", params={"year": 2027}).text
    assert "八七会议" in html
    assert "100" in html


def test_missing_pages_are_html_404(demo: TestClient) -> None:
    r = demo.get("/sites/no-such-site")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "页面不存在" in r.text
    assert demo.get("/api/sites/no-such-site").headers["content-type"] == "application/json"


def test_qr_code_is_svg(demo: TestClient) -> None:
    r = demo.get("/sites/august-7-conference-site/qr.svg")
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.content.lstrip().startswith(b"<?xml")


@pytest.fixture
def hostile(engine: Engine, session: Session, make_client: MakeClient) -> TestClient:
    """A catalogue whose site name, address and alias are an XSS payload."""
    add_toy_sites(session)
    create_site(
        session,
        SiteCreate(
            name=HOSTILE,
            category="other",
            address=HOSTILE,
            aliases=[HOSTILE],
            lon=114.3,
            lat=30.55,
            status=Status.published,
            slug="hostile",
        ),
    )
    session.commit()
    return make_client(engine)


def test_hostile_text_is_escaped_everywhere(hostile: TestClient) -> None:
    for path in ("/", "/sites/hostile", "/?q=img"):
        html = hostile.get(path).text
        assert HOSTILE not in html, path
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile.get("/sites/hostile").text


def test_routes_pages(demo: TestClient) -> None:
    listing = demo.get("/routes").text
    assert "/routes/hankou-1927-great-revolution-walk" in listing
    monday = demo.get("/routes/hankou-1927-great-revolution-walk", params={"date": "2025-06-09"})
    assert monday.status_code == 200
    assert "八七会议会址" in monday.text
    assert 'role="alert"' in monday.text  # closed on Mondays: the page says so
    assert "/api/routes/hankou-1927-great-revolution-walk.gpx?date=2025-06-09" in monday.text
    tuesday = demo.get("/routes/hankou-1927-great-revolution-walk", params={"date": "2025-06-10"})
    assert 'role="alert"' not in tuesday.text
    assert demo.get("/routes/no-such-route").status_code == 404


def test_every_page_text_exists_in_both_languages() -> None:
    from redres.api.i18n import MESSAGES

    def page_text(lang: str) -> set[str]:
        """The page texts, without singulars (`<key>_one`: English has them, Chinese none)."""
        return {k for k in MESSAGES[lang] if not k.startswith("msg.") and not k.endswith("_one")}

    assert page_text("zh") == page_text("en")
    assert all(MESSAGES["en"].values())
    singulars = {k for k in MESSAGES["en"] if k.endswith("_one")}
    assert {k.removesuffix("_one") for k in singulars} <= page_text("en")
    assert not {k for k in MESSAGES["zh"] if k.endswith("_one")}  # Chinese has no plural


def test_every_planner_sentence_has_a_chinese_translation_with_the_same_fields() -> None:
    """English sentences live in `redres.messages`; Chinese ones in zh.json as `msg.<key>`."""
    import string

    from redres.api.i18n import MESSAGES
    from redres.messages import ENGLISH

    zh = {k.removeprefix("msg."): v for k, v in MESSAGES["zh"].items() if k.startswith("msg.")}
    assert set(zh) == set(ENGLISH)

    def fields(template: str) -> set[str]:
        """The fields a sentence shows; `x_en` is the English counterpart of `x` (catalogue text
        in the reader's language), so it counts as the same field."""
        return {f.removesuffix("_en") for _, f, _, _ in string.Formatter().parse(template) if f}

    for key, english in ENGLISH.items():
        assert fields(zh[key]) == fields(english), key


def test_the_search_form_as_browsers_send_it(demo: TestClient) -> None:
    empty = {
        "q": "bqhy",
        "theme": "",
        "period": "",
        "category": "",
        "district": "",
        "protection": "",
    }
    r = demo.get("/", params=empty)
    assert r.status_code == 200
    assert "共 1 处" in r.text
    assert demo.get("/", params={"category": "temple"}).status_code == 422


def test_a_route_on_a_closed_day_says_so_once_on_the_page_and_the_handout(
    demo: TestClient,
) -> None:
    closed = "八七会议会址在 2025-06-09（周一）闭馆"
    query = {"date": "2025-06-09", "lang": "zh"}
    page = demo.get("/routes/hankou-1927-great-revolution-walk", params=query)
    assert page.text.count(closed) == 1
    handout = demo.get("/api/routes/hankou-1927-great-revolution-walk.html", params=query)
    assert handout.status_code == 200
    assert handout.text.count(closed) == 1  # the printed sheet warns of it too
    demo.cookies.clear()
