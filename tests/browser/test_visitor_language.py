"""Chinese first, English complete: a checker over every public page and map popup of the demo.

On a Chinese page, English appears only inside elements marked ``lang="en"`` (names, quoted
titles), and no raw OpenStreetMap hours rule (``Tu-Su 09:00-17:00``) shows anywhere. On an
English page, no interface text (navigation, headings, labels, buttons, map controls and
popups) is left in Chinese outside elements marked ``lang="zh-CN"``, and no locale key shows
in place of its text. A phone-sized (390 px) Chromium reads each page as a visitor would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

from tests.browser.visitor_server import demo_app
from tests.browser.waits import MAP_READY

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
OSM_HOURS = re.compile(r"\b(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)\b[\s,A-Za-z-]*\d{1,2}:\d{2}")
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,.;:'’()-]+[A-Za-z]{2,}){3,}")
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3001-\u303f]")
LOCALE_KEY = re.compile(r"\b(?:msg|map|err|learn|class)\.[a-z_.]+\b|\b[a-z]+_[a-z_]+\b")

TEXTS = """
(selector) => {
  const out = [];
  const root = selector ? document.querySelector(selector) : document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    // the basemap provider's credit is its legal name, written as the provider writes it
    if (!el || el.closest("script, style, noscript, template, .leaflet-control-attribution")) continue;
    const text = n.textContent.trim();
    if (!text) continue;
    const marked = el.closest("[lang]");
    const ui = !!el.closest("nav, footer, h2, label, button, th, dt, summary, legend, figcaption, .meta, .glance-key, .leaflet-control, .rr-meta, .rr-hours, .rr-more");
    out.push({ text, lang: marked ? marked.getAttribute("lang") : "", ui });
  }
  for (const el of root.querySelectorAll("[placeholder], [aria-label], img[alt]")) {
    for (const name of ["placeholder", "aria-label", "alt"]) {
      const v = el.getAttribute(name);
      const marked = el.closest("[lang]");
      if (v) out.push({ text: v, lang: marked ? marked.getAttribute("lang") : "", ui: true });
    }
  }
  return out;
}
"""


QUOTED = re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」")
"""A quoted title inside Chinese prose (英文名“Foundation of the Republic”) may stay English."""


def problems(texts: list[dict[str, Any]], lang: str) -> list[str]:
    """What a page's text breaks of the language rules, one line per piece of text."""
    found = []
    for t in texts:
        text, marked = QUOTED.sub("", t["text"]), t["lang"]
        if OSM_HOURS.search(text):
            found.append(f"raw hours rule: {text[:80]!r}")
        if lang == "zh" and not marked.startswith("en") and ENGLISH_SENTENCE.search(text):
            found.append(f"English outside lang=en: {text[:80]!r}")
        if lang == "en" and t["ui"] and not marked.startswith("zh") and CJK.search(text):
            found.append(f"Chinese interface text: {text[:80]!r}")
        if LOCALE_KEY.search(text) and not marked.startswith("en"):
            found.append(f"a locale key shows: {text[:80]!r}")
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_app(tmp_path_factory.mktemp("visitor-lang")) as base:
        yield base


def _paths(base: str) -> list[str]:
    """Every public page of the demo: home, searches, each site, theme and route, the rest."""
    sites = json.load(urlopen(f"{base}/api/sites?limit=1000"))
    theme_slugs = [t["slug"] for t in json.load(urlopen(f"{base}/api/themes"))["data"]]
    route_slugs = [r["slug"] for r in json.load(urlopen(f"{base}/api/routes"))["data"]]
    return [
        "/",
        "/?q=bqhy",
        "/?located=0",
        "/themes",
        "/routes",
        "/calendar",
        "/plaques?theme=great-revolution",
        *(f"/sites/{f['properties']['slug']}" for f in sites["features"]),
        *(f"/themes/{slug}" for slug in theme_slugs),
        *(f"/routes/{slug}" for slug in route_slugs),
        "/maps/sites.html",
        *(f"/maps/themes/{slug}.html" for slug in theme_slugs[:3]),
        *(f"/maps/routes/{slug}.html" for slug in route_slugs),
    ]


