"""An editor in Chromium adds an instructor and a course; a signed-out visitor then sees the
course on the site page with the instructor's name and unit, never their phone or email.
Screenshots at a phone's 390 px and a desktop's 1280 px go to build/screenshots for a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home

SITE = "site-of-the-central-peasant-movement-institute"
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "build" / "screenshots"
PHONE, EMAIL = "027-8765 4321", "zhao@dangxiao.example.cn"


def test_editor_adds_a_course_that_visitors_see(server: str, open_page: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, traffic = open_page(f"{server}/editor/instructors/new", locale="zh-CN")
    page.wait_for_url("**/login**")
    page.fill("#username", EDITOR)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/editor/instructors/new")
    page.fill("#name", "赵老师")
    page.fill("#unit", "中共武汉市委党校")
    page.fill("#title", "副教授")
    page.fill("#topics", "农民运动史")
    page.fill("#phone", PHONE)
    page.fill("#email", EMAIL)
    page.click("form.form button[type=submit]")
    page.locator("[role=status]").wait_for()
    assert "已保存" in page.locator("[role=status]").inner_text()

    page.goto(f"{server}/editor/courses/new")
    page.fill("#title", "讲习所里的农民运动")
    page.select_option("#site", SITE)
    page.fill("#duration_minutes", "45")
    page.fill("#audience", "党员干部、青年学生")
    page.select_option("#format", "situational")
    page.get_by_label("赵老师").check()
    page.fill("#outline", "## 教学目标\n\n- 了解**农民运动讲习所**的历史\n- 体会毛泽东的调查研究")
    page.select_option("#status", "published")
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"editor-course-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("form.form button[type=submit]")
    page.locator("[role=status]").wait_for()
    assert page.input_value("#title") == "讲习所里的农民运动"
    assert page.locator("input[name=instructors]:checked").count() == 1
    page.goto(f"{server}/editor/courses")
    assert "讲习所里的农民运动" in page.locator(".library-list").inner_text()
    for listing in ("courses", "instructors"):
        page.goto(f"{server}/editor/{listing}")
        page.set_viewport_size({"width": 390, "height": 700})
        page.screenshot(path=str(SCREENSHOTS / f"editor-{listing}-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_stayed_home(traffic)

    visitor, seen = open_page(f"{server}/sites/{SITE}", locale="zh-CN")  # a fresh context
    section = visitor.locator("section.courses")
    assert "现场教学课程" in section.inner_text()
    text = section.inner_text()
    for expected in (
        "讲习所里的农民运动",
        "45分钟",
        "党员干部、青年学生",
        "赵老师",
        "中共武汉市委党校",
    ):
        assert expected in text
    body = visitor.content()
    assert PHONE not in body
    assert EMAIL not in body
    section.locator("summary").click()  # the outline, rendered
    assert section.locator("strong", has_text="农民运动讲习所").is_visible()
    for width in (390, 1280):
        visitor.set_viewport_size({"width": width, "height": 900})
        section.scroll_into_view_if_needed()
        section.screenshot(path=str(SCREENSHOTS / f"site-courses-{width}.png"))
        visitor.screenshot(path=str(SCREENSHOTS / f"site-page-{width}.png"), full_page=True)
        assert visitor.evaluate("document.documentElement.scrollWidth") <= width
    assert_stayed_home(seen)
