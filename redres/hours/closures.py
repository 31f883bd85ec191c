"""Temporary closures (临时闭馆): the dates a site is shut beyond its weekly hours.

A closure is ``{start, end, note}``: renovation, an exhibition change-over, a closure "until
further notice". ``end`` is inclusive; ``end`` None means open-ended (闭馆至另行通知), so the site
is shut from ``start`` on until an editor sets the end. Survey sheets and the editor's form write
closures as text, one a line or separated by ``；``/``;``::

    2027-02-01至2027-03-31 闭馆维修
    2027/2/1~2027/3/31：布展调整
    2027年5月1日 设备检修            (one day)
    2027-06-01起 闭馆改造             (open-ended; also ``2027-06-01至`` with no end date)

Between the dates ``至``, ``到``, ``~``, ``-`` and their full-width forms are accepted. The
text form is what every export writes (`closures_text`), so an export imports back unchanged;
hence a note may not itself hold ``;`` or a line break.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Self

from pydantic import ConfigDict, StringConstraints, field_validator, model_validator

from redres.messages import Message
from redres.plain_text import PlainTextModel, reject_control_characters

NOTE_MAX_LENGTH = 200
MAX_CLOSURES = 50
NOTICE_DAYS = 30
"""How far ahead a site page announces a coming closure."""

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
_TO = r"(?P<to>至|到|~|-|–|—|〜)"
_LINE = re.compile(
    "^" + _DATE + r"\s*(?:" + _TO + r"\s*(?:" + _DATE + r")?|(?P<on>起|开始))?"
    r"\s*[,:、]?\s*(?P<note>.*)$",
    re.DOTALL,
)
_SPLIT = re.compile(r"[;\n]")


class Closure(PlainTextModel):
    """One closure: shut from `start` to `end` inclusive (`end` None: until further notice)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    start: dt.date
    end: dt.date | None = None
    note: Annotated[str, StringConstraints(max_length=NOTE_MAX_LENGTH)] = ""

    @field_validator("note", mode="before")
    @classmethod
    def _note_plain(cls, value: Any) -> Any:
        """A note is one line of text without the separators of the text form."""
        if value is None:
            return ""
        if isinstance(value, str) and re.search(r"[;；\r\n]", value):
            raise ValueError(Message("closure_note_separator"))
        return value

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.end is not None and self.end < self.start:
            raise ValueError(
                Message("closure_backwards", start=self.start.isoformat(), end=self.end.isoformat())
            )
        return self

    def covers(self, day: dt.date) -> bool:
        """Whether the site is shut on `day`."""
        return self.start <= day and (self.end is None or day <= self.end)

    def as_json(self) -> dict[str, Any]:
        """The stored and API form: ISO dates, the end null when open."""
        end = self.end.isoformat() if self.end else None
        return {"start": self.start.isoformat(), "end": end, "note": self.note}

    def text(self) -> str:
        """The closure as one line of the text form (what exports write)."""
        span = f"{self.start}至{self.end}" if self.end else f"{self.start}起"
        return f"{span} {self.note}".strip()

    def message(self) -> Message:
        """The closure in words (pages translate it): its span and its note."""
        note = Message("closure_note", note=self.note) if self.note else ""
        if self.end is None:
            return Message("closure_open", start=self.start.isoformat(), note=note)
        return Message(
            "closure_span", start=self.start.isoformat(), end=self.end.isoformat(), note=note
        )

    def notice(self, current: bool) -> Message:
        """What a site page says of it: in force now (until when), or coming (from when)."""
        note = Message("closure_note", note=self.note) if self.note else ""
        if current:
            if self.end is None:
                return Message("closure_now_open", note=note)
            return Message("closure_now_until", end=self.end, note=note)
        if self.end is None:
            return Message("closure_soon_open", start=self.start, note=note)
        return Message("closure_soon_span", start=self.start, end=self.end, note=note)


def read_closures(text: str) -> list[dict[str, Any]]:
    """The text form (one closure a line or ``；``-separated) as closure dicts to validate.

    Raises
    ------
    ValueError
        With a `Message` naming the part that cannot be read or is not a real date.

    Examples
    --------
    >>> read_closures("2027-02-01至2027-03-31 闭馆维修；２０２７/5/1 检修")
    [{'start': '2027-02-01', 'end': '2027-03-31', 'note': '闭馆维修'}, \
{'start': '2027-05-01', 'end': '2027-05-01', 'note': '检修'}]
    >>> read_closures("2027-06-01起 改造")[0]["end"] is None
    True
    """
    reject_control_characters(text)
    out: list[dict[str, Any]] = []
    normal = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    for raw in _SPLIT.split(normal):
        part = raw.strip()
        if not part:
            continue
        found = _LINE.match(part)
        if found is None:
            raise ValueError(Message("closure_unreadable", part=part))
        groups = found.groups()
        start = _day(groups[0:3], part)
        if found["to"] and groups[4] is None and found["note"][:1].isdigit():
            raise ValueError(Message("closure_unreadable", part=part))  # "2027-02-01~3-31"
        if groups[4] is not None:
            end: dt.date | None = _day(groups[4:7], part)
        else:  # "起", or a separator with no end date: open-ended; a bare date: that one day
            end = None if found["to"] or found["on"] else start
        note = found["note"].strip()
        out.append({"start": start.isoformat(), "end": end and end.isoformat(), "note": note})
    if len(out) > MAX_CLOSURES:
        raise ValueError(Message("closure_too_many", limit=MAX_CLOSURES))
    return out


def _day(parts: Sequence[str | None], text: str) -> dt.date:
    try:
        return dt.date(int(parts[0] or 0), int(parts[1] or 0), int(parts[2] or 0))
    except ValueError:
        raise ValueError(Message("closure_bad_date", part=text)) from None


def closures_of(stored: Iterable[Mapping[str, Any] | Closure] | None) -> tuple[Closure, ...]:
    """A site's stored closures as `Closure`s, by start date."""
    found = [Closure.model_validate(item) for item in stored or ()]
    return tuple(sorted(found, key=lambda c: (c.start, c.end or dt.date.max)))


def closures_text(stored: Iterable[Mapping[str, Any]] | None, sep: str = "；") -> str | None:
    """The stored closures in the text form, `sep` between them; None when there are none."""
    found = closures_of(stored)
    return sep.join(c.text() for c in found) if found else None


def closure_on(closures: Iterable[Closure], day: dt.date) -> Closure | None:
    """The closure that shuts the site on `day`, if any."""
    return next((c for c in closures if c.covers(day)), None)


def closure_notice(
    closures: Iterable[Closure], today: dt.date, *, days: int = NOTICE_DAYS
) -> tuple[Closure, bool] | None:
    """What a site page announces: the closure in force `today` (True), else the first one
    starting within `days` (False), else None."""
    found = list(closures)
    current = closure_on(found, today)
    if current is not None:
        return current, True
    soon = [c for c in found if today < c.start <= today + dt.timedelta(days=days)]
    return (min(soon, key=lambda c: c.start), False) if soon else None
