"""Opening hours in OpenStreetMap syntax: parse a site's `opening_hours`, and say when it is open.

The catalogue validates what editors type, and the route planner asks for the open intervals of
a site on a date. The supported subset is what heritage sites need:

- rules separated by ``;``, a later rule replacing earlier ones on the days it names, as in OSM;
  an *additional* rule after ``,`` (``Mo-Fr 09:00-12:00, We 14:00-17:00``) adds its hours
  instead of replacing them;
- selectors: months (``Apr-Oct``, wrapping ``Nov-Mar``), weekdays and ranges (``Mo-Fr``,
  ``Tu,Th``, wrapping ``Sa-Mo``) and ``PH`` (public holiday), joined by commas as a union
  (``Sa,Su,PH``); a rule without selectors applies every day; ``24/7`` is open always;
- times ``HH:MM-HH:MM``, several a day, ``9:00`` tolerated, ``24:00`` as an end; then ``open``,
  ``off`` or ``closed``. Full-width punctuation and ``~`` as a dash are accepted.

Stricter than OSM where its reading surprises editors: days without times or ``open``
(``Mo-Fr``), times with ``off``, and overnight ranges (``20:00-02:00``) are errors.

Public holidays come from the calendar passed in (`redres.catalog.holidays_cn.HolidayCalendar`),
so a ``PH`` rule matches every day of an official rest period, weekend days inside included.
Adjusted working days (调休上班) are not a notion of OSM syntax and change nothing here: a
weekday rule applies by the day's name, so ``Tu-Su 09:00-17:00`` opens on a Sunday that is an
official working day.

``PH open`` (no times) keeps the site open on a holiday with its regular hours: those of the
same day read without the holiday if the weekday rules open it, else those of the next day that
the weekday rules open. So ``Tu-Su 09:00-17:00; PH open`` is open 09:00-17:00 on a holiday
Monday, the usual "closed on Mondays except public holidays" of memorial halls. Elsewhere an
``open`` without times means all day, as in OSM. A closure moved to the day after a holiday
(顺延) cannot be written in this subset.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple, NoReturn, Protocol

from redres.errors import RedresError

__all__ = [
    "FULL_DAY",
    "HolidayLookup",
    "Interval",
    "OpeningHours",
    "OpeningHoursError",
    "Rule",
    "format_minutes",
    "parse_opening_hours",
]

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")

_FULL_WIDTH = str.maketrans(
    {"；": ";", "，": ",", "：": ":", "－": "-", "–": "-", "—": "-", "~": "-", "～": "-", "　": " "}
)
_TOKEN = re.compile(r"\s*(?:(24/7)|(\d+(?::\d*)?)|([A-Za-z]+)|([-,])|(\S))")
_STATES = {"open": "open", "off": "closed", "closed": "closed"}
_KINDS = (
    {"ph": "PH"} | {w.lower(): "weekday" for w in WEEKDAYS} | {m.lower(): "month" for m in MONTHS}
)


class OpeningHoursError(RedresError, ValueError):
    """An `opening_hours` value outside the supported syntax; the message names the bad part."""


class HolidayLookup(Protocol):
    """Anything that knows public holidays, such as `HolidayCalendar`."""

    def is_public_holiday(self, day: dt.date) -> bool:
        """Tell whether `day` is a public holiday."""
        ...


class Interval(NamedTuple):
    """An open interval of one day in minutes since midnight, end excluded (1440 is 24:00).

    Minutes rather than `datetime.time` because the planner computes with them.
    """

    start: int
    end: int

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Read ``HH:MM-HH:MM``, as used for a plan's daily window or lunch break.

        Raises
        ------
        OpeningHoursError
            If `text` is not one time range within a day.
        """
        tokens = _tokenize(text.translate(_FULL_WIDTH), text)
        parser = _Parser(tokens, text)
        interval = parser.interval()
        if parser.peek() is not None:
            parser.fail(f"unexpected {parser.peek()!r} after the time range")
        return interval

    def contains(self, minute: int) -> bool:
        """Tell whether `minute` falls inside, the end being excluded."""
        return self.start <= minute < self.end

    @property
    def minutes(self) -> int:
        """The length of the interval in minutes."""
        return self.end - self.start

    def __str__(self) -> str:
        """Render ``HH:MM-HH:MM``."""
        return f"{format_minutes(self.start)}-{format_minutes(self.end)}"


