"""A published route saved to the phone opens in airplane mode: the route page and its stop
pages come from the service worker's cache (Playwright's offline mode cuts the network). The
saved copy says which day its times are for, and holds nothing of a signed-in reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import EDITOR, PASSWORD, PNG_1X1, TILE_HOSTS

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone context whose tile requests get a blank tile (nothing leaves this machine)."""
    context = browser.new_context(**PHONE)

    def tiles(route: Any) -> None:
        if any(host in route.request.url for host in TILE_HOSTS):
            route.fulfill(body=PNG_1X1, content_type="image/png")
        else:
            route.abort()

    context.route("https://**/*", tiles)
    yield context
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_saved_route_opens_offline(server: str, phone: Any, lang: str) -> None:
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    page.goto(f"{server}/routes/red-walk?lang={lang}")
    title = page.locator("h1").inner_text()
    stop = page.locator("ol.schedule a[href^='/sites/']").first
    stop_name, stop_href = stop.inner_text(), stop.get_attribute("href")
    save = page.locator("#offline-save")
    assert save.is_visible()
    assert save.bounding_box()["height"] >= 44
    save.click()
    page.wait_for_selector("#offline.saved", timeout=20_000)
    said = page.locator("#offline-status").inner_text()
    assert ("离线" in said) if lang == "zh" else ("without a network" in said)

    assert page.locator("#offline-when").is_hidden()  # online: times for the day shown
    day = page.locator("#offline").get_attribute("data-date")

    phone.set_offline(True)
    try:
        page.reload()
        assert page.locator("h1").inner_text() == title
        assert page.locator("ol.schedule > li:not(.lunch-break)").count() == 3
        copy = page.locator(
            "#offline-when"
        ).inner_text()  # a saved copy says it is one, and its day
        assert day in copy
        assert ("离线副本" in copy) if lang == "zh" else ("copy saved on this phone" in copy)
        # the route's map page came from the cache too, its inline scripts still allowed
        frame = page.frame_locator("iframe.map")
        frame.locator(".rr-stop").first.wait_for(timeout=10_000)
        page.goto(f"{server}{stop_href}")
        assert stop_name in page.locator("h1").inner_text()
        with pytest.raises(Exception, match=r"ERR_INTERNET_DISCONNECTED|ERR_FAILED"):
            page.goto(f"{server}/calendar")  # never saved: not there offline
    finally:
        phone.set_offline(False)
    assert errors == []


def test_wechat_gets_a_way_out_instead_of_the_button(server: str, browser: Any) -> None:
    agent = "Mozilla/5.0 (Linux; Android 13) Mobile MicroMessenger/8.0.47.2560(0x28002F30)"
    context = browser.new_context(**PHONE, user_agent=agent)
    try:
        page = context.new_page()
        page.goto(f"{server}/routes/red-walk?lang=zh")
        assert page.locator("#offline-save").count() == 0
        assert "在浏览器打开" in page.locator(".offline-wechat").inner_text()
    finally:
        context.close()


def test_service_worker_and_manifest_are_served_from_the_app(server: str, browser: Any) -> None:
    context = browser.new_context()
    try:
        worker = context.request.get(f"{server}/sw.js")
        assert worker.ok
        assert worker.headers["content-type"].startswith("text/javascript")
        assert worker.headers["service-worker-allowed"] == "/"
        manifest = context.request.get(f"{server}/routes/red-walk/manifest.webmanifest").json()
        assert manifest["start_url"] == "/routes/red-walk"
        assert manifest["name"] == "红色步行线"
        assert context.request.get(f"{server}/routes/nope/manifest.webmanifest").status == 404
    finally:
        context.close()


# the JavaScript reading every saved page back, as the phone's cache holds it
SAVED_PAGES = """async () => {
  const cache = await caches.open("redres-offline-v2");
  const out = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    if ((response.headers.get("content-type") || "").includes("html")) {
      out.push([request.url, await response.text()]);
    }
  }
  return out;
}"""


def _save(page: Any) -> None:
    page.locator("#offline-save").click()
    page.wait_for_selector("#offline.saved", timeout=20_000)


@pytest.mark.slow  # a save and an offline reload (5-8 s)
def test_a_route_saved_for_one_day_says_so_on_a_later_one(server: str, phone: Any) -> None:
    page = phone.new_page()
    page.goto(f"{server}/routes/red-walk?lang=zh")
    day = page.locator("#offline").get_attribute("data-date") or ""
    _save(page)
    # three days later, in Beijing, without a network: the times shown are still the saved day's
    later = dt.datetime.fromisoformat(day) + dt.timedelta(days=3, hours=10)
    page.clock.set_fixed_time(later.replace(tzinfo=dt.timezone(dt.timedelta(hours=8))))
    phone.set_offline(True)
    try:
        page.reload()
        note = page.locator("#offline-when")
        assert note.is_visible()
        said = note.inner_text()
        assert "离线副本" in said
        assert "不是今天" in said
        assert said.count(day) == 2  # the copy's day, in both sentences
        assert page.locator("ol.schedule").first.is_visible()
        assert day in page.locator("main h2 time").first.inner_text()
    finally:
        phone.set_offline(False)


@pytest.mark.slow
def test_a_signed_in_editor_saves_only_what_anyone_would_see(server: str, phone: Any) -> None:
    page = phone.new_page()
    page.goto(f"{server}/login?next=/routes/red-walk")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/routes/red-walk")
    assert page.locator("header .account-name").count() == 1
    _save(page)

    def greeted() -> list[str]:
        saved = page.evaluate(SAVED_PAGES)
        assert len(saved) >= 5  # the route, its map and its three stops
        return [url for url, html in saved if "account-name" in html or "/logout" in html]

    assert greeted() == []
    page.reload()  # seen online again, signed in: the saved copy is not replaced by this one
    page.wait_for_timeout(500)
    assert greeted() == []
    phone.set_offline(True)
    try:
        page.reload()
        assert page.locator("header .account-name").count() == 0
        assert page.locator("header .account a[href^='/login']").count() == 1
    finally:
        phone.set_offline(False)
