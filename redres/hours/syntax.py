"""The text of OpenStreetMap `opening_hours`: tokens and a recursive-descent parser.

This module only reads the text, in the subset `redres.hours.opening` documents, into plain
parts (`RuleParts`, intervals as ``(start, end)`` minutes); `redres.hours.opening` gives them
their meaning (`Rule`, `Interval`, `OpeningHours`) and builds on this module, never the other
way round, so the grammar can be read and tested alone.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple, NoReturn

from redres.errors import RedresError

__all__ = [
    "MONTHS",
    "WEEKDAYS",
    "OpeningHoursError",
    "RuleParts",
    "month_length",
    "parse_interval",
    "parse_rules",
]

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Span = tuple[int, int]
"""Minutes since midnight, start included, end excluded (an `Interval` once it has meaning)."""

_ALL_DAY: Span = (0, 24 * 60)


class OpeningHoursError(RedresError, ValueError):
    """An `opening_hours` value outside the supported syntax; the message names the bad part."""

    part: str | None = None
    """The token the OSM syntax stopped at, when there is one (`hours.zh` names it to people)."""


class RuleParts(NamedTuple):
    """What the text of one rule says, field for field as `redres.hours.opening.Rule` holds it."""

    months: tuple[int, ...]
    weekdays: tuple[int, ...]
    public_holiday: bool
    intervals: tuple[Span, ...]
    state: Literal["open", "closed"]
    additional: bool
    dates: tuple[tuple[int, int], ...]


def month_length(month: int) -> int:
    """Days in `month`, February counted with its leap day (a span ending on 28 Feb or later
    reads as all of February)."""
    return 29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31


_FULL_WIDTH = str.maketrans(
    {"；": ";", "，": ",", "：": ":", "－": "-", "–": "-", "—": "-", "~": "-", "～": "-", "　": " "}
)
_TOKEN = re.compile(r"\s*(?:(24/7)|(\d+(?::\d*)?)|([A-Za-z]+)|([-,])|(\S))")
_STATES = {"open": "open", "off": "closed", "closed": "closed"}
_KINDS = (
    {"ph": "PH"} | {w.lower(): "weekday" for w in WEEKDAYS} | {m.lower(): "month" for m in MONTHS}
)


def parse_rules(text: str) -> tuple[RuleParts, ...]:
    """The rules of an `opening_hours` value (see `parse_opening_hours`, which wraps this)."""
    rules: list[RuleParts] = []
    plain = text.translate(_FULL_WIDTH)  # one character for one, so positions still match
    start = 0
    for end in [*(i for i, c in enumerate(plain) if c == ";"), len(plain)]:
        chunk, original = plain[start:end], text[start:end].strip()
        start = end + 1
        if chunk.strip():
            rules += _Parser(_tokenize(chunk, original), original).rules()
    if not rules:
        msg = f"no rule in opening_hours {text!r}"
        raise OpeningHoursError(msg)
    return tuple(rules)


def parse_interval(text: str) -> Span:
    """Read one ``HH:MM-HH:MM`` range (see `Interval.parse`)."""
    parser = _Parser(_tokenize(text.translate(_FULL_WIDTH), text), text)
    interval = parser.interval()
    if parser.peek() is not None:
        parser.fail(f"unexpected {parser.peek()!r} after the time range")
    return interval


def _tokenize(chunk: str, rule: str) -> list[str]:
    tokens = []
    for match in _TOKEN.finditer(chunk):
        if match.group(5) is not None:
            msg = f"unexpected character {match.group(5)!r} in rule {rule!r}"
            error = OpeningHoursError(msg)
            error.part = match.group(5)
            raise error
        tokens += [group for group in match.groups() if group]
    return tokens


class _Parser:
    """Recursive descent over the tokens of one ``;`` rule (with its ``,`` additional rules)."""

    def __init__(self, tokens: list[str], rule: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.rule = rule

    def peek(self, ahead: int = 0) -> str | None:
        pos = self.pos + ahead
        return self.tokens[pos] if pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            self.fail("it ends too early")
        self.pos += 1
        return token

    def fail(self, what: str) -> NoReturn:
        msg = f"{what} in rule {self.rule!r}"
        error = OpeningHoursError(msg)
        error.part = self.peek() or (self.tokens[self.pos - 1] if self.pos else self.rule)
        raise error

    def rules(self) -> list[RuleParts]:
        found = [self.one_rule(additional=False)]
        while self.peek() == ",":
            self.take()
            found.append(self.one_rule(additional=True))
        if self.peek() is not None:
            self.fail(f"unexpected {self.peek()!r}")
        return found

    def one_rule(self, *, additional: bool) -> RuleParts:
        if self.peek() == "24/7":
            self.take()
            return RuleParts((), (), False, (_ALL_DAY,), "open", additional, ())
        months, dates = self.season() if _kind(self.peek()) == "month" else ((), ())
        months = () if len(months) == len(MONTHS) else months  # every month: say nothing
        weekdays: tuple[int, ...] = ()
        holiday = False
        if _kind(self.peek()) in ("weekday", "PH"):
            weekdays, holiday = self.days()
        intervals: list[Span] = []
        if _kind(self.peek()) == "time":
            intervals.append(self.interval())
            while self.peek() == "," and _kind(self.peek(1)) == "time":
                self.take()
                intervals.append(self.interval())
        state = _STATES.get((self.peek() or "").lower())
        if state is not None:
            self.take()
        elif not intervals:
            token = self.peek()
            if token is None and additional and not (months or dates or weekdays or holiday):
                self.fail("nothing after ','")
            if token is None or token == ",":
                self.fail("no times and no open/off")
            self.fail(_unknown(token))
        if state == "closed" and intervals:
            self.fail("times with 'off' (write the open times instead)")
        final: Literal["open", "closed"] = "closed" if state == "closed" else "open"
        return RuleParts(months, weekdays, holiday, tuple(intervals), final, additional, dates)

    def season(self) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
        """Read months and date spans (``Apr-Oct``, ``Mar 16-Nov 14``, ``Apr 10-20``), joined
        by commas; a span from the first to the last day of months counts as those months."""
        months: set[int] = set()
        dates: list[tuple[int, int]] = []
        while True:
            first = self.name(MONTHS, "month") + 1
            start_day = self.day(first)
            last, end_day = first, start_day  # a single date, unless a range follows
            if self.peek() == "-":
                self.take()
                if _kind(self.peek()) == "month":
                    last = self.name(MONTHS, "month") + 1
                    end_day = self.day(last)
                elif start_day is not None:
                    end_day = self.day(first, required=True)
                else:
                    self.fail(f"unexpected {self.peek()!r} after '-'")
            whole_start = start_day in (None, 1)
            whole_end = end_day is None or end_day >= (28 if last == 2 else month_length(last))
            if whole_start and whole_end:
                count = (last - first) % len(MONTHS) + 1
                months.update((first - 1 + i) % len(MONTHS) + 1 for i in range(count))
            else:
                end = end_day if end_day is not None else month_length(last)
                dates.append((first * 100 + (start_day or 1), last * 100 + end))
            if not (self.peek() == "," and _kind(self.peek(1)) == "month"):
                return tuple(sorted(months)), tuple(dates)
            self.take()

    def day(self, month: int, *, required: bool = False) -> int | None:
        """A day of `month` after its name (a bare number, not a time), or None."""
        token = self.peek()
        if token is None or not token.isdigit():
            if required:
                self.fail("a date range needs a day after '-'")
            return None
        self.take()
        day = int(token)
        if not 1 <= day <= month_length(month):
            self.fail(f"no day {token} in {MONTHS[month - 1]}")
        return day

    def days(self) -> tuple[tuple[int, ...], bool]:
        weekdays: set[int] = set()
        holiday = False
        while True:
            if _kind(self.peek()) == "PH":
                self.take()
                holiday = True
            else:
                weekdays.update(self.selector(WEEKDAYS, "weekday", single=True))
            after = self.peek(1) or ""
            if self.peek() == "," and after.isalpha() and _kind(after) != "month":
                self.take()  # a comma then a word continues the list; a bad name fails there
                continue
            return tuple(sorted(weekdays)), holiday

    def selector(
        self, names: tuple[str, ...], kind: str, *, single: bool = False
    ) -> tuple[int, ...]:
        """Read ``A``, ``A-B`` (wrapping round) or, unless `single`, a comma list of those."""
        chosen: set[int] = set()
        while True:
            first = self.name(names, kind)
            last = first
            if self.peek() == "-":
                self.take()
                last = self.name(names, kind)
            count = (last - first) % len(names) + 1
            chosen.update((first + i) % len(names) for i in range(count))
            if single or not (self.peek() == "," and _kind(self.peek(1)) == kind):
                base = 1 if kind == "month" else 0  # months count from 1, like datetime
                return tuple(sorted(i + base for i in chosen))
            self.take()

    def name(self, names: tuple[str, ...], kind: str) -> int:
        token = self.take()
        for i, name in enumerate(names):
            if token.lower() == name.lower():
                return i
        self.fail(f"unknown {kind} {token!r}")

    def interval(self) -> Span:
        start_token = self.take()
        start = self.time(start_token, end=False)
        if self.peek() != "-":
            self.fail(f"time {start_token!r} has no end (write HH:MM-HH:MM)")
        self.take()
        end_token = self.take()
        end = self.time(end_token, end=True)
        if end <= start:
            self.fail(
                f"time range '{start_token}-{end_token}' does not end after it starts "
                "(overnight ranges are not supported)"
            )
        return (start, end)

    def time(self, token: str, *, end: bool) -> int:
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", token)
        if match is None:
            self.fail(f"bad time {token!r} (write HH:MM)")
        hour, minute = int(match.group(1)), int(match.group(2))
        if minute > 59 or hour > 24 or (hour == 24 and (minute or not end)):
            self.fail(f"bad time {token!r}" + (" (24:00 only ends a range)" if hour == 24 else ""))
        return hour * 60 + minute


def _kind(token: str | None) -> str | None:
    if token is not None and token[0].isdigit():
        return "time"
    return _KINDS.get((token or "").lower())


def _unknown(token: str) -> str:
    if token.upper() in ("SH", "EASTER", "SUNRISE", "SUNSET", "DAWN", "DUSK"):
        return f"unsupported selector {token!r}"
    if token.isalpha() and len(token) == 2:
        return f"unknown weekday {token!r}"
    return f"unexpected {token!r}"
