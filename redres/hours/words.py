"""Opening hours in words, in Chinese or English, so visitors never read an OSM rule.

The words describe what the rule *means* (`redres.hours.opening` evaluates it), not how it is
written: the year is cut where the rules' seasons change, each part is evaluated on every
weekday with and without a public holiday, and the answer is phrased from that. So a stored
``Tu-Su 09:00-17:00; PH open`` and ``Tu-Su,PH 09:00-17:00`` both read
``周二至周日 09:00–17:00，周一闭馆，法定节假日照常开放``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from redres.hours.opening import (
    FULL_DAY,
    Interval,
    OpeningHours,
    OpeningHoursError,
    format_minutes,
    parse_opening_hours,
)
from redres.hours.syntax import month_length

__all__ = ["hours_in_words"]

Week = tuple[tuple[Interval, ...], ...]
"""The intervals of Monday to Sunday."""

_YEAR = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(365)]
"""A year without 29 February, in which seasons are cut."""
_ZH_DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class _Holidays:
    """A calendar in which every day is, or no day is, a public holiday."""

    def __init__(self, *, every_day: bool) -> None:
        self.every_day = every_day

    def is_public_holiday(self, day: dt.date) -> bool:
        """The same answer for every day."""
        return self.every_day


_NONE, _ALL = _Holidays(every_day=False), _Holidays(every_day=True)


@dataclass(frozen=True, slots=True)
class _Part:
    """A stretch of the year (first and last day) with its week, on ordinary days and holidays."""

    first: dt.date
    last: dt.date
    week: Week
    holiday_week: Week


def hours_in_words(
    rule: str | None, last_entry_minutes: int | None, lang: str = "zh"
) -> str | None:
    """Say a stored rule (and last entry) in `lang` ("zh" or "en"); None when none or unreadable.

    Examples
    --------
    >>> hours_in_words("Tu-Su,PH 09:00-17:00", 30)
    '周二至周日 09:00–17:00（16:30 停止入馆），周一闭馆，法定节假日照常开放'
    >>> hours_in_words("Tu-Su,PH 09:00-17:00", 30, "en")
    'Tue–Sun 09:00–17:00 (last entry 16:30), closed Mon; open on public holidays'
    >>> hours_in_words("Mo-Su 09:00-12:00,14:00-17:00", None, "en")
    'Daily 09:00–12:00, 14:00–17:00'
    """
    if not rule:
        return None
    try:
        hours = parse_opening_hours(rule)
    except OpeningHoursError:
        return None
    words = _Chinese() if lang == "zh" else _English()
    said = words.say(_parts(hours), last_entry_minutes or 0)
    return said[:1].upper() + said[1:]


def _parts(hours: OpeningHours) -> list[_Part]:
    """The year cut where the set of rules in season changes, neighbours that read alike joined."""
    signature = [tuple(r.in_season(day) for r in hours.rules) for day in _YEAR]
    starts = [i for i in range(365) if signature[i] != signature[i - 1]] or [0]
    parts = []
    for n, start in enumerate(starts):
        end = (starts[(n + 1) % len(starts)] - 1) % 365
        days = [_YEAR[(start + k) % 365] for k in range((end - start) % 365 + 1)]
        parts.append(_Part(days[0], days[-1], _week(hours, days, _NONE), _week(hours, days, _ALL)))
    joined: list[_Part] = []
    for part in parts:
        if joined and _alike(joined[-1], part):
            joined[-1] = _Part(joined[-1].first, part.last, part.week, part.holiday_week)
        else:
            joined.append(part)
    if len(joined) > 1 and _alike(joined[0], joined[-1]):
        joined[0] = _Part(joined[-1].first, joined[0].last, joined[0].week, joined[0].holiday_week)
        joined.pop()
    return joined


def _alike(a: _Part, b: _Part) -> bool:
    return (a.week, a.holiday_week) == (b.week, b.holiday_week)


def _week(hours: OpeningHours, days: Sequence[dt.date], holidays: _Holidays) -> Week:
    """Each weekday's intervals, taken from a date of this part that falls on it (any year)."""
    found: dict[int, tuple[Interval, ...]] = {}
    for year in range(2025, 2032):  # seven years shift every date through every weekday
        for day in days:
            try:
                date = day.replace(year=year)
            except ValueError:
                continue
            if date.weekday() not in found:
                found[date.weekday()] = tuple(hours.intervals(date, holidays))
        if len(found) == 7:
            break
    return tuple(found.get(w, ()) for w in range(7))


def _groups(week: Week) -> list[tuple[list[int], tuple[Interval, ...]]]:
    """Open weekdays grouped by equal hours, in the order of the week."""
    groups: dict[tuple[Interval, ...], list[int]] = {}
    for weekday, hours in enumerate(week):
        if hours:
            groups.setdefault(hours, []).append(weekday)
    return [(days, hours) for hours, days in groups.items()]


def _runs(days: Sequence[int]) -> list[tuple[int, int]]:
    """Weekdays as runs (first, length), a run going round from Sunday to Monday."""
    chosen = set(days)
    runs = []
    for first in sorted(chosen):
        if (first - 1) % 7 in chosen and len(chosen) < 7:
            continue
        length = 1
        while length < 7 and (first + length) % 7 in chosen:
            length += 1
        runs.append((first, length))
    return runs


