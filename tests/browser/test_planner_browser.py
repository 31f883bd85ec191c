"""The teacher's planner in Chromium on the demo catalogue: sign in from the header, re-order
stops by keyboard and by drag (re-checked at once), save and land on a link to the route; the
handout fits a phone and prints on A4."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.demo import load_demo
from redres.catalog.enums import Role
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.browser.conftest import assert_stayed_home
from tests.browser.serving import serving
from tests.conftest import DEMO_DIR

TEACHER, PASSWORD = "wang", "correct horse battery"
QUERY = "theme=great-revolution&date=2025-06-10&lunch=12:00-13:00&start=114.2944,30.58899"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the Wuhan demo catalogue (SQLite) with a teacher, on a free port."""
    url = f"sqlite:///{tmp_path_factory.mktemp('planner') / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        load_demo(session, DEMO_DIR)
        create_user(session, TEACHER, PASSWORD, Role.teacher)
        session.commit()
    settings = Settings(database_url=url, secret_key="p" * 40, plan_requests_per_minute=10**6)
    app = create_app(settings, engine=engine)
    with serving(app) as base:
        yield base
    engine.dispose()


def schedule(page: Any) -> list[str]:
    """The stops of the schedule now shown (the planner's, or the re-checked one), by slug."""
    hrefs = page.eval_on_selector_all(
        "#plan-schedule ol.schedule li > a[href^='/sites/']", "els => els.map(e => e.href)"
    )
    return [re.sub(r".*/sites/([^?]+).*", r"\1", h) for h in hrefs]


def panel_order(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#reorder ol.stop-order li", "els => els.map(e => e.dataset.slug)"
    )


def wait_checked(page: Any, times: int) -> None:
    page.wait_for_selector(f"#reorder[data-checked='{times}']", state="attached", timeout=30_000)


def test_sign_in_reorder_by_keyboard_and_drag_then_save(demo_server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{demo_server}/plan?{QUERY}", locale="zh-CN")
    page.click("header .account a")  # the header's sign-in link comes back to this plan
    page.fill("#username", TEACHER)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url(f"**/plan?{QUERY.split('&', 1)[0]}*")
    assert TEACHER in page.inner_text("header .account")
    page.wait_for_selector("#reorder", state="visible", timeout=15_000)  # shown by its script
    before = panel_order(page)
    assert schedule(page) == before
    assert len(before) >= 3

    page.focus("#reorder ol.stop-order li:first-child [data-act=down]")
    page.keyboard.press("Enter")
    wait_checked(page, 1)
    moved = [before[1], before[0], *before[2:]]
    assert panel_order(page) == moved
    assert schedule(page) == moved  # re-checked and re-timed in the new order
    assert page.evaluate("document.activeElement.dataset.act") == "down"  # focus stays
    said = page.inner_text("#recheck-status")  # the live region tells what moved and the verdict
    assert "已移到第 2 位" in said
    assert "重新检查" in said
    stops = page.input_value("#save-plan [name=stops]")
    assert stops.split("\n")[:2] == moved[:2]

    items = page.locator("#reorder ol.stop-order li")
    second = items.nth(1)
    low = {"x": 20, "y": second.bounding_box()["height"] - 4}  # its lower half: drop after it
    items.first.drag_to(second, target_position=low)
    wait_checked(page, 2)
    assert panel_order(page) == before  # dragged back to where the planner had it
    assert schedule(page) == before

    page.fill("#route-name", "大革命时期的武汉")
    page.click("#save-plan button")
    page.wait_for_url("**/plan/saved/**")
    link = page.locator("p.saved-route a")
    assert "大革命时期的武汉" in link.inner_text()
    link.click()
    page.wait_for_url("**/routes/**")
    assert "大革命时期的武汉" in page.inner_text("h1")
    assert_stayed_home(traffic)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_handout_fits_a_phone_and_prints_on_a4(
    demo_server: str, open_page: Any, lang: str
) -> None:
    phone = {"viewport": {"width": 360, "height": 800}, "is_mobile": True}
    page, traffic = open_page(f"{demo_server}/plan/export.html?{QUERY}&lang={lang}", **phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("document.querySelector('figure.map img').naturalWidth") > 100
    page.emulate_media(media="print")
    avoid = page.evaluate("getComputedStyle(document.querySelector('tr.stop')).breakInside")
    assert avoid == "avoid"
    pdf = page.pdf(prefer_css_page_size=True)
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 841\.\d+\]", pdf)  # A4 portrait, in points
    assert_stayed_home(traffic)


def test_the_signed_in_plan_result_fits_a_phone(demo_server: str, open_page: Any) -> None:
    phone = {"viewport": {"width": 360, "height": 800}, "is_mobile": True, "locale": "zh-CN"}
    page, traffic = open_page(
        f"{demo_server}/login?next=/plan%3F{QUERY.replace('&', '%26')}", **phone
    )
    page.fill("#username", TEACHER)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_selector("#save-plan")
    page.click("#menu-button")  # on a phone the account corner folds into the header's menu
    assert "我的线路" in page.inner_text("header")
    # the re-order panel is shown by its deferred script: wait for it, as a reader would
    page.wait_for_selector("#reorder [data-act=up]", state="visible", timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_stayed_home(traffic)


def test_swap_and_remove_stops_by_name(demo_server: str, open_page: Any) -> None:
    page, traffic = open_page(f"{demo_server}/plan?{QUERY}", locale="zh-CN")
    before = panel_order(page)
    page.select_option("#swap-which", before[0])
    page.fill("#swap-name", "武汉二七纪念馆")
    page.click("#swap-form button[type=submit]")
    wait_checked(page, 1)
    swapped = panel_order(page)
    assert swapped == ["wuhan-february-7th-memorial-hall", *before[1:]]
    assert schedule(page) == swapped  # timed in its place
    page.click(f"#reorder li[data-slug='{before[1]}'] [data-act=remove]")
    wait_checked(page, 2)
    assert before[1] not in panel_order(page)
    assert before[1] not in schedule(page)
    assert_stayed_home(traffic)
