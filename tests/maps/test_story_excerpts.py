"""Map popups show a story's Markdown as the words a reader sees, never its marks or addresses."""

from __future__ import annotations

from redres.maps.popups import story_excerpt
from tests.markup import XSS_PAYLOADS

BODY = "## 会议\n\n- 结束*右倾*错误\n- 确定**土地革命**方针\n\n见[纪念馆](https://www.example.org/87)。"


def test_excerpt_reads_lists_emphasis_and_links_as_text() -> None:
    excerpt = story_excerpt({"stories": [{"summary": None, "body": BODY}]})
    assert excerpt == "会议 结束右倾错误 确定土地革命方针 见纪念馆。"


def test_a_long_body_is_read_only_as_far_as_the_excerpt() -> None:
    body = "**开头**" + "长" * 100 + "\n\n" + "[尾](https://x.example) " * 10_000
    excerpt = story_excerpt({"stories": [{"summary": None, "body": body}]})
    assert excerpt.startswith("开头长")
    assert excerpt.endswith("…")
    assert len(excerpt) == 80


def test_payloads_stay_text_for_the_popup() -> None:
    """The site layer writes the excerpt with textContent; the words must stay whole."""
    excerpt = story_excerpt({"excerpt": XSS_PAYLOADS[0]})
    assert excerpt == "<script>alert('script')</script>"  # shown as typed, never markup
    for payload in XSS_PAYLOADS:
        assert "\n" not in story_excerpt({"excerpt": payload}, limit=500)