FULL_DAY = Interval(0, 24 * 60)


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: on the days its selectors name, the site keeps these hours (or is closed).

    Empty `months` means every month; empty `weekdays` without `public_holiday` means every
    day. `state` ``open`` without `intervals` means all day, or regular hours when the rule
    matched only as a public holiday (see the module docstring).
    """

    months: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    public_holiday: bool = False
    intervals: tuple[Interval, ...] = ()
    state: Literal["open", "closed"] = "open"
    additional: bool = False

    def match(self, day: dt.date, *, holiday: bool) -> Literal["day", "holiday"] | None:
        """Say whether the rule applies to `day`, and whether by its weekday or as a holiday."""
        if self.months and day.month not in self.months:
            return None
        if day.weekday() in self.weekdays or not (self.weekdays or self.public_holiday):
            return "day"
        if self.public_holiday and holiday:
            return "holiday"
        return None

    def __str__(self) -> str:
        """Render the rule in canonical OSM syntax."""
        if self == Rule(intervals=(FULL_DAY,), additional=self.additional):
            return "24/7"
        selectors = [_format_set(self.months, MONTHS, base=1), _format_set(self.weekdays, WEEKDAYS)]
        if self.public_holiday:
            selectors[1] = ",".join(filter(None, [selectors[1], "PH"]))
        parts = [*filter(None, selectors), ",".join(map(str, self.intervals))]
        if self.state == "closed":
            parts.append("off")
        elif not self.intervals:
            parts.append("open")
        return " ".join(filter(None, parts))


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """A parsed `opening_hours` value: plain rules, evaluated in order for a given date."""

    rules: tuple[Rule, ...]

    def intervals(self, day: dt.date, calendar: HolidayLookup) -> list[Interval]:
        """Return the sorted, merged intervals the site is open on `day`; empty if closed."""
        return self._evaluate(day, holiday=calendar.is_public_holiday(day))

    def is_open(self, at: dt.datetime, calendar: HolidayLookup) -> bool:
        """Tell whether the site is open at `at` (naive means China time, aware is converted)."""
        if at.tzinfo is not None:
            at = at.astimezone(CHINA_TIME)
        minute = at.hour * 60 + at.minute
        return any(i.contains(minute) for i in self.intervals(at.date(), calendar))

    def normalise(self) -> str:
        """Render the canonical syntax, so equal hours are stored as equal text."""
        return str(self)

    def __str__(self) -> str:
        """Render the canonical syntax (see `normalise`)."""
        text = ""
        for i, rule in enumerate(self.rules):
            if i:
                text += ", " if rule.additional else "; "
            text += str(rule)
        return text

    def _evaluate(self, day: dt.date, *, holiday: bool) -> list[Interval]:
        hours: list[Interval] = []
        for rule in self.rules:
            how = rule.match(day, holiday=holiday)
            if how is None:
                continue
            if rule.state == "closed":
                found: list[Interval] = []
            elif rule.intervals:
                found = list(rule.intervals)
            elif how == "holiday":
                found = self._regular_hours(day)
            else:
                found = [FULL_DAY]
            hours = [*hours, *found] if rule.additional and found else found
        return _merge(hours)

    def _regular_hours(self, day: dt.date) -> list[Interval]:
        for offset in range(7):
            hours = self._evaluate(day + dt.timedelta(days=offset), holiday=False)
            if hours:
                return hours
        return [FULL_DAY]


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse an OpenStreetMap `opening_hours` value in the subset the module docstring lists.

    Raises
    ------
    OpeningHoursError
        If any part does not parse; the message quotes the part and its rule.

    Examples
    --------
    >>> import datetime as dt
    >>> from redres.catalog.holidays_cn import default_calendar
    >>> hours = parse_opening_hours("Tu-Su 9:00-12:00,13:30-17:00; PH open")
    >>> str(hours)
    'Tu-Su 09:00-12:00,13:30-17:00; PH open'
    >>> [str(i) for i in hours.intervals(dt.date(2025, 6, 2), default_calendar())]
    ['09:00-12:00', '13:30-17:00']
    >>> hours.intervals(dt.date(2025, 6, 9), default_calendar())
    []
    >>> parse_opening_hours("Mx-Fr 09:00-17:00")
    Traceback (most recent call last):
    ...
    redres.catalog.hours.OpeningHoursError: unknown weekday 'Mx' in rule 'Mx-Fr 09:00-17:00'
    """
    if not isinstance(text, str) or not text.strip():
        msg = f"empty opening_hours {text!r}"
        raise OpeningHoursError(msg)
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> OpeningHours:
    """Parsing is pure and registries repeat a few dozen values, so each is parsed once."""
    rules: list[Rule] = []
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
    return OpeningHours(tuple(rules))


