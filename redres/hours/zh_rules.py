"""What a Chinese hours notice said, written as the canonical OSM rule (`hours.zh` reads it).

The reader (`redres.hours.zh`) walks the notice and gathers a `Notice`: hours by season and
days, closed weekdays, what public holidays do, the lead of the last entry. This module writes
that as rules the OSM grammar accepts, one per season and set of hours, and refuses what cannot
be written without a guess (a group without times, last entries that differ).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from redres.hours.opening import (
    Interval,
    OpeningHoursError,
    Rule,
    format_minutes,
    parse_opening_hours,
)
from redres.messages import Message

__all__ = ["Group", "Notice", "ReadHours", "cut_breaks", "fail", "write_rules"]

ALL_DAYS = frozenset(range(7))


@dataclass(frozen=True, slots=True)
class ReadHours:
    """Opening hours as stored: the canonical OSM rule and, when the text says, last entry."""

    rule: str
    last_entry_minutes: int | None = None


@dataclass(slots=True)
class Group:
    """Hours read for some days of a season, with the last entry said next to them."""

    season: str
    days: frozenset[int] | None  # None: every day not closed
    holiday: bool
    intervals: list[Interval] = field(default_factory=list)
    breaks: list[Interval] = field(default_factory=list)
    last_entry: int | None = None  # minute of the day
    where: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """What the reader found in a whole notice."""

    text: str
    groups: list[Group]
    closed: set[int]
    """Weekdays the notice closes (周一闭馆)."""
    holidays: str | None
    """``open`` or ``closed`` when the notice says what public holidays do."""
    lead: int | None
    """Minutes before closing of the last entry (闭馆前30分钟停止入馆)."""


def fail(key: str, **fields: object) -> NoReturn:
    """Refuse the notice with a `Message` naming the part that could not be read."""
    raise OpeningHoursError(Message(key, **fields))


def write_rules(notice: Notice) -> ReadHours:
    """The canonical rule of every season in order of appearance, then the holiday rule, and
    the last entry in minutes before closing when the notice says it."""
    seasons = list(dict.fromkeys(g.season for g in notice.groups))
    seasons.sort(key=lambda s: s != "")  # all-year rules first, so seasons override them
    rules: list[str] = []
    minutes: set[int] = set()
    for season in seasons:
        groups = [g for g in notice.groups if g.season == season]
        rules += _season_rules(notice, season, groups, minutes)
    if notice.holidays == "closed":
        rules.append("PH off")
    if notice.lead is not None:
        minutes.add(notice.lead)
    if len(minutes) > 1:
        fail("hours_last_entry_differs", minutes=tuple(sorted(minutes)))
    hours = parse_opening_hours("; ".join(rules))  # the OSM grammar must accept what we write
    return ReadHours(hours.normalise(), next(iter(minutes), None))


def _season_rules(notice: Notice, season: str, groups: list[Group], minutes: set[int]) -> list[str]:
    plain: list[tuple[frozenset[int], tuple[Interval, ...]]] = []
    holiday_rules: list[str] = []
    for group in groups:
        if not group.intervals:
            fail("hours_no_times", text=notice.text)
        hours = cut_breaks(group)
        if group.last_entry is not None:
            closing = hours[-1].end
            if not 0 < closing - group.last_entry <= 600:
                fail(
                    "hours_last_entry_late",
                    last_entry=format_minutes(group.last_entry),
                    closing=format_minutes(closing),
                )
            minutes.add(closing - group.last_entry)
        days = (ALL_DAYS if group.days is None else group.days) - notice.closed
        if group.holiday:
            holiday_rules.append(_rule(season, days, hours, holiday=True))
        elif not days:
            fail("hours_no_days", part=_describe_days(group.days))
        else:
            plain.append((days, hours))
    if len({hours for _, hours in plain}) == 1:  # one set of hours: one rule
        plain = [(frozenset().union(*(days for days, _ in plain)), plain[0][1])]
    opens_holidays = notice.holidays == "open" and notice.closed and not holiday_rules
    rules = [_rule(season, days, hours, holiday=False) for days, hours in plain]
    if opens_holidays and len(plain) == 1:
        rules = [_rule(season, plain[0][0], plain[0][1], holiday=True)]
    elif opens_holidays and plain:
        rules.insert(0, _rule(season, frozenset(), _next_open(notice.closed, plain), holiday=True))
    return rules + holiday_rules


def _next_open(
    closed: set[int], plain: list[tuple[frozenset[int], tuple[Interval, ...]]]
) -> tuple[Interval, ...]:
    """The hours of the first open day after the first closed day (later rules win)."""
    first_closed = min(closed)
    for offset in range(1, 8):
        weekday = (first_closed + offset) % 7
        found = [hours for days, hours in plain if weekday in days]
        if found:
            return found[-1]
    return plain[0][1]


def _rule(season: str, days: frozenset[int], hours: tuple[Interval, ...], *, holiday: bool) -> str:
    body = str(Rule(weekdays=tuple(sorted(days)), public_holiday=holiday, intervals=hours))
    return f"{season} {body}".strip()


def cut_breaks(group: Group) -> tuple[Interval, ...]:
    """The group's intervals, merged, with its breaks taken out."""
    hours = sorted(group.intervals)
    for cut in group.breaks:
        kept: list[Interval] = []
        for start, end in hours:
            kept += [
                Interval(a, b)
                for a, b in ((start, min(end, cut.start)), (max(start, cut.end), end))
                if a < b
            ]
        hours = kept
    merged: list[Interval] = []
    for start, end in hours:
        if merged and start <= merged[-1].end:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, end))
        else:
            merged.append(Interval(start, end))
    return tuple(merged)


def _describe_days(days: frozenset[int] | None) -> str:
    names = "一二三四五六日"
    return "、".join(f"周{names[d]}" for d in sorted(days or ALL_DAYS))
