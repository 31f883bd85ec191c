"""Script payloads an editor (or a poisoned survey sheet) could type into a story, and a check
that rendered HTML holds none of them alive: no script, no handler, no script-bearing URL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

XSS_PAYLOADS = [
    "<script>alert('script')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert('split')<</script>/script>",
    "[click](javascript:alert('js-link'))",
    "[click](JaVaScRiPt:alert('mixed-case'))",
    "[click](&#106;avascript:alert('entity'))",
    "[click](java&#x09;script:alert('tab'))",
    "[click](javascript&colon;alert('colon'))",
    "[click](<javascript:alert('angle')>)",
    "[click]( javascript:alert('space'))",
    "[click](vbscript:msgbox('vb'))",
    "<a href=\"javascript:alert('raw-a')\">raw link</a>",
    "<img src=x onerror=alert('onerror')>",
    "![pic](x\" onerror=\"alert('img-attr'))",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![pic](http://evil.example/track.png)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<!-- --><script>alert('comment')</script><!-- -->",
    "<!--<script>-->alert('comment-split')<!--</script>-->",
    "<!-- <img src=x onerror=alert('in-comment')> -->",
    "*<svg onload=alert('svg')>*",
    "> <iframe src=\"javascript:alert('iframe')\"></iframe>",
    "- **[nested *<b onmouseover=alert('nested')>x</b>*](https://example.org)**",
    '[t](https://example.org "a\\" onmouseover=\\"alert(\'title\')")',
    "<details open ontoggle=alert('toggle')>",
    "`<script>alert('code')</script>`",
    "```html\n<script>alert('fence')</script>\n```",
    "<style>body{display:none}</style>",
    "<form action=javascript:alert('form')><button>go</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
    "***[x](javascript:alert('triple'))***",
    "<object data=javascript:alert('object')></object><embed src=javascript:alert('embed')>",
    "<base href=javascript:alert('base')//>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('meta')\">",
]
"""One per line of a story body; each is also tried on its own."""

DANGEROUS_TAGS = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "button", "input",
     "details", "base", "meta", "link", "frame", "frameset", "template", "noscript", "textarea"}
)  # fmt: skip
PAGE_DANGEROUS_TAGS = frozenset({"iframe", "object", "embed", "svg", "math", "base", "frame"})
"""What a whole page of ours never holds (it has its own meta, links and forms)."""
SAFE_SCHEMES = ("http", "https", "mailto", "geo")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
"""A URL's scheme as browsers read it (after dropping tabs and newlines, which they ignore)."""


@dataclass
class _Found:
    tags: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _Inspector(HTMLParser):
    def __init__(self, *, page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.found = _Found()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.tags.append(tag)
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            # a page may load its own script files; a fragment may hold no script at all
            if not (self.page and src.startswith("/static/")):
                self.found.problems.append(f"script element {attrs}")
            self._in_script = True
        elif tag in (PAGE_DANGEROUS_TAGS if self.page else DANGEROUS_TAGS):
            self.found.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.found.problems.append(f"{name} attribute on <{tag}>")
            if name in ("href", "src", "action", "data", "poster", "background") and value:
                scheme = _SCHEME.match("".join(value.split()).lower())
                if scheme and scheme.group(1) not in SAFE_SCHEMES:
                    self.found.problems.append(f"{name}={value!r} on <{tag}>")
            if name == "style" and not self.page:
                self.found.problems.append(f"style attribute on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.problems.append(f"inline script text {data[:60]!r}")

    def handle_comment(self, data: str) -> None:
        if not self.page:
            self.found.problems.append(f"comment {data[:60]!r}")


def inert_problems(html: str, *, page: bool = False) -> list[str]:
    """Everything in `html` that could run a script; [] when inert.

    A `page` may load scripts from its own ``/static/`` files and hold its own forms; a
    fragment (a rendered story) may hold neither, nor comments or style attributes.
    """
    inspector = _Inspector(page=page)
    inspector.feed(html)
    inspector.close()
    return inspector.found.problems


def tags_of(html: str) -> list[str]:
    """The start tags of `html`, in order."""
    inspector = _Inspector(page=True)
    inspector.feed(html)
    inspector.close()
    return inspector.found.tags