def format_minutes(minute: int) -> str:
    """Render minutes since midnight as ``HH:MM`` (1440 as ``24:00``)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _tokenize(chunk: str, rule: str) -> list[str]:
    tokens = []
    for match in _TOKEN.finditer(chunk):
        if match.group(5) is not None:
            msg = f"unexpected character {match.group(5)!r} in rule {rule!r}"
            raise OpeningHoursError(msg)
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
        raise OpeningHoursError(msg)

    def rules(self) -> list[Rule]:
        found = [self.one_rule(additional=False)]
        while self.peek() == ",":
            self.take()
            found.append(self.one_rule(additional=True))
        if self.peek() is not None:
            self.fail(f"unexpected {self.peek()!r}")
        return found

    def one_rule(self, *, additional: bool) -> Rule:
        if self.peek() == "24/7":
            self.take()
            return Rule(intervals=(FULL_DAY,), additional=additional)
        months = self.selector(MONTHS, "month") if _kind(self.peek()) == "month" else ()
        months = () if len(months) == len(MONTHS) else months  # every month: say nothing
        weekdays: tuple[int, ...] = ()
        holiday = False
        if _kind(self.peek()) in ("weekday", "PH"):
            weekdays, holiday = self.days()
        intervals: list[Interval] = []
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
            if token is None and additional and not (months or weekdays or holiday):
                self.fail("nothing after ','")
            if token is None or token == ",":
                self.fail("no times and no open/off")
            self.fail(_unknown(token))
        if state == "closed" and intervals:
            self.fail("times with 'off' (write the open times instead)")
        final: Literal["open", "closed"] = "closed" if state == "closed" else "open"
        return Rule(months, weekdays, holiday, tuple(intervals), final, additional)

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

    def interval(self) -> Interval:
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
        return Interval(start, end)

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


def _format_set(values: tuple[int, ...], names: tuple[str, ...], *, base: int = 0) -> str:
    """Render a set of indexes as ranges, starting each run after a gap so ``Sa-Mo`` wraps."""
    size = len(names)
    chosen = {v - base for v in values}
    if len(chosen) == size:
        return f"{names[0]}-{names[-1]}"
    runs = []
    for first in sorted(chosen):
        if (first - 1) % size in chosen:
            continue
        length = 1
        while (first + length) % size in chosen:
            length += 1
        last = (first + length - 1) % size
        if length >= 3:
            runs.append(f"{names[first]}-{names[last]}")
        else:
            runs.append(",".join(names[(first + i) % size] for i in range(length)))
    return ",".join(runs)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, end))
        else:
            merged.append(Interval(start, end))
    return merged
