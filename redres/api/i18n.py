"""Page text in Chinese (the default) and English, and how a request picks its language."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from fastapi import Request

from redres.maps.words import MapWords
from redres.messages import Message, Name, Sentences

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
    """A `_` function for templates: a key (and format fields) in, the text out.

    A domain `Message` (a planner warning, a reason's detail) is rendered from this language's
    `msg.<key>` entries, falling back to its own English sentence; a `Name` in it is the
    reader's. A text with a `count` field has its singular as `<key>_one` where the language
    needs one (English: "1 stop", "2 stops"; Chinese has no plural, so no such entry).
    """
    table = MESSAGES.get(lang, MESSAGES["zh"])
    sentences = {k.removeprefix("msg."): v for k, v in table.items() if k.startswith("msg.")}

    def field(value: object) -> str:
        if isinstance(value, Message):
            return value.render(sentences, field)
        if isinstance(value, Name):
            return value.in_language(lang)
        if isinstance(value, dt.date):
            weekday = table.get(f"weekday_{value.weekday()}", f"{value:%a}")
            return table.get("date_format", "{iso} ({weekday})").format(
                iso=value.isoformat(), weekday=weekday
            )
        if isinstance(value, Sentences):
            return table.get("sentence_separator", "; ").join(field(v) for v in value)
        if isinstance(value, tuple | list):
            return table.get("list_separator", ", ").join(field(v) for v in value)
        return str(value)

    def _(key: str, **fields: object) -> str:
        if isinstance(key, Message):
            return field(key)
        if fields.get("count") == 1 and f"{key}_one" in table:  # "1 stop", where "2 stops"
            key = f"{key}_one"
        text = table.get(key) or MESSAGES["zh"].get(key) or key
        return text.format(**fields) if fields else text

    return _


def map_words(lang: str) -> MapWords:
    """What map pages say, in `lang`, from the locale files' ``map.*`` entries."""
    lang = lang if lang in LANGUAGES else "zh"
    return MapWords.from_table(lang, MESSAGES[lang])
