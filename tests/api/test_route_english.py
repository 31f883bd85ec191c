"""Route texts in both languages: `description_en` and a stop's `note_en` through the API and
the editor's form, shown on English pages, popups and handouts; Chinese pages unchanged; a
missing translation said, never replaced by the other language; everything escaped."""

from __future__ import annotations

import re

from redres.api.i18n import map_words
from redres.maps.route_map import stop_popup_html
from redres.routes.answer import Stop
from tests.api.forms import csrf, sign_in
from tests.api.test_route_sharing import World, world

__all__ = ["world"]

ENGLISH = map_words("en")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _post(w: World, **extra: object) -> dict[str, object]:
    body = {
        "name": "汉口半日",
        "description": "步行参观两处旧址。",
        "description_en": "A walk past two former sites.",
        "days": [
            [
                {"site": w.slugs[0], "note": "讲会议经过", "note_en": "Tell how the meeting went"},
                {"site": w.slugs[1], "note": "只写了中文"},
            ]
        ],
    } | extra
    r = w.client.post("/api/routes", json=body, headers=w.editor)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def _props(route: dict[str, object]) -> tuple[dict[str, object], list[dict[str, object]]]:
    features = route["features"]
    assert isinstance(features, list)
    return route["properties"], [f["properties"] for f in features]  # type: ignore[return-value]


def test_english_texts_round_trip_through_the_api(world: World) -> None:
    w = world
    made = _post(w)
    props, stops = _props(made)
    assert props["description_en"] == "A walk past two former sites."
    assert [(s["note"], s["note_en"]) for s in stops] == [
        ("讲会议经过", "Tell how the meeting went"),
        ("只写了中文", None),
    ]
    slug = props["slug"]
    read = w.client.get(f"/api/routes/{slug}", headers=w.editor).json()
    assert _props(read) == (props, stops)
    listed = w.client.get("/api/routes", params={"mine": True}, headers=w.editor).json()
    assert listed["data"][0]["description_en"] == "A walk past two former sites."
    # PATCH the description only: the stops keep their English notes
    r = w.client.patch(
        f"/api/routes/{slug}", json={"description_en": "Two sites of 1927."}, headers=w.editor
    )
    assert r.status_code == 200, r.text
    props, stops = _props(r.json())
    assert props["description_en"] == "Two sites of 1927."
    assert props["description"] == "步行参观两处旧址。"
    assert stops[0]["note_en"] == "Tell how the meeting went"
    # PATCH the stops: their notes are what is sent; null clears the English description
    days = [[{"site": w.slugs[1], "note_en": "Only English here"}]]
    r = w.client.patch(
        f"/api/routes/{slug}", json={"days": days, "description_en": None}, headers=w.editor
    )
    props, stops = _props(r.json())
    assert props["description_en"] is None
    assert [(s["note"], s["note_en"]) for s in stops] == [(None, "Only English here")]
    too_long = w.client.patch(
        f"/api/routes/{slug}", json={"description_en": "x" * 2001}, headers=w.editor
    )
    assert too_long.status_code == 422


def test_pages_in_each_language(world: World) -> None:
    w = world
    slug = _props(_post(w))[0]["slug"]
    assert w.client.post(f"/api/routes/{slug}/publish", headers=w.editor).status_code == 200
    en = w.client.get(f"/routes/{slug}", params={"lang": "en"}).text
    assert '<p class="" lang="en">A walk past two former sites.</p>' in en
    assert '<p class="note" lang="en">Tell how the meeting went</p>' in en
    assert "No English text yet" in en  # the second stop has a Chinese note only
    assert "只写了中文" not in en
    assert "步行参观" not in en
    zh = w.client.get(f"/routes/{slug}", params={"lang": "zh"}).text
    assert '<p class="" lang="zh-CN">步行参观两处旧址。</p>' in zh
    assert '<p class="note" lang="zh-CN">讲会议经过</p>' in zh
    assert "A walk past" not in zh
    assert "Tell how" not in zh
    assert "暂无中文说明" not in zh
    listing = w.client.get("/routes", params={"lang": "en"}).text
    assert "A walk past two former sites." in listing
    handout = w.client.get(f"/api/routes/{slug}.html", params={"lang": "en"}).text
    assert "Tell how the meeting went" in handout
    assert "只写了中文" not in handout
    assert "讲会议经过" in w.client.get(f"/api/routes/{slug}.html", params={"lang": "zh"}).text
    preview = re.search(r'<meta property="og:description" content="([^"]*)"', en)
    assert preview
    assert preview.group(1) == "A walk past two former sites."


