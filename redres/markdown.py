"""Story text as written: Markdown rendered to sanitised HTML, or to plain text for excerpts.

Story bodies and summaries are Markdown typed by editors or imported from survey sheets, so
none of it is trusted. markdown-it-py parses it with raw HTML turned off; the result then goes
through nh3 (the Ammonia sanitiser) with an allow-list of tags, attributes and URL schemes, so
even a parser bug cannot let a script, an event handler or a ``javascript:`` link through.
External links get ``rel="noopener nofollow"``; images may come only from this host or https.

It sits below the rooms because every room that shows a story uses it: the pages, the map
popups (plain text) and the printed handout.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

EXTERNAL_REL = "noopener nofollow"
"""The ``rel`` of a link that leaves the site."""

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
"""The only schemes a link may use; relative links to our own pages are kept as well."""

HEADING_SHIFT = 3
"""A story's ``#`` heading sits below the story's own title (an ``h3`` on the site page)."""

_TAGS = {
    "p", "br", "em", "strong", "del", "s", "a", "ul", "ol", "li", "blockquote",
    "code", "pre", "hr", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}


def render_markdown(text: str | None) -> Markup:
    """A story body as safe HTML: paragraphs, lists, emphasis, links, quotes, tables.

    Examples
    --------
    >>> render_markdown("- *一*\\n- [二](https://example.org)")
    Markup('<ul>\\n<li><em>一</em></li>\\n<li><a href="https://example.org" rel="noopener nofollow">二</a></li>\\n</ul>\\n')
    >>> render_markdown('<img src=x onerror="alert(1)">')
    Markup('<p>&lt;img src=x onerror="alert(1)"&gt;</p>\\n')
    """
    if not text:
        return Markup("")
    md = _parser()
    tokens = md.parse(text)
    _mark_tokens(tokens)
    return Markup(_cleaner().clean(md.renderer.render(tokens, md.options, {})))


def render_inline(text: str | None) -> Markup:
    """A one-line text (a story's summary) as safe inline HTML: emphasis and links, no blocks.

    Examples
    --------
    >>> render_inline("**八七会议**在[汉口](/sites/hankou)召开")
    Markup('<strong>八七会议</strong>在<a href="/sites/hankou">汉口</a>召开')
    """
    if not text:
        return Markup("")
    md = _parser()
    tokens = md.parseInline(text)
    _mark_tokens(tokens)
    return Markup(_cleaner().clean(md.renderer.render(tokens, md.options, {})))


def plain_text(text: str | None) -> str:
    """What a reader sees of the Markdown, as one line of text: marks gone, link text kept.

    For places that show text only (map popups write it with ``textContent``); the caller
    still escapes it wherever it becomes HTML.

    Examples
    --------
    >>> plain_text("# 会议\\n\\n**八七会议**在[汉口](https://example.org)召开。\\n\\n- 一\\n- 二")
    '会议 八七会议在汉口召开。 一 二'
    """
    if not text:
        return ""
    parts: list[str] = []
    for token in _parser().parse(text):
        if token.type == "inline":
            parts.append("".join(_inline_text(c) for c in token.children or ()))
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
    return " ".join(" ".join(parts).split())


def is_external(href: str) -> bool:
    """Whether a link leaves this site (has a scheme, or is protocol-relative ``//host``).

    Examples
    --------
    >>> is_external("https://example.org"), is_external("/sites/a"), is_external("//evil.example")
    (True, False, True)
    """
    stripped = "".join(href.split())  # browsers drop tabs and newlines inside a URL
    return stripped.startswith(("//", "\\\\", "/\\")) or _SCHEME.match(stripped) is not None


def _mark_tokens(tokens: Sequence[Token]) -> None:
    """Shift headings under the story title, mark external links, and turn an image we will
    not show into its words (rather than a broken-image box)."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_SHIFT)}"
        if token.type == "image" and not _image_allowed(str(token.attrGet("src") or "")):
            token.type, token.tag, token.attrs, token.children = "text", "", {}, None
            continue
        if token.children:
            _mark_tokens(token.children)
        if token.type == "link_open" and is_external(str(token.attrGet("href") or "")):
            token.attrSet("rel", EXTERNAL_REL)


def _inline_text(token: Token) -> str:
    if token.type in ("text", "code_inline", "image"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    return ""


def _image_allowed(src: str) -> bool:
    """Images only from this host or over https: anything else would leak or be blocked."""
    same_host = src.startswith("/") and not src.startswith(("//", "/\\"))
    return same_host or src.lower().startswith("https://")


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value if _image_allowed(value) else None
    return value


@cache
def _parser() -> MarkdownIt:
    # html=False: raw HTML in the text is shown as text, never passed on; breaks=True: a single
    # line break an editor typed stays a line break (Chinese prose has no spaces to fall back on).
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    return md.enable(["table", "strikethrough"])


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        tag_attribute_values={"a": {"rel": {EXTERNAL_REL}}},
        attribute_filter=_filter_attribute,
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
