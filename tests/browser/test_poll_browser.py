"""Polls in Chromium: the teacher writes one on the form (no script needed), a learner answers
it on a phone, and the class page draws the answer as a chart (zh and en, phone and desktop)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import EDITOR, PASSWORD, assert_stayed_home
from tests.browser.test_class_learner_browser import NO_SIDEWAYS_SCROLL, PHONE, _new_class

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "build" / "screenshots"
SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll('figure.chart svg text')]
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""
"""The smallest chart label as drawn, in CSS pixels (its font size times the SVG's scale)."""


def test_a_learner_answers_a_poll_on_a_phone_and_the_teacher_sees_the_chart(
    server: str, open_page: Any
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    fc = _new_class(server)
    slug = fc["slug"]
    teacher, traffic = open_page(f"{server}/classes/{slug}/polls/new", locale="zh-CN")
    teacher.wait_for_url("**/login**")
    teacher.fill("#username", EDITOR)
    teacher.fill("#password", PASSWORD)
    teacher.click("button[type=submit]")
    teacher.wait_for_url(f"**/classes/{slug}/polls/new")
    teacher.fill("#poll-title", "现场教学课后问卷")
    teacher.select_option("#poll-status", "open")
    teacher.fill("#q1-text", "本次现场教学最打动你的是？")
    teacher.fill("#q1-text-en", "What moved you most?")
    teacher.select_option("#q1-kind", "multiple")
    teacher.fill("#q1-options", "讲解员的讲述 | The guide\n历史文物\n现场氛围")
    teacher.fill("#q2-text", "总体满意度")
    teacher.select_option("#q2-kind", "rating")
    teacher.fill("#q3-text", "还有什么建议？")
    teacher.select_option("#q3-kind", "text")
    teacher.uncheck("input[name=q3_required]")
    teacher.click("button[value=save]")
    teacher.wait_for_url(f"**/classes/{slug}#polls")
    assert "0 人作答" in teacher.inner_text("#polls-section")

    url = f"{server}/classes/{slug}/learn?token={fc['checkin_token']}"
    phone, phone_traffic = open_page(url, **PHONE)
    poll = phone.locator("section.poll")
    assert poll.locator("h2").inner_text() == "现场教学课后问卷"
    poll.locator("input[name=learner]").fill("学员 07")
    poll.get_by_label("历史文物").check()
    poll.get_by_label("现场氛围").check()
    poll.locator("input[name=q2][value='4']").check()
    poll.locator("textarea").fill("希望多留些提问时间。")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    phone.screenshot(path=str(SCREENSHOTS / "poll-learner-390-zh.png"), full_page=True)
    poll.locator("button[type=submit]").click()
    phone.wait_for_url("**done=poll**")
    assert phone.locator("section.poll p[role=status]").inner_text() == "问卷已提交，谢谢！"
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    poll = phone.locator("section.poll")
    poll.locator("input[name=learner]").fill("  学员  07 ")
    poll.get_by_label("现场氛围").check()
    poll.locator("input[name=q2][value='5']").check()
    poll.locator("button[type=submit]").click()
    assert "已经答过本问卷" in phone.inner_text("#learn-errors")  # one answer per learner
    phone.goto(f"{url}&lang=en")
    assert phone.locator("section.poll legend").first.inner_text().endswith("What moved you most?")
    phone.screenshot(path=str(SCREENSHOTS / "poll-learner-390-en.png"), full_page=True)
    assert_stayed_home(phone_traffic)

    teacher.reload()
    section = teacher.locator("#polls-section")
    assert "1 人作答" in section.inner_text()
    chart = section.locator("svg").first
    assert "历史文物" in chart.inner_html()
    assert "希望多留些提问时间。" in section.inner_text()
    assert "07" not in section.inner_text()  # who answered is not shown
    for width in (1280, 390):
        teacher.set_viewport_size({"width": width, "height": 900})
        assert teacher.evaluate(f"() => document.documentElement.scrollWidth <= {width}")
        assert teacher.evaluate(SMALLEST_CHART_TEXT) >= 12  # readable on a phone too
        section.screenshot(path=str(SCREENSHOTS / f"poll-results-{width}-zh.png"))
    teacher.goto(f"{server}/classes/{slug}?lang=en")
    section = teacher.locator("#polls-section")
    assert "1 answered" in section.inner_text()
    section.screenshot(path=str(SCREENSHOTS / "poll-results-390-en.png"))
    teacher.set_viewport_size({"width": 390, "height": 900})
    teacher.goto(f"{server}/polls/{teacher_poll_id(teacher, server, slug)}/edit?lang=zh")
    teacher.screenshot(path=str(SCREENSHOTS / "poll-form-390-zh.png"), full_page=True)
    assert teacher.evaluate(NO_SIDEWAYS_SCROLL)
    assert_stayed_home(traffic)


def teacher_poll_id(page: Any, server: str, slug: str) -> str:
    """The id of the first poll on the class page (from its edit link)."""
    page.goto(f"{server}/classes/{slug}")
    href = page.locator("#polls-section a[href$='/edit']").first.get_attribute("href")
    return str(href).split("/")[2]
