"""A teacher's whole journey in Chromium, through the pages only (the instructors are set up in
the database: teachers do not write the resource library).

Sign in from the header → plan a two-day course on 国庆 (2027-10-01) starting at a site named in
Chinese → move a stop by keyboard and another by drag → save → reopen the saved route (same
date, lunch and times) → share it → open the link signed out → make a class with instructors →
a learner on a 390 px phone checks in and rates a stop → the teacher sees the summary.
Screenshots go to build/screenshots/journey-*.png for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.demo import load_demo
from redres.catalog.enums import Role
from redres.catalog.models import Instructor
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.browser.conftest import assert_stayed_home
from tests.browser.serving import serving
from tests.browser.test_class_learner_browser import NO_SIDEWAYS_SCROLL, PHONE
from tests.conftest import DEMO_DIR

TEACHER, PASSWORD = "wang", "correct horse battery"
NATIONAL_DAY = "2027-10-01"
START = "八七会议会址"  # the start typed as a site's Chinese name
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"}
TIMETABLE = """sel => [...document.querySelectorAll(sel)].map(ol =>
  [...ol.querySelectorAll(':scope > li:not(.lunch-break)')].map(li => {
    const t = li.querySelectorAll(':scope > time');
    const a = li.querySelector(":scope > a[href^='/sites/']");
    return [a.getAttribute('href').split('?')[0], t[0].textContent, t[1].textContent];
  }))"""
"""Per day, each stop's site and its start and leave times, as a page shows them."""


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Wuhan demo (SQLite) with a teacher and two made-up instructors, on a free port."""
    url = f"sqlite:///{tmp_path_factory.mktemp('journey') / 'redres.db'}"
    engine = make_engine(url)
    init_db(engine)
    with Session(engine) as session:
        load_demo(session, DEMO_DIR)
        create_user(session, TEACHER, PASSWORD, Role.teacher)
        session.add(
            Instructor(name="刘晓华", unit="市委党校", title="副教授", phone="027-8888 6666")
        )
        session.add(Instructor(name="陈明", unit="纪念馆宣教部", title="讲解员"))
        session.commit()
    settings = Settings(database_url=url, secret_key="j" * 40, plan_requests_per_minute=10**6)
    with serving(create_app(settings, engine=engine)) as base:
        yield base
    engine.dispose()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot for review."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def order(page: Any) -> list[str]:
    """The stops in the re-order panel, all days, by slug."""
    return page.eval_on_selector_all(
        "#reorder ol.stop-order li", "els => els.map(e => e.dataset.slug)"
    )


def checked(page: Any, times: int) -> None:
    page.wait_for_selector(f"#reorder[data-checked='{times}']", state="attached", timeout=30_000)


@pytest.mark.slow
def test_a_teachers_journey_from_plan_to_class_summary(journey_server: str, open_page: Any) -> None:
    base = journey_server
    page, traffic = open_page(f"{base}/plan", **DESKTOP)

    # sign in from the header, come back to the planner
    page.click("header .account a")
    page.fill("#username", TEACHER)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/plan*")
    assert TEACHER in page.inner_text("header .account")
    assert "我的线路" in page.inner_text("header")

    # a two-day course on National Day, starting at a site typed by its Chinese name
    page.check("input[name=theme][value=great-revolution]")
    page.fill("#date", NATIONAL_DAY)
    page.fill("#days", "2")
    page.fill("#lunch", "12:00-13:00")
    page.fill("#start", START)
    page.select_option("#mode", "bus")
    page.fill("#group", "40")
    page.click("form[action='/plan'] button[type=submit]")
    page.wait_for_selector("#reorder", state="visible", timeout=30_000)
    assert page.locator(".error").count() == 0, page.inner_text("main")
    shot(page, "01-plan-1280")
    planned = order(page)
    assert len(planned) >= 3
    days = page.eval_on_selector_all(
        "#plan-schedule h2 small time", "e => e.map(t => t.textContent)"
    )
    assert days == [NATIONAL_DAY, "2027-10-02"]
    assert "国庆节" in page.inner_text("main")  # the holiday is said

    # re-order: the first stop down by keyboard, then the last stop of day 1 dragged to the top
    page.focus("#reorder ol.stop-order li:first-child [data-act=down]")
    page.keyboard.press("Enter")
    checked(page, 1)
    first_day = page.locator("#reorder ol.stop-order").first.locator("li")
    count = first_day.count()
    assert count >= 2
    moved = order(page)
    assert moved[:2] == [planned[1], planned[0]]
    if count >= 3:
        first_day.nth(count - 1).drag_to(first_day.first, target_position={"x": 20, "y": 4})
        checked(page, 2)
    else:
        first_day.first.drag_to(first_day.nth(1), target_position={"x": 20, "y": 30})
        checked(page, 2)
    arranged = order(page)
    assert arranged != moved
    assert sorted(arranged) == sorted(planned)
    rechecked = page.evaluate(TIMETABLE, "#plan-schedule ol.schedule")
    day_heads = page.eval_on_selector_all(
        "#plan-schedule h2 small", "e => e.map(s => s.textContent)"
    )
    assert [s[0].removeprefix("/sites/") for d in rechecked for s in d] == arranged
    assert page.inner_text("#plan-schedule").count("12:00–13:00 午餐") == 2
    shot(page, "02-reordered-1280")

    # save, then reopen the saved route: the same date, lunch and times
    page.fill("#route-name", "国庆两日现场教学")
    page.click("#save-plan button")
    page.wait_for_url("**/plan/saved/**")
    shot(page, "03-saved-1280")
    page.click("p.saved-route a")
    page.wait_for_url("**/routes/**")
    assert page.input_value("#date") == NATIONAL_DAY
    kept = page.evaluate(TIMETABLE, "main ol.schedule")
    assert kept == rechecked
    assert page.eval_on_selector_all("main h2 small", "e => e.map(s => s.textContent)") == day_heads
    assert page.inner_text("main").count("12:00–13:00 午餐") == 2
    assert "国庆节" in page.inner_text("main")
    shot(page, "04-route-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "05-route-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    # share it from "my routes", open the link signed out
    page.click("header a[href^='/plan/mine']")
    page.wait_for_url("**/plan/mine**")
    row = page.locator("tr", has_text="国庆两日现场教学")
    row.locator("button", has_text="分享").click()
    page.wait_for_url("**/plan/mine**")
    link = page.locator("tr", has_text="国庆两日现场教学").locator("input[readonly]").input_value()
    assert "/routes/shared/" in link
    shown = page.locator("input.share-link").bounding_box()
    assert shown is not None
    assert shown["width"] >= 220  # the link can be read, not a sliver of it
    shot(page, "06-mine-1280")
    shared_path = link[link.index("/routes/shared/") :]
    visitor, visitor_traffic = open_page(f"{base}{shared_path}", **PHONE)
    assert "国庆两日现场教学" in visitor.inner_text("h1")
    assert visitor.input_value("#date") == NATIONAL_DAY
    assert visitor.evaluate(TIMETABLE, "main ol.schedule") == kept
    visitor.click("#menu-button")  # the phone header folds its links into a menu
    assert "登录" in visitor.inner_text("header")  # signed out
    assert "状态：草稿" in visitor.inner_text("main")
    assert visitor.evaluate(NO_SIDEWAYS_SCROLL)
    shot(visitor, "07-shared-390")
    assert_stayed_home(visitor_traffic)

    # a class on the route, an instructor at the first two stops
    page.locator("tr", has_text="国庆两日现场教学").locator("a.new-class").click()
    page.wait_for_url("**/classes/new?route=**")
    page.fill("#class-name", "2027年国庆现场教学一班")
    page.fill("#class-start", NATIONAL_DAY)
    page.fill("#class-size", "40")
    boxes = page.locator(".class-instructors select")
    assert boxes.count() == len(set(arranged))
    boxes.nth(0).select_option(label="刘晓华 · 市委党校 · 副教授")
    boxes.nth(1).select_option(label="陈明 · 纪念馆宣教部 · 讲解员")
    shot(page, "08-class-form-1280")
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r".*/classes/[^/?]+$"))
    schedule = page.inner_text(".class-schedule")
    assert "刘晓华" in schedule
    assert "陈明" in schedule
    assert NATIONAL_DAY in schedule
    class_times = page.eval_on_selector_all(
        ".class-schedule tbody tr:not(.class-day)",
        """rows => rows.map(r => [r.querySelector("a[href^='/sites/']").getAttribute('href'),
          ...[...r.querySelectorAll('time')].map(t => t.textContent)])""",
    )
    assert class_times == [s for d in kept for s in d]  # timed as the saved route, same day
    assert "开班前须办理" in page.inner_text("main")
    assert "未记录开放时间" in page.inner_text("main")  # not said to be open when unknown
    shot(page, "09-class-1280")
    learner_url = page.locator("figcaption.learner-url a").get_attribute("href")
    assert learner_url
    learner_path = learner_url[learner_url.index("/classes/") :]

    # a learner on a phone: check in at the first stop, rate it
    phone, phone_traffic = open_page(f"{base}{learner_path}", **PHONE)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    shot(phone, "10-learner-390")
    phone.select_option("#checkin-site", index=0)
    phone.fill("#checkin-name", "学员 12")
    phone.click("#checkin ~ form button[type=submit]")
    phone.wait_for_url("**done=checkin**")
    phone.fill("#eval-learner", "学员 12")
    for key, score in zip(
        ("theme", "accuracy", "appeal", "organisation", "conditions", "gains"),
        (5, 4, 5, 4, 3, 5),
        strict=True,
    ):
        phone.check(f"input[name=score_{key}][value='{score}']")
    phone.fill("#eval-comment", "讲解生动，史料翔实。")
    phone.click("#evaluation ~ form button[type=submit]")
    phone.wait_for_url("**done=evaluation**")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    shot(phone, "11-learner-done-390")
    assert_stayed_home(phone_traffic)

    # the teacher sees it in the summary
    page.click("header a[href^='/classes']")  # the header leads to the teacher's classes
    page.click("text=2027年国庆现场教学一班")
    summary = page.locator("section", has=page.locator("#summary")).inner_text()
    assert "讲解生动，史料翔实。" in summary
    assert "签到 1 人 · 评价 1 份" in summary
    assert "5.0（1 份）" in summary
    assert "3.0（1 份）" in summary
    assert page.locator("table.class-summary").count() == 1  # unrated stops on one line
    assert "尚无评价的教学点：" in summary
    shot(page, "12-summary-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "13-class-390")
    page.goto(f"{page.url.split('?')[0]}?lang=en")
    assert "Before the class" in page.inner_text("main")
    assert "checked in: 1 · ratings: 1" in page.inner_text("main")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "14-class-390-en")
    page.goto(f"{base}/classes/new?lang=en")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "15-class-form-390-en")
    assert_stayed_home(traffic)
