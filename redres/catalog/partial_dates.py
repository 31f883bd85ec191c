"""Dates that may be only a year or a month (YYYY, YYYY-MM, YYYY-MM-DD), as history knows them."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AfterValidator

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_partial_date(value: str) -> str:
    """`value` if it is a real year, month or day; a ValueError names what is wrong otherwise.

    Examples
    --------
    >>> check_partial_date("1927-08")
    '1927-08'
    """
    match = _PARTIAL.fullmatch(value)
    if match is None:
        msg = "a date must be YYYY, YYYY-MM or YYYY-MM-DD"
        raise ValueError(msg)
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        msg = f"{value!r} is not a calendar date"
        raise ValueError(msg) from exc
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
