"""Pages in headless Chromium: home with its map, a site page, and the editors' dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import EDITOR, HOSTILE, PASSWORD, assert_stayed_home
from tests.browser.test_poll_browser import SMALLEST_CHART_TEXT


def test_home_lists_sites_and_its_map_draws_them(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/")
    assert page.locator("ol.sites li").count() == 6
    frame = page.frame_locator("iframe.map")
    frame.locator(".leaflet-marker-icon").first.wait_for()
    page.fill("#q", "bqhy")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=bqhy**")
    assert page.locator("ol.sites li").count() == 1
    assert not traffic.dialogs
    assert_stayed_home(traffic)


def test_site_page_shows_the_hostile_name_as_text(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/?q=img")
    page.locator("ol.sites a").first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == HOSTILE
    assert not traffic.dialogs
    assert_stayed_home(traffic)


def test_dashboard_shows_its_charts(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/editor/dashboard")
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/editor/dashboard")
    assert page.locator("figure.chart").count() >= 5
    assert page.locator("figure.chart:not(:has(svg))").count() == 0  # every chart drew
    charts = page.locator("figure.chart svg")
    box = charts.first.bounding_box()
    assert box is not None
    assert box["width"] > 200
    assert box["height"] > 40
    assert page.locator("figure.chart svg rect").count() >= 5
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 12  # labels readable on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_stayed_home(traffic)


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !el.labels?.length && !el.getAttribute('aria-label')).map(el => el.name || el.id)"""


def test_pages_work_by_keyboard_and_label_every_control(server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{server}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"  # skip to content first
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("bqhy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/?q=bqhy**")
    assert page.locator("ol.sites li").count() == 1
    for path in ("/", "/plan", "/login", "/maps/sites.html"):
        page.goto(f"{server}{path}")
        assert page.evaluate(UNLABELLED) == [], path
    assert_stayed_home(traffic)


CONTRAST = """
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(',').map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (const c of layers.reverse()) bg = over(c, bg);
    return bg;
  };
  const failures = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.leaflet-container, iframe, svg, .skip')) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0) continue;
    const fg = over(parse(style.color), background(el));
    const bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
  }
  return failures;
}
"""


@pytest.mark.slow  # every main page measured in the browser
def test_text_has_enough_contrast_on_every_main_page(server: str, open_page: Any) -> None:
    """WCAG 2 AA: 4.5:1 for body text, 3:1 for large text, measured on the rendered pages."""
    page, traffic = open_page(f"{server}/")
    slug = page.locator("ol.sites li a").first.get_attribute("href")
    checked = 0
    for path in (
        "/",
        slug,
        "/themes",
        "/routes",
        "/routes/red-walk",
        "/plan",
        "/login",
        "/calendar",
        "/?lang=en",
        "/plan?theme=great-revolution&date=2025-06-10",
    ):
        page.goto(f"{server}{path}")
        assert page.evaluate(CONTRAST) == [], path
        checked += 1
    assert checked == 10
    page.evaluate("document.querySelector('h1').style.color = '#bbbbbb'")  # the check can fail
    assert any(f.startswith("H1") for f in page.evaluate(CONTRAST))
    assert_stayed_home(traffic)
