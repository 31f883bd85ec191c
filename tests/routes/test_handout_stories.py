"""The printed handout renders a story's summary as Markdown, and runs none of its scripts."""

from __future__ import annotations

import datetime as dt

from redres.routes.answer import DayPlan, Itinerary, Leg, Stop
from redres.routes.handout import render_handout
from redres.routes.model import Story
from tests.markup import XSS_PAYLOADS, inert_problems


def _itinerary(*stories: Story) -> Itinerary:
    stop = Stop(1, "aug7", "八七会议会址", 114.2944, 30.58899, 540, 545, 605, 1.0, stories=stories)
    legs = (
        Leg("start", "aug7", 5, 300, ((114.28, 30.55), (114.2944, 30.58899))),
        Leg("aug7", "end", 5, 300, ((114.2944, 30.58899), (114.28, 30.55))),
    )
    return Itinerary((DayPlan(dt.date(2025, 6, 3), (stop,), legs, 535, 615),), ())


def test_summary_renders_emphasis_and_links() -> None:
    html = render_handout(
        _itinerary(Story("八七会议", "**紧急会议**见[纪念馆](https://www.example.org)"))
    )
    assert (
        '<strong>紧急会议</strong>见<a href="https://www.example.org" rel="noopener nofollow">'
        "纪念馆</a>"
    ) in html
    assert "**" not in html


def test_summary_payloads_are_inert() -> None:
    html = render_handout(_itinerary(*(Story(f"故事{i}", p) for i, p in enumerate(XSS_PAYLOADS))))
    story_part = html[html.index("<h3>") :]
    assert inert_problems(story_part.split("</section>")[0]) == []


def test_an_english_handout_joins_a_story_title_and_summary_with_an_english_colon() -> None:
    story = Story(
        "八七会议", "中文简介", title_en="The August 7 Conference", excerpt="It met here."
    )
    english = render_handout(_itinerary(story), lang="en")
    assert "<strong>The August 7 Conference</strong>: It met here." in english
    assert "：" not in english[english.index("<h3>") :].split("</section>")[0]
    chinese = render_handout(_itinerary(story))
    assert "<strong>八七会议</strong>：中文简介" in chinese
