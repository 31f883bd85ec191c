"""Story Markdown renders as written (lists, emphasis, links) and no script payload survives."""

from __future__ import annotations

import pytest

from redres.markdown import plain_text, render_inline, render_markdown
from tests.markup import XSS_PAYLOADS, inert_problems, tags_of

STORY = """## 会议经过

1927年8月7日，*中共中央*在汉口召开**紧急会议**。

- 结束了陈独秀的右倾机会主义错误
- 确定了土地革命和武装反抗的总方针
- 选出了临时中央政治局

> 政权是由枪杆子中取得的。

详见[纪念馆网站](https://www.example.org/87)、[会址页面](/sites/aug7)或[来信](mailto:a@example.org)。
"""


def test_lists_emphasis_quotes_and_links_render_as_written() -> None:
    html = render_markdown(STORY)
    assert tags_of(html).count("li") == 3
    assert "<ul>" in html
    assert "<em>中共中央</em>" in html
    assert "<strong>紧急会议</strong>" in html
    assert "<blockquote>" in html
    assert "*" not in html  # no mark is left visible
    assert "](" not in html
    assert inert_problems(html) == []


def test_headings_sit_below_the_story_title() -> None:
    html = render_markdown("# 一\n\n## 二\n\n#### 四")
    assert tags_of(html) == ["h4", "h5", "h6"]


def test_external_links_get_noopener_nofollow_and_ours_do_not() -> None:
    html = render_markdown(STORY)
    assert '<a href="https://www.example.org/87" rel="noopener nofollow">纪念馆网站</a>' in html
    assert '<a href="mailto:a@example.org" rel="noopener nofollow">来信</a>' in html
    assert '<a href="/sites/aug7">会址页面</a>' in html
    assert 'rel="noopener nofollow"' in render_markdown("[x](//elsewhere.example/p)")


def test_a_single_line_break_stays_a_line_break() -> None:
    assert "<br>" in render_markdown("第一行\n第二行")


def test_images_only_from_here_or_https() -> None:
    assert 'src="/media/1/display.jpg"' in render_markdown("![旧照](/media/1/display.jpg)")
    assert 'src="https://img.example.org/a.jpg"' in render_markdown(
        "![旧照](https://img.example.org/a.jpg)"
    )
    for src in ("http://img.example.org/a.jpg", "data:image/png;base64,AAAA", "//x.example/a"):
        html = render_markdown(f"![旧照]({src})")
        assert html == "<p>旧照</p>\n", src  # the words stay, with no broken-image box


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_each_payload_is_inert(payload: str) -> None:
    for html in (render_markdown(payload), render_inline(payload)):
        assert inert_problems(html) == [], (payload, html)


def test_all_payloads_in_one_body_are_inert_and_shown_as_text() -> None:
    html = render_markdown("\n\n".join(XSS_PAYLOADS))
    assert inert_problems(html) == []
    assert "&lt;script&gt;alert('script')&lt;/script&gt;" in html  # visible, not run or lost


def test_summary_renders_inline_without_blocks() -> None:
    html = render_inline("**八七会议**：见[纪念馆](https://www.example.org)\n- 不是列表")
    assert html.startswith("<strong>八七会议</strong>")
    assert not {"p", "ul", "li"} & set(tags_of(html))
    assert 'rel="noopener nofollow"' in html


def test_plain_text_reads_the_markdown_not_its_marks() -> None:
    text = plain_text(STORY)
    assert text.startswith("会议经过 1927年8月7日，中共中央在汉口召开紧急会议。")
    assert "纪念馆网站" in text
    assert not [mark for mark in ("example.org", "*", "#", "](") if mark in text]
    assert plain_text("[x](javascript:alert(1))") == "[x](javascript:alert(1))"  # not a link
    assert [plain_text(None), render_markdown(""), render_inline(None)] == ["", "", ""]
