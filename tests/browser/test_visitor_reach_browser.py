"""Fit for China and reach, on a 390 px phone: filing numbers in the footer (only when set),
the WeChat hint, QR codes for sites, routes and stops, the plaque sheet, share previews."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from typing import Any
from urllib.request import urlopen

import pytest
import qrcode
import qrcode.image.svg

from tests.browser.visitor_server import ICP, PSB, PUBLIC_URL, demo_app

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "locale": "zh-CN"}
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560"
)
SITE = "cpc-5th-congress-site"
ROUTE = "hankou-1927-great-revolution-walk"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo with no filing numbers set."""
    with demo_app(tmp_path_factory.mktemp("visitor-plain")) as base:
        yield base


@pytest.fixture(scope="module")
def filed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo deployed with its ICP and public security filing numbers."""
    with demo_app(tmp_path_factory.mktemp("visitor-filed"), icp_number=ICP, psb_number=PSB) as b:
        yield b


def test_footer_shows_the_filing_numbers_when_set(filed: str, open_page: Any) -> None:
    for path in ("/", f"/sites/{SITE}", f"/routes/{ROUTE}?lang=en"):
        page, _traffic = open_page(filed + path, **PHONE)
        icp = page.locator("footer .filing a", has_text=ICP)
        psb = page.locator("footer .filing a", has_text=PSB)
        assert icp.is_visible()
        assert icp.get_attribute("href") == "https://beian.miit.gov.cn/"
        assert psb.is_visible()
        assert psb.get_attribute("href").endswith("code=42010602000001")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_footer_shows_nothing_when_unset(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/", **PHONE)
    assert page.locator("footer .filing").count() == 0
    assert "备" not in page.locator("footer").inner_text()


def test_wechat_gets_a_hint_to_open_the_system_browser(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/sites/{SITE}", user_agent=WECHAT_UA, **PHONE)
    hint = page.locator("#wechat-hint")
    assert hint.is_visible()
    assert "在浏览器打开" in hint.inner_text()
    box = hint.bounding_box()
    assert box["y"] + box["height"] <= 844 + 1  # a bar at the bottom of the screen
    page.locator("#wechat-hint-close").click()
    assert not hint.is_visible()
    page, _traffic = open_page(f"{demo}/sites/{SITE}?lang=en", user_agent=WECHAT_UA, **PHONE)
    assert "Open in Browser" in page.locator("#wechat-hint").inner_text()


def test_other_browsers_get_no_wechat_hint(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/sites/{SITE}", **PHONE)
    assert page.locator("#wechat-hint").count() == 0


def _qr_of(url: str) -> bytes:
    buffer = io.BytesIO()
    qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2).save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("path", "target"),
    [
        (f"/sites/{SITE}/qr.svg", f"/sites/{SITE}"),
        (f"/routes/{ROUTE}/qr.svg", f"/routes/{ROUTE}"),
        (f"/routes/{ROUTE}/stops/1-2/qr.svg", f"/routes/{ROUTE}#stop-1-2"),
    ],
    ids=["site", "route", "stop"],
)
def test_qr_codes_carry_the_public_address(demo: str, path: str, target: str) -> None:
    with urlopen(demo + path) as answer:
        assert answer.headers["Content-Type"] == "image/svg+xml"
        body = answer.read()
    assert body.lstrip().startswith(b"<?xml") or b"<svg" in body[:200]
    assert body == _qr_of(PUBLIC_URL + target)  # the code encodes exactly this address


def test_a_stop_that_does_not_exist_has_no_qr(demo: str) -> None:
    with pytest.raises(Exception, match="404"):
        urlopen(f"{demo}/routes/{ROUTE}/stops/1-99/qr.svg")


def test_route_page_links_its_stops_qr_codes(demo: str, open_page: Any) -> None:
    page, traffic = open_page(f"{demo}/routes/{ROUTE}", **PHONE)
    assert page.locator(f"img[src='/routes/{ROUTE}/qr.svg']").count() == 1
    links = page.locator("a.stop-qr")
    assert links.count() >= 3
    first = links.first.get_attribute("href")
    assert first == f"/routes/{ROUTE}/stops/1-1/qr.svg"
    assert page.locator("#stop-1-1").count() == 1  # where the stop's code lands
    assert traffic.errors == []


def test_plaque_sheet_for_a_theme(demo: str, open_page: Any) -> None:
    sites = json.load(urlopen(f"{demo}/api/sites?theme=great-revolution&limit=1000"))
    page, traffic = open_page(f"{demo}/plaques?theme=great-revolution", **PHONE)
    plaques = page.locator("li.plaque")
    assert plaques.count() == sites["total"]
    names = {f["properties"]["name"] for f in sites["features"]}
    assert {plaques.nth(i).locator("h2").inner_text() for i in range(plaques.count())} == names
    assert page.locator("li.plaque img[src$='/qr.svg']").count() == sites["total"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.emulate_media(media="print")
    assert not page.locator(".plaque-tools").is_visible()
    assert traffic.refused == []


def test_plaque_sheet_fits_an_a4_page(demo: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{demo}/plaques?theme=great-revolution")
    plaques = page.locator(".plaque").count()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    context.close()
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert plaques > 6
    assert pages == math.ceil(plaques / 6)  # six plaques to a page, not one per page


def _meta(page: Any, prop: str) -> str | None:
    found = page.locator(f"meta[property='{prop}']")
    return found.get_attribute("content") if found.count() else None


def test_share_previews_in_the_readers_language(demo: str, open_page: Any) -> None:
    page, _traffic = open_page(f"{demo}/sites/{SITE}", **PHONE)
    assert _meta(page, "og:title") == "中共五大会址纪念馆"
    assert "中共五大" in (_meta(page, "og:description") or "")
    assert _meta(page, "og:url") == f"{PUBLIC_URL}/sites/{SITE}"
    assert (
        _meta(page, "og:image") is None
    )  # the demo has no photos: no image rather than a wrong one
    page, _traffic = open_page(f"{demo}/sites/{SITE}?lang=en", **PHONE)
    assert _meta(page, "og:title") == (
        "Memorial Hall of the Site of the 5th National Congress of the CPC"
    )
    assert (_meta(page, "og:description") or "").startswith("The CPC 5th National Congress")
    assert _meta(page, "og:url") == f"{PUBLIC_URL}/sites/{SITE}?lang=en"
    page, _traffic = open_page(f"{demo}/routes/{ROUTE}", **PHONE)
    assert _meta(page, "og:title") == "汉口1927：大革命旧址步行线"
    assert _meta(page, "og:url") == f"{PUBLIC_URL}/routes/{ROUTE}"
