"""Text kept in two languages, shown in the reader's: or a line saying the translation is missing.

Records carry Chinese text (the reader's first language) and, where someone wrote one, an
English version beside it (`summary_en`, `hours_note_en`). A page never shows the other
language in place of a missing translation: a Chinese reader does not get an English note
and an English reader does not get a paragraph of Chinese passed off as the answer. What is
shown carries its ``lang`` attribute, so screen readers and the language checker know.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape

from redres.markdown import render_inline
from redres.messages import Name

HTML_LANG = {"zh": "zh-CN", "en": "en"}
_LATIN_PHRASE = re.compile(r"[A-Za-z]{2,}[ ,.;:'’()-]+[A-Za-z]{2,}")
_TAG = re.compile(r"^[a-z][a-z0-9]*$")


def in_language(zh: str | None, en: str | None, lang: str) -> tuple[str | None, bool]:
    """The text for `lang` and whether a translation is missing (the other language has one).

    Examples
    --------
    >>> in_language("周一闭馆", None, "en"), in_language("周一闭馆", "Closed Mondays", "zh")
    ((None, True), ('周一闭馆', False))
    """
    mine, other = (en, zh) if lang == "en" else (zh, en)
    if mine and mine.strip():
        return mine, False
    return None, bool(other and other.strip())


def text_lang(value: object) -> str:
    """``en`` for text written as an English phrase (a source's title), else ``zh-CN``.

    Examples
    --------
    >>> text_lang("湖北党史网 (hbdsw.org.cn) page on the CPC 5th Congress site"), text_lang("湖北党史网")
    ('en', 'zh-CN')
    """
    return "en" if _LATIN_PHRASE.search(str(value or "")) else "zh-CN"


@pass_context
def localized(
    context: Any,
    zh: str | None,
    en: str | None,
    *,
    tag: str = "p",
    cls: str = "",
    markdown: bool = False,
) -> Markup:
    """An element holding the reader's version of a text, or the "no translation yet" line.

    `markdown`: the text is inline Markdown (a story's summary), rendered and sanitised.
    Nothing at all when neither language has the text.
    """
    lang = str(context.get("lang") or "zh")
    if not _TAG.match(tag):
        tag = "p"
    text, missing = in_language(zh, en, lang)
    if text is not None:
        body = render_inline(text) if markdown else escape(text)
        return Markup('<{0} class="{1}" lang="{2}">{3}</{0}>').format(
            tag, cls, HTML_LANG.get(lang, "zh-CN"), body
        )
    if missing:
        note = context["_"]("translation_missing")
        return Markup('<{0} class="{1} missing-translation">{2}</{0}>').format(
            tag, cls, escape(note)
        )
    return Markup("")


@pass_context
def name_in(context: Any, zh: str | None, en: str | None) -> Markup:
    """A name in the reader's language where one exists (English pages prefer `en`), marked
    with its own language, since a Chinese name stays Chinese on an English page."""
    if str(context.get("lang")) == "en" and en:
        return Markup('<span lang="en">{0}</span>').format(en)
    return Markup('<span lang="zh-CN">{0}</span>').format(zh or "")


@pass_context
def name_text(context: Any, zh: str | None, en: str | None) -> str:
    """`name_in` as plain text, for a page's title or an attribute (no element around it)."""
    return Name(zh or "", en).in_language(str(context.get("lang")))
