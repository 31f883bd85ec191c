"""Dates that may be only a year or a month (YYYY, YYYY-MM, YYYY-MM-DD), as history knows them,
and a site's years of significance as survey sheets write them (`read_years`)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated

from pydantic import AfterValidator

from redres.messages import Message

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DASHES = str.maketrans({"—": "-", "–": "-", "―": "-", "〜": "-", "－": "-", "~": "-"})


def check_partial_date(value: str) -> str:
    """`value` if it is a real year, month or day; a ValueError names what is wrong otherwise.

    Examples
    --------
    >>> check_partial_date("1927-08")
    '1927-08'
    """
    match = _PARTIAL.fullmatch(value)
    if match is None:
        raise ValueError(Message("date_partial", value=value))
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(Message("date_calendar", value=value)) from exc
    return value


PartialDate = Annotated[str, AfterValidator(check_partial_date)]
"""A validated YYYY, YYYY-MM or YYYY-MM-DD string."""


def not_before(start: str | None, end: str | None) -> bool:
    """Whether `end` can be on or after `start`, comparing only the precision both have.

    Examples
    --------
    >>> not_before("1927-08-07", "1927")
    True
    >>> not_before("1927", "1926-12")
    False
    """
    if start is None or end is None:
        return True
    n = min(len(start), len(end))
    return end[:n] >= start[:n]


# Years of significance as survey sheets write them (a site's `years`).

_ERAS = {"民国": 1912, "宣统": 1909, "光绪": 1875, "同治": 1862, "咸丰": 1851, "道光": 1821}
"""First years of the eras a 年代 column uses for modern history (元年 is the first year)."""
_PERIOD_WORDS = sorted(
    [
        *"夏商周秦汉晋隋唐宋辽金元明清",
        *("西周", "东周", "春秋", "战国", "西汉", "东汉", "三国", "西晋", "东晋", "南北朝"),
        *("南朝", "北朝", "北魏", "五代", "十国", "北宋", "南宋", "西夏", "晚清", "民国", "民初"),
        *("中华民国", "近代", "现代", "当代", "新中国成立后", "新中国"),
        *("旧石器时代", "新石器时代", "新石器", "旧石器", "青铜时代", "铁器时代", "石器时代"),
        *("十六国", "北齐", "北周", "东魏", "西魏", "南齐", "南梁", "南陈", "前秦", "后秦"),
        *("南唐", "吴越", "前蜀", "后蜀", "南汉", "闽国", "后唐", "后周", "后晋", "后汉", "后梁"),
        *("新莽", "大理", "南诏", "吐蕃", "渤海", "高句丽", "古格", "西辽", "蒙古", "北元"),
        *("商周", "秦汉", "汉魏", "魏晋", "隋唐", "唐宋", "宋元", "元明", "明清", "清末"),
        *("东汉末", "三国时期", "东周时期", "中华人民共和国", "六朝", "曹魏", "魏", "殷", "高昌"),
        *("至今", "今", "更新世", "近现代"),
        *("代", "朝", "初", "初期", "早期", "中期", "中叶", "晚期", "末", "末期", "末年", "前期"),
        *("后期", "时期", "年间", "之际", "以后", "以前", "前后"),
        *"、,，/至到和及与或-~ ",
    ],
    key=len,
    reverse=True,
)
_NUMERALS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
}
_NUMERALS |= {"九": 9, "元": 1}
_YEAR_FORMS = (
    re.compile(r"(?P<y>\d{4})年?"),
    re.compile(r"(?P<y>\d{4})年?[-至到~](?P<z>\d{2}|\d{4})年?"),
    re.compile(r"(?P<d>\d{3}0)(?:年代|s)"),
    re.compile(r"(?P<c>\d{2}|[一二]十)世纪(?P<t>\d|[一二三四五六七八九])0?十?年代"),
    re.compile(
        r"(?:清|中华)?(?P<era>民国|宣统|光绪|同治|咸丰|道光)(?P<n>[元〇零一二三四五六七八九十\d]+)年"
    ),
)


def read_years(text: str) -> str:
    """A 年代 cell as stored: ``1927``, ``1945-1949``, ``1920s``, or era words kept as written.

    Raises
    ------
    ValueError
        With a `Message` naming the part that cannot be read, or a range that runs backwards.

    Examples
    --------
    >>> [read_years(t) for t in ("1927年", "1945—1949年", "1920年代", "民国十六年", "元、明")]
    ['1927', '1945-1949', '1920s', '1927', '元、明']
    """
    plain = unicodedata.normalize("NFKC", text).strip().removeprefix("公元")
    plain = re.sub(r"\s+", "", plain.translate(_DASHES))
    main, _, aside = plain.partition("(")
    if aside.endswith(")") and main:
        first, second = _exact(main, text), _exact(aside[:-1], text)
        if first and second and first != second:
            raise ValueError(Message("years_unreadable", part=aside[:-1], text=text))
        found = first or second
        if found:
            return found
    found = _exact(plain, text)
    if found:
        return found
    rest = plain
    while rest:
        word = next((w for w in _PERIOD_WORDS if rest.startswith(w)), None)
        if word is None:
            part = re.match(r"\d+|\D", rest)
            raise ValueError(
                Message("years_unreadable", part=part.group() if part else rest, text=text)
            )
        rest = rest[len(word) :]
    kept = text.strip()
    if len(kept) > 32 or not re.search(r"[^\W\d_]", kept):
        raise ValueError(Message("years_unreadable", part=kept, text=text))
    return kept


def _exact(plain: str, text: str) -> str | None:
    """The stored form of a year, range, decade or era year in `plain`, None for other text."""
    for form in _YEAR_FORMS:
        match = form.fullmatch(plain)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("era"):
            return str(_ERAS[groups["era"]] + _number(groups["n"], text) - 1)
        if groups.get("d"):
            return f"{groups['d']}s"
        if groups.get("c"):
            century, tens = _number(groups["c"], text), _number(groups["t"], text)
            return f"{(century - 1) * 100 + tens * 10}s"
        start, end = groups["y"], groups.get("z")
        if end is None:
            return start
        end = start[:2] + end if len(end) == 2 else end
        if end < start:
            raise ValueError(Message("years_backwards", text=text))
        return start if end == start else f"{start}-{end}"
    return None


def _number(digits: str, text: str) -> int:
    """Arabic or Chinese numerals up to 99 (十六, 二十, 三十一, 元)."""
    if digits.isdigit():
        return int(digits)
    tens, _, units = digits.rpartition("十")
    if "十" in digits:
        value = (_NUMERALS.get(tens, -100) if tens else 1) * 10 + (
            _NUMERALS.get(units, -100) if units else 0
        )
    elif len(digits) == 1:
        value = _NUMERALS.get(digits, -100)
    else:
        value = (
            int("".join(str(_NUMERALS.get(c, "x")) for c in digits))
            if all(c in _NUMERALS for c in digits)
            else -1
        )
    if value <= 0:
        raise ValueError(Message("years_unreadable", part=digits, text=text))
    return value
