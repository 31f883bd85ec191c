"""One cell of an import row to its registry field's value: enums from Chinese or English words,
durations with units, Chinese dates, lists, themes, sources and footprints.

A conversion that fails raises `ValueError` with the reason the report shows. Values repeat down
a registry, so conversions of the fields in `_MEMO_FIELDS` are remembered per file.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from redres.catalog.enums import Category, Condition, Period, Protection, Reservation
from redres.catalog.io.citations import parse_sources
from redres.catalog.io.fields import (
    BOOL_FIELDS,
    INT_FIELDS,
    LIST_FIELDS,
    PRICE_FIELDS,
    decode_list,
    decode_themes,
    encode_list,
)
from redres.catalog.io.rows import RowContext
from redres.catalog.io.vocab import lookup, normalise_term
from redres.messages import Message

_ENUMS: dict[str, type[Any]] = {
    "category": Category,
    "period": Period,
    "protection": Protection,
    "reservation": Reservation,
    "condition": Condition,
}
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(分钟|分|min|mins|minutes|m|小时|h|hours?|天|days?|人|人次|人/次)?\s*$",
    re.I,
)
_ZH_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")
DAYS_AHEAD = re.compile(r"提前\s*(\d+)\s*(?:天|日)")
"""A reservation cell that says how many days ahead to book (需提前3天预约)."""


def theme_lookup(themes: Mapping[str, tuple[str | None, str | None]]) -> dict[str, str]:
    """Theme slug -> (name, name_en) as a lookup from any of the three to the slug."""
    out: dict[str, str] = {}
    for slug, (name, name_en) in themes.items():
        for key in (name_en, name, slug):
            if key:
                out[normalise_term(key)] = slug
    return out


_MEMO_FIELDS = frozenset(
    {
        *_ENUMS,
        *INT_FIELDS,
        *PRICE_FIELDS,
        "survey_date",
        "district",
        "years",
        "opening_hours",
        "hours_note",
        "admission",
        "accessibility",
        "ownership",
        "surveyor",
        "contact",
    }
)
"""Fields whose values repeat down a registry (categories, hours, units) and convert to
immutable values: each distinct value is converted once per file."""
MEMO_SIZE = 100_000


class _Failed:
    """A memoised conversion error: its message (a `Message` stays one, for pages)."""

    __slots__ = ("said",)

    def __init__(self, said: str) -> None:
        self.said = said


def convert_cell(name: str, value: Any, ctx: RowContext) -> Any:
    """`_convert`, remembered per file for the fields of `_MEMO_FIELDS` (a pure function of the
    value there); a 100,000-row sheet repeats a few dozen categories, periods and durations."""
    kind = type(value)
    if name not in _MEMO_FIELDS or kind not in (str, int, float):
        return _convert(name, value, ctx)
    key = (name, kind, value)
    hit = ctx.memo.get(key, ctx)
    if hit is ctx:
        try:
            hit = _convert(name, value, ctx)
        except ValueError as exc:
            said = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
            hit = _Failed(said)
        if len(ctx.memo) < MEMO_SIZE:
            ctx.memo[key] = hit
    if isinstance(hit, _Failed):
        raise ValueError(hit.said)
    return hit


def _convert(name: str, value: Any, ctx: RowContext) -> Any:
    if is_blank(value):
        return None
    if name in LIST_FIELDS:
        if isinstance(value, list | tuple):
            return [cell_text(v) for v in value if not is_blank(v)]
        return decode_list(cell_text(value))
    if name == "reservation" and DAYS_AHEAD.search(cell_text(value)):
        # "需提前3天预约": required (or recommended), with the days taken in parse_row
        return Reservation.recommended if "建议" in cell_text(value) else Reservation.required
    if name in _ENUMS:
        return lookup(_ENUMS[name], cell_text(value))
    if name in INT_FIELDS:
        return _integer(value)
    if name in BOOL_FIELDS:
        return _yes_no(name, value)
    if name in PRICE_FIELDS:
        return read_price(value)
    if name in ("lon", "lat"):
        return value if isinstance(value, int | float) else cell_text(value)
    if name == "survey_date":
        return _date(value)
    if name == "sources":
        if isinstance(value, list | tuple):
            value = encode_list(cell_text(v) for v in value if not is_blank(v)) or ""
        return parse_sources(cell_text(value))
    if name == "themes":
        if isinstance(value, dict):
            value = ";".join(f"{k}={v}" for k, v in value.items())
        return _themes(cell_text(value), ctx)
    if name == "closures" and isinstance(value, list | tuple):
        return list(value)  # GeoJSON may carry them structured; text is read by the schema
    if name == "footprint":
        if isinstance(value, dict):
            return value
        try:
            parsed = json.loads(cell_text(value))
        except json.JSONDecodeError:
            raise ValueError(Message("cell_footprint_text")) from None
        if not isinstance(parsed, dict):
            raise ValueError(Message("cell_footprint_object"))
        return parsed
    return cell_text(value)


_PRICE = re.compile(
    r"^\s*(?:[¥￥]|人民币)?\s*(\d+(?:\.\d{1,2})?)\s*(?:元|块|rmb|cny)?\s*(?:/\s*人|每人)?\s*$", re.I
)
_FREE = frozenset({"免费", "免票", "免费开放", "免费参观", "free", "0"})


def read_price(value: Any) -> float:
    """A ticket price cell as CNY per person: ``免费`` is 0, ``20元``, ``¥20`` and ``20元/人`` are 20.

    Examples
    --------
    >>> read_price("免费"), read_price("¥ 20 元/人"), read_price(15)
    (0.0, 20.0, 15.0)
    """
    if isinstance(value, bool):
        raise ValueError(Message("e_ticket_price", value=str(value)))
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value).strip()
        found = _PRICE.match(text)
        if text.lower() in _FREE:
            return 0.0
        if found is None:
            raise ValueError(Message("e_ticket_price", value=text))
        number = float(found.group(1))
    if not (math.isfinite(number) and number >= 0):
        raise ValueError(Message("e_ticket_price", value=str(value)))
    return number


_LEADING_PRICE = re.compile(
    r"^\s*(?:(免费(?:开放|参观|入场|入馆)?|免票)|(?:[¥￥]|人民币)?\s*(\d+(?:\.\d{1,2})?)\s*(?:元|块)(?:\s*/\s*人|每人)?)"
    r"\s*[（(，,；;、。：:\s]"
)


_WORDS = re.compile(r"[^\W\d_a-zA-Z元块人每]")  # a CJK character that is not part of a price


def is_ticket_sentence(text: str) -> bool:
    """Whether a price cell that is no plain price is a sentence of ticket rules to keep (at
    least two words' characters), not a mistyped price (``2O元``) to report."""
    return len(_WORDS.findall(text)) >= 2


def price_in_words(text: str) -> float | None:
    """The price a sentence of a survey sheet starts with, if it starts with one.

    Sheets often write ticket rules in the price column (``免费，需预约``, ``30元（学生半价）``):
    the leading price is the adult's price per person; a sentence that does not begin with one
    (``成人30元，学生15元``) has none that can be trusted.

    Examples
    --------
    >>> price_in_words("免费，凭身份证预约"), price_in_words("30元（学生半价）")
    (0.0, 30.0)
    >>> price_in_words("成人30元，学生15元") is None
    True
    """
    found = _LEADING_PRICE.match(text)
    if found is None:
        return None
    return 0.0 if found.group(1) else float(found.group(2))


_YES = frozenset({"是", "有", "√", "✓", "y", "yes", "true", "1"})
_NO = frozenset({"否", "无", "×", "✗", "n", "no", "false", "0"})


def _yes_no(name: str, value: Any) -> bool:
    """是/否 as sheets write them (and the true/false of our own exports)."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(Message("e_yes_no", field=Message(f"field_{name}"), value=cell_text(value)))


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(Message("cell_integer", value=cell_text(value)))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(Message("cell_integer", value=cell_text(value)))
    m = _DURATION.match(str(value))
    if m is None:
        raise ValueError(Message("cell_integer", value=cell_text(value)))
    number = float(m.group(1))
    unit = (m.group(2) or "").lower()
    if unit in ("小时", "h", "hour", "hours"):
        number *= 60
    if not number.is_integer():
        raise ValueError(Message("cell_integer", value=cell_text(value)))
    return int(number)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    m = _ZH_DATE.match(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise ValueError(Message("cell_date", value=text))


def _themes(text: str, ctx: RowContext) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, weight in decode_themes(text).items():
        slug = ctx.themes.get(normalise_term(key))
        if slug is None:
            raise ValueError(Message("cell_theme_unknown", theme=key))
        out[slug] = weight
    return out


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:].strip()  # the guard export puts on formula-like cells
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def shown_value(value: Any) -> Any:
    return None if is_blank(value) else value