def _with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_public_page_speaks_the_readers_language(
    demo: str, open_page: Any, lang: str
) -> None:
    page, _traffic = open_page(_with_lang(f"{demo}/", lang), **PHONE)
    found: dict[str, list[str]] = {}
    for path in _paths(demo):
        page.goto(_with_lang(demo + path, lang))
        if path.startswith("/maps/sites") or path.startswith("/maps/themes"):
            page.wait_for_function(MAP_READY)
        bad = problems(page.evaluate(TEXTS, None), lang)
        if bad:
            found[path] = bad
    assert found == {}, "\n".join(f"{path}: {line}" for path, bad in found.items() for line in bad)


@pytest.mark.parametrize("lang", ["zh", pytest.param("en", marks=pytest.mark.slow)])
def test_every_map_popup_speaks_the_readers_language(demo: str, open_page: Any, lang: str) -> None:
    page, _traffic = open_page(f"{demo}/maps/sites.html?lang={lang}", **PHONE)
    page.wait_for_function(MAP_READY)
    count = page.evaluate("redres.siteLayers[0].redresPoints().length")
    assert count > 20
    found = {}
    for i in range(count):
        page.evaluate(f"redres.siteLayers[0].redresOpen({i})")
        texts = page.evaluate(TEXTS, ".leaflet-popup-content")
        name = page.inner_text(".leaflet-popup-content h3")
        for t in texts:
            t["ui"] = True
            if t["text"] == name:
                t["lang"] = "en" if lang == "en" and not CJK.search(name) else "zh-CN"
        bad = problems(texts, lang)
        if bad:
            found[name] = bad
    assert found == {}, "\n".join(f"{name}: {line}" for name, bad in found.items() for line in bad)


def test_the_checker_catches_what_it_is_for() -> None:
    """The rules fail on the very things the issue found (so a green run means something)."""
    raw = [{"text": "Tu-Su 09:00-17:00", "lang": "", "ui": False}]
    note = [{"text": "No days or closed day found, so no rule", "lang": "", "ui": False}]
    ui = [{"text": "开放时间", "lang": "", "ui": True}]
    assert problems(raw, "zh")
    assert problems(note, "zh")
    assert problems(ui, "en")
    assert problems([{"text": "nav_map", "lang": "", "ui": True}], "en")
    assert not problems([{**note[0], "lang": "en"}], "zh")
    assert not problems([{**ui[0], "lang": "zh-CN"}], "en")
    assert not problems([{"text": "周二至周日 09:00–17:00", "lang": "", "ui": False}], "zh")


def test_the_demo_notes_are_written_in_both_languages() -> None:
    """Every English note and summary of the demo has its Chinese version, and no Chinese
    field holds an English sentence."""
    data = Path(__file__).resolve().parents[2] / "data" / "wuhan"
    sites = json.loads((data / "sites.json").read_text(encoding="utf-8"))
    stories = json.loads((data / "stories.json").read_text(encoding="utf-8"))
    pairs = [(s["hours_note"], s["hours_note_en"]) for s in sites] + [
        (s["summary"], s["summary_en"]) for s in stories
    ]
    assert all(bool(zh) == bool(en) for zh, en in pairs)
    assert not [zh for zh, _en in pairs if zh and ENGLISH_SENTENCE.search(zh)]
    assert all(CJK.search(zh) for zh, _en in pairs if zh)


OPEN_ROUTE_POPUP = """
(i) => {
  const maps = Object.values(window).filter((v) => v instanceof L.Map);
  const layers = [];
  maps[0].eachLayer((l) => { if (l.getPopup && l.getPopup()) layers.push(l); });
  if (i >= 0) layers[i].openPopup();
  return layers.length;
}
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_route_stop_popup_speaks_the_readers_language(
    demo: str, open_page: Any, lang: str
) -> None:
    slugs = [r["slug"] for r in json.load(urlopen(f"{demo}/api/routes"))["data"]]
    page, _traffic = open_page(f"{demo}/", **PHONE)
    found = {}
    for slug in slugs:
        page.goto(f"{demo}/maps/routes/{slug}.html?lang={lang}")
        count = page.evaluate(OPEN_ROUTE_POPUP, -1)
        assert count >= 3
        for i in range(count):
            page.evaluate(OPEN_ROUTE_POPUP, i)
            name = page.inner_text(".leaflet-popup-content h3")
            texts = page.evaluate(TEXTS, ".leaflet-popup-content")
            for t in texts:
                t["ui"] = t["text"] != name  # a stop's name is a name, whatever the page's language
            bad = problems(texts, lang)
            if bad:
                found[f"{slug} {name}"] = bad
    assert found == {}, "\n".join(f"{key}: {line}" for key, bad in found.items() for line in bad)
