"""Page text in Chinese (the default) and English, and how a request picks its language."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from fastapi import Request

LANGUAGES = ("zh", "en")

LOCALES = Path(__file__).resolve().parent / "locales"
MESSAGES: dict[str, dict[str, str]] = {
    lang: json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8")) for lang in LANGUAGES
}
"""Page text per language, one JSON catalogue each in `locales/` (translators edit those)."""

Translate = Callable[..., str]


def pick_language(request: Request) -> str:
    """`?lang=` first, then the `lang` cookie, then Accept-Language; Chinese by default."""
    for candidate in (request.query_params.get("lang"), request.cookies.get("lang")):
        if candidate in LANGUAGES:
            return candidate
    accept = request.headers.get("accept-language", "").lower()
    if accept.startswith("en"):
        return "en"
    return "zh"


def translator(lang: str) -> Translate:
    """A `_` function for templates: a key (and format fields) in, the text out."""
    table = MESSAGES.get(lang, MESSAGES["zh"])

    def _(key: str, **fields: object) -> str:
        text = table.get(key) or MESSAGES["zh"].get(key) or key
        return text.format(**fields) if fields else text

    return _