def test_english_texts_are_escaped(world: World) -> None:
    w = world
    days = [[{"site": w.slugs[0], "note": "讲", "note_en": XSS}]]
    r = w.client.post(
        "/api/routes",
        json={"name": "脚本", "description_en": XSS, "days": days},
        headers=w.editor,
    )
    assert r.status_code == 201, r.text  # plain text is taken as written ...
    slug = r.json()["properties"]["slug"]
    w.client.post(f"/api/routes/{slug}/publish", headers=w.editor)
    for path in (f"/routes/{slug}", f"/api/routes/{slug}.html", "/routes"):
        page = w.client.get(path, params={"lang": "en"}).text
        assert XSS not in page, path  # ... and shown as text
        assert "<img src=x" not in page, path
    assert "&lt;script&gt;" in w.client.get(f"/routes/{slug}", params={"lang": "en"}).text


def test_popups_show_the_readers_note() -> None:
    stop = Stop(1, "s", "八七会议会址", 114.0, 30.0, 540, 540, 600, 1.0, note="讲", note_en=XSS)
    html = stop_popup_html(
        stop, n=1, day_label="Day 1", site_url="/sites/", leg=None, words=ENGLISH
    )
    assert '<p class="rr-story" lang="en">&lt;script&gt;' in html
    assert XSS not in html
    chinese = stop_popup_html(stop, n=1, day_label="第1天", site_url="/sites/", leg=None)
    assert '<p class="rr-story" lang="zh-CN">讲</p>' in chinese
    only_zh = Stop(1, "s", "八七会议会址", 114.0, 30.0, 540, 540, 600, 1.0, note="讲")
    html = stop_popup_html(
        only_zh, n=1, day_label="Day 1", site_url="/sites/", leg=None, words=ENGLISH
    )
    assert "rr-missing" in html
    assert "讲" not in html.replace("八七会议会址", "")


def test_editor_form_edits_the_english_texts(world: World) -> None:
    w = world
    slug = _props(_post(w))[0]["slug"]
    sign_in(w.client, "ed")
    form = w.client.get(f"/editor/routes/{slug}").text
    assert 'name="description_en"' in form
    assert f"{w.slugs[0]} | 讲会议经过 | Tell how the meeting went" in form
    stops = f"{w.slugs[0]} | 讲会议 | Tell of the meeting\n{w.slugs[1]} |  | English only"
    saved = w.client.post(
        f"/editor/routes/{slug}",
        data={
            "csrf": csrf(form),
            "name": "汉口半日",
            "description": "步行参观两处旧址。",
            "description_en": "Two former sites on foot.",
            "status": "draft",
            "stops": stops,
        },
    )
    assert saved.status_code == 303, saved.text
    props, notes = _props(w.client.get(f"/api/routes/{slug}", headers=w.editor).json())
    assert props["description_en"] == "Two former sites on foot."
    assert [(s["note"], s["note_en"]) for s in notes] == [
        ("讲会议", "Tell of the meeting"),
        (None, "English only"),
    ]


def test_the_english_name_is_set_by_the_api_and_the_editor_form(world: World) -> None:
    w = world
    made = _post(w, name_en="Hankou in half a day")
    props, _stops = _props(made)
    assert props["name_en"] == "Hankou in half a day"
    slug = props["slug"]
    assert w.client.post(f"/api/routes/{slug}/publish", headers=w.editor).status_code == 200
    en = w.client.get(f"/routes/{slug}", params={"lang": "en"}).text
    assert "<h1>Hankou in half a day</h1>" in en
    assert "<h1>汉口半日</h1>" in w.client.get(f"/routes/{slug}", params={"lang": "zh"}).text
    # PATCH without it keeps it; with it changes it; the form shows it and saves it
    r = w.client.patch(f"/api/routes/{slug}", json={"name": "汉口一日"}, headers=w.editor)
    assert r.json()["properties"]["name_en"] == "Hankou in half a day"
    r = w.client.patch(f"/api/routes/{slug}", json={"name_en": "Hankou in a day"}, headers=w.editor)
    assert r.json()["properties"]["name_en"] == "Hankou in a day"
    sign_in(w.client, "ed")
    page = w.client.get(f"/editor/routes/{slug}").text
    assert 'name="name_en" maxlength="200" lang="en" value="Hankou in a day"' in page
    stops = re.search(r'<textarea id="stops" name="stops"[^>]*>(.*?)</textarea>', page, re.S)
    assert stops
    form = {
        "csrf": csrf(page),
        "name": "汉口一日",
        "name_en": "Hankou, one day",
        "mode": "walk",
        "status": "published",
        "stops": stops.group(1),
    }
    saved = w.client.post(f"/editor/routes/{slug}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    read = w.client.get(f"/api/routes/{slug}", headers=w.editor).json()
    assert read["properties"]["name_en"] == "Hankou, one day"
    assert "Hankou, one day" in w.client.get(f"/api/routes/{slug}.html?lang=en").text
