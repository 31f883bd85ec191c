"""The demo in both languages over HTTP: notes, summaries, map data, map pages and the feed
speak the reader's language, or say that the translation is missing."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.catalog.stories import save_story
from redres.catalog.story_schemas import StoryWrite
from tests.factories import add_toy_sites

CJK = re.compile(r"[\u3400-\u9fff]")
SITE = "cpc-5th-congress-site"


def test_hours_note_in_the_readers_language(demo: TestClient) -> None:
    zh = demo.get(f"/sites/{SITE}", params={"lang": "zh"}).text
    en = demo.get(f"/sites/{SITE}", params={"lang": "en"}).text
    assert "开放日和闭馆日都不详" in zh
    assert "with no open days or closed day" not in zh
    assert "with no open days or closed day" in en
    assert "开放日和闭馆日都不详" not in en


def test_route_texts_in_the_readers_language(demo: TestClient) -> None:
    en = demo.get("/routes/hankou-1927-great-revolution-walk", params={"lang": "en"}).text
    assert "Starting from the former site of the Wuhan National Government" in en
    assert "set the course of agrarian revolution and armed resistance" in en  # a stop's note
    assert "No English text yet" not in en
    assert "从中山大道" not in en
    zh = demo.get("/routes/hankou-1927-great-revolution-walk", params={"lang": "zh"}).text
    assert "从中山大道的武汉国民政府旧址出发" in zh
    assert "确定土地革命和武装反抗的方针" in zh
    assert "Starting from" not in zh
    assert "agrarian revolution" not in zh
    assert "暂无中文说明" not in zh
    popups = demo.get(
        "/maps/routes/hankou-1927-great-revolution-walk.html", params={"lang": "en"}
    ).text
    assert "set the course of agrarian revolution" in popups  # the stop's English note
    assert "rr-missing" not in popups
    zh = demo.get("/themes", params={"lang": "zh"}).text
    assert "暂无中文说明" not in zh  # every theme has its Chinese description


def test_map_data_in_english(demo: TestClient) -> None:
    data = demo.get("/maps/sites.json", params={"lang": "en"}).json()
    assert data["cats"][0][1] == "Former site"
    assert data["labels"]["more"] == "Details"
    assert not [c for c in data["periods"] + data["protections"] if CJK.search(c)]
    excerpts = [row[9] for row in data["sites"] if row[9]]
    assert excerpts
    assert not [e for e in excerpts if CJK.search(e)]
    chinese = demo.get("/maps/sites.json").json()
    assert all(CJK.search(row[9]) for row in chinese["sites"] if row[9])
    assert chinese["unlocated"] == 13


def test_map_data_follows_a_search(demo: TestClient) -> None:
    found = demo.get("/api/sites", params={"q": "八七", "limit": 100}).json()
    data = demo.get("/maps/sites.json", params={"q": "八七"}).json()
    located = [f for f in found["features"] if f["geometry"]]
    assert sorted(row[5] for row in data["sites"]) == sorted(
        f["properties"]["slug"] for f in located
    )
    assert data["unlocated"] == found["total"] - len(located)
    bad = demo.get("/maps/sites.json", params={"category": "castle"})
    assert bad.status_code == 422


def test_map_page_in_english(demo: TestClient) -> None:
    page = demo.get("/maps/sites.html", params={"lang": "en", "q": "八七"}).text
    assert "Search site names" in page
    assert "搜索站点名称" not in page
    assert "sites.json?q=%E5%85%AB%E4%B8%83\\u0026lang=en" in page
    route = demo.get("/maps/routes/hankou-1927-great-revolution-walk.html", params={"lang": "en"})
    assert "Day 1" in route.text
    assert "第1天" not in route.text
    # stops by their English names where the site has one
    assert "Site of the August 7 Conference" in route.text
    assert "\\u516b\\u4e03\\u4f1a\\u8bae\\u4f1a\\u5740" not in route.text  # 八七会议会址
    handout = demo.get("/api/routes/hankou-1927-great-revolution-walk.html", params={"lang": "en"})
    assert "lang=en" in handout.text
    assert "Site of the August 7 Conference" in handout.text


def test_calendar_feed_in_english(demo: TestClient) -> None:
    ics = demo.get("/api/calendar.ics", params={"year": 2027, "lang": "en"}).text
    assert "X-WR-CALNAME:Commemorations 2027" in ics
    assert "SUMMARY:Wuhan Nationalist Government (100 years)" in ics
    zh = demo.get("/api/calendar.ics", params={"year": 2027}).text
    assert "X-WR-CALNAME:纪念日 2027" in zh


def test_saving_a_story_without_its_english_summary_keeps_it(
    engine: Engine, session: Session
) -> None:
    """The editor's story form has no English summary box: saving it must not erase one."""
    site = add_toy_sites(session)[0]
    write = {"slug": "aug7", "title": "八七会议", "sites": [site.slug]}
    story = save_story(session, StoryWrite(**write, summary_en="An emergency meeting."), actor="t")
    save_story(session, StoryWrite(**write, summary="紧急会议"), actor="t", story=story)
    assert story.summary == "紧急会议"
    assert story.summary_en == "An emergency meeting."
    save_story(session, StoryWrite(**write, summary_en=None), actor="t", story=story)
    assert story.summary_en is None  # said outright, it is cleared


def test_the_download_line_joins_its_label_as_each_language_does(demo: TestClient) -> None:
    route = "/routes/hankou-1927-great-revolution-walk"
    assert '<p class="downloads">下载：<a' in demo.get(route, params={"lang": "zh"}).text
    assert '<p class="downloads">Download: <a' in demo.get(route, params={"lang": "en"}).text
