"""A cited source on a page: its human label (`redres.catalog.source_labels`), linked to its
address when that is a web address. Every template that lists sources calls `source_link`,
so no page shows a raw URL, a file path or a commit hash as a source's name."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from markupsafe import Markup

from redres.api.bilingual import text_lang
from redres.catalog.source_labels import source_label


def _field(src: Any, name: str) -> str | None:
    value = src.get(name) if isinstance(src, dict) else getattr(src, name, None)
    return None if value is None else str(value)


@pass_context
def source_link(context: Any, src: Any) -> Markup:
    """The source's label, marked with its language, as a link to its URL (http/https only:
    any other scheme is shown as text, never followed)."""
    url = _field(src, "url")
    label = source_label(_field(src, "title"), url, str(context.get("lang") or "zh"))
    lang = text_lang(label)
    if url and url.startswith(("http://", "https://")):
        return Markup('<a href="{0}" rel="noopener nofollow" lang="{1}">{2}</a>').format(
            url, lang, label
        )
    return Markup('<span lang="{0}">{1}</span>').format(lang, label)