class _Words:
    """What both languages share: which facts to say, and in what order."""

    names: tuple[str, ...] = ()
    every_day = to = comma = always = closed_all = closed_on = ""
    holidays_open = holidays_closed = holidays_at = all_day = last_entry = ""
    list_sep = holiday_sep = part_sep = ""

    def say(self, parts: list[_Part], last_entry: int) -> str:
        if len(parts) == 1 and all(h == (FULL_DAY,) for h in parts[0].week + parts[0].holiday_week):
            return self.always
        closed = {tuple(self.closed_days(p.week)) for p in parts}
        holidays = {self.holidays(p) for p in parts}
        shared_closed = len(closed) == 1 and len(parts) > 1
        shared_holidays = len(holidays) == 1 and len(parts) > 1
        said = []
        for part in parts:
            pieces = self.week(part.week, last_entry)
            if not shared_closed:
                pieces += self.closed_days(part.week)
            text = self.comma.join(pieces)
            holiday = self.holidays(part) if not shared_holidays else ""
            text = self.holiday_sep.join(filter(None, [text, holiday]))
            said.append(self.season(part, text) if len(parts) > 1 else text)
        tail = self.comma.join(closed.pop()) if shared_closed else ""
        tail = self.holiday_sep.join(
            filter(None, [tail, holidays.pop() if shared_holidays else ""])
        )
        return self.part_sep.join([*said, tail] if tail else said)

    def week(self, week: Week, last_entry: int) -> list[str]:
        if not any(week):
            return [self.closed_all]
        return [self.hours_of(self.days(days), hours, last_entry) for days, hours in _groups(week)]

    def closed_days(self, week: Week) -> list[str]:
        shut = [w for w in range(7) if not week[w]]
        return [self.closed_on.format(days=self.days(shut))] if shut and len(shut) < 7 else []

    def holidays(self, part: _Part) -> str:
        regular, holiday = part.week, part.holiday_week
        if holiday == regular:
            return ""
        if not any(holiday):
            return self.holidays_closed
        opened = [w for w in range(7) if holiday[w] and not regular[w]]
        kept = all(holiday[w] == regular[w] for w in range(7) if regular[w])
        if kept and all(holiday[w] in regular for w in opened):
            return self.holidays_open
        if len(set(holiday)) == 1:
            return self.holidays_at.format(times=self.times(holiday[0]))
        groups = [f"{self.days(d)} {self.times(h)}" for d, h in _groups(holiday)]
        return self.holidays_at.format(times=self.comma.join(groups))

    def days(self, days: Sequence[int]) -> str:
        if len(days) == 7:
            return self.every_day
        said = []
        for first, length in _runs(days):
            names = [self.names[(first + i) % 7] for i in range(length)]
            said += [f"{names[0]}{self.to}{names[-1]}"] if length >= 3 else names
        return self.list_sep.join(said)

    def times(self, hours: tuple[Interval, ...]) -> str:
        if hours == (FULL_DAY,):
            return self.all_day
        return self.list_sep.join(
            f"{format_minutes(i.start)}–{format_minutes(i.end)}" for i in hours
        )

    def hours_of(self, days: str, hours: tuple[Interval, ...], last_entry: int) -> str:
        text = f"{days} {self.times(hours)}"
        if last_entry and hours != (FULL_DAY,) and hours[-1].end - last_entry > hours[0].start:
            text += self.last_entry.format(at=format_minutes(hours[-1].end - last_entry))
        return text

    def season(self, part: _Part, text: str) -> str:
        first, last = part.first, part.last
        whole = first.day == 1 and last.day >= (28 if last.month == 2 else month_length(last.month))
        return self.season_text(first, last, whole=whole, text=text)

    def season_text(self, first: dt.date, last: dt.date, *, whole: bool, text: str) -> str:
        """The part of the year and what holds in it."""
        raise NotImplementedError


class _Chinese(_Words):
    names, every_day, to, comma = _ZH_DAYS, "每日", "至", "，"
    always, closed_all, closed_on = "全天开放", "闭馆", "{days}闭馆"
    holidays_open, holidays_closed, holidays_at = (
        "法定节假日照常开放",
        "法定节假日闭馆",
        "法定节假日 {times}",
    )
    all_day, last_entry, list_sep, holiday_sep, part_sep = (
        "全天",
        "（{at} 停止入馆）",
        "、",
        "，",
        "；",
    )

    def season_text(self, first: dt.date, last: dt.date, *, whole: bool, text: str) -> str:
        """``5月至9月：…``, ``10月至次年4月：…``, ``4月10日至10月9日：…``."""
        next_year = "次年" if (last.month, last.day) < (first.month, first.day) else ""
        if not whole:
            span = f"{first.month}月{first.day}日至{next_year}{last.month}月{last.day}日"
        elif first.month == last.month and not next_year:
            span = f"{first.month}月"
        else:
            span = f"{first.month}月至{next_year}{last.month}月"
        return f"{span}：{text}"


class _English(_Words):
    names, every_day, to, comma = _EN_DAYS, "daily", "–", ", "
    always, closed_all, closed_on = "Open 24 hours, every day", "closed", "closed {days}"
    holidays_open, holidays_closed = "open on public holidays", "closed on public holidays"
    holidays_at = "public holidays {times}"
    all_day, last_entry, list_sep, holiday_sep, part_sep = (
        "all day",
        " (last entry {at})",
        ", ",
        "; ",
        "; ",
    )

    def season_text(self, first: dt.date, last: dt.date, *, whole: bool, text: str) -> str:
        """``May–Sep: …``, ``Apr 10–Oct 9: …``."""
        start, end = _EN_MONTHS[first.month - 1], _EN_MONTHS[last.month - 1]
        if not whole:
            span = f"{start} {first.day}–{end} {last.day}"
        elif first.month == last.month and first <= last:
            span = start
        else:
            span = f"{start}–{end}"
        return f"{span}: {text}"
