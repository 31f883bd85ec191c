"""What a shared link previews as in messaging apps (Open Graph): title, summary and image.

WeChat, QQ and most chat apps read ``og:*`` tags when a link is pasted. The text is in the
reader's language (a missing translation gives no description rather than the other
language), the image is the record's first public image, and every address is absolute from
REDRES_PUBLIC_URL.
"""

from __future__ import annotations

from fastapi import Request

from redres.api.bilingual import in_language
from redres.api.links import absolute
from redres.catalog.detail import SiteDetail
from redres.catalog.media import media_json
from redres.catalog.models import Route, Theme

DESCRIPTION_CHARS = 160
"""Chat apps show two or three lines of the description; more is cut by them anyway."""


def site_preview(request: Request, detail: SiteDetail, lang: str) -> dict[str, str]:
    """A site's preview: its name, its summary (or its first story's), its first image."""
    site = detail.site
    title = site.name_en if lang == "en" and site.name_en else site.name
    text, _missing = in_language(site.summary, site.summary_en, lang)
    for view in detail.stories:
        if text:
            break
        text, _missing = in_language(view.story.summary, view.story.summary_en, lang)
    preview = {"title": title, "description": _cut(text or "")}
    images = [m for m in (media_json(m) for m in detail.media) if m["kind"] == "image"]
    if images:
        preview["image"] = absolute(request, str(images[0]["url"]))
    return preview


def route_preview(route: Route, lang: str) -> dict[str, str]:
    """A route's preview: its name and description in the reader's language."""
    title = route.name_en if lang == "en" and route.name_en else route.name
    text, _missing = in_language(route.description, route.description_en, lang)
    return {"title": title, "description": _cut(text or "")}


def theme_preview(theme: Theme, lang: str) -> dict[str, str]:
    """A theme's preview: its name and description in the reader's language."""
    title = theme.name_en if lang == "en" and theme.name_en else theme.name
    text, _missing = in_language(theme.description, None, lang)
    return {"title": title, "description": _cut(text or "")}


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_CHARS else text[: DESCRIPTION_CHARS - 1] + "…"
