"""Opening hours in OpenStreetMap syntax: parse a site's `opening_hours`, and say when it is open.

The catalogue validates what editors type, and the route planner asks for the open intervals of
a site on a date. The grammar (`redres.hours.syntax`) reads the text into plain parts; this
module, built on it, gives them their meaning. The supported subset is what heritage sites need:

- rules separated by ``;``, a later rule replacing earlier ones on the days it names, as in OSM;
  an *additional* rule after ``,`` (``Mo-Fr 09:00-12:00, We 14:00-17:00``) adds its hours
  instead of replacing them;
- selectors: months (``Apr-Oct``, wrapping ``Nov-Mar``) and date ranges (``Mar 16-Nov 14``,
  ``Apr 10-20``, wrapping ``Nov 15-Mar 15``), weekdays and ranges (``Mo-Fr``,
  ``Tu,Th``, wrapping ``Sa-Mo``) and ``PH`` (public holiday), joined by commas as a union
  (``Sa,Su,PH``); a rule without selectors applies every day; ``24/7`` is open always;
- times ``HH:MM-HH:MM``, several a day, ``9:00`` tolerated, ``24:00`` as an end; then ``open``,
  ``off`` or ``closed``. Full-width punctuation and ``~`` as a dash are accepted.

Stricter than OSM where its reading surprises editors: days without times or ``open``
(``Mo-Fr``), times with ``off``, and overnight ranges (``20:00-02:00``) are errors.

Public holidays come from the calendar passed in (`redres.hours.holidays_cn.HolidayCalendar`),
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
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple, Protocol

from redres.hours.china_time import CHINA_TIME
from redres.hours.syntax import (
    MONTHS,
    WEEKDAYS,
    OpeningHoursError,
    RuleParts,
    parse_interval,
    parse_rules,
)

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
        return cls(*parse_interval(text))

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

    Empty `months` and `dates` mean all year; `dates` are day-precise spans of the year, each
    ``(start, end)`` as ``month * 100 + day``, both ends included (a start after the end wraps
    round the new year). Empty `weekdays` without `public_holiday` means every day. `state` ``open`` without `intervals` means all day, or regular hours when the rule
    matched only as a public holiday (see the module docstring).
    """

    months: tuple[int, ...] = ()
    weekdays: tuple[int, ...] = ()
    public_holiday: bool = False
    intervals: tuple[Interval, ...] = ()
    state: Literal["open", "closed"] = "open"
    additional: bool = False
    dates: tuple[tuple[int, int], ...] = ()

    def in_season(self, day: dt.date) -> bool:
        """Tell whether `day` falls in the rule's months or date spans (always, without any)."""
        if not (self.months or self.dates):
            return True
        key = day.month * 100 + day.day
        return day.month in self.months or any(_in_span(key, span) for span in self.dates)

    def match(self, day: dt.date, *, holiday: bool) -> Literal["day", "holiday"] | None:
        """Say whether the rule applies to `day`, and whether by its weekday or as a holiday."""
        if not self.in_season(day):
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
        season = [_format_set(self.months, MONTHS, base=1), *map(_format_span, self.dates)]
        selectors = [",".join(filter(None, season)), _format_set(self.weekdays, WEEKDAYS)]
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
    >>> from redres.hours.holidays_cn import default_calendar
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
    redres.hours.syntax.OpeningHoursError: unknown weekday 'Mx' in rule 'Mx-Fr 09:00-17:00'
    """
    if not isinstance(text, str) or not text.strip():
        msg = f"empty opening_hours {text!r}"
        raise OpeningHoursError(msg)
    return OpeningHours(_rules(text))


@lru_cache(maxsize=4096)
def _rules(text: str) -> tuple[Rule, ...]:
    """Parsing is pure and registries repeat a few dozen values, so each is read once."""
    return tuple(_rule(parts) for parts in parse_rules(text))


def _rule(parts: RuleParts) -> Rule:
    intervals = tuple(Interval(start, end) for start, end in parts.intervals)
    return Rule(
        parts.months,
        parts.weekdays,
        parts.public_holiday,
        intervals,
        parts.state,
        parts.additional,
        parts.dates,
    )


def format_minutes(minute: int) -> str:
    """Render minutes since midnight as ``HH:MM`` (1440 as ``24:00``)."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


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


def _in_span(key: int, span: tuple[int, int]) -> bool:
    start, end = span
    return start <= key <= end if start <= end else key >= start or key <= end


def _format_span(span: tuple[int, int]) -> str:
    (m1, d1), (m2, d2) = divmod(span[0], 100), divmod(span[1], 100)
    start = f"{MONTHS[m1 - 1]} {d1:02d}"
    if (m1, d1) == (m2, d2):
        return start
    return f"{start}-{d2:02d}" if m1 == m2 and d1 <= d2 else f"{start}-{MONTHS[m2 - 1]} {d2:02d}"


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, end))
        else:
            merged.append(Interval(start, end))
    return merged
