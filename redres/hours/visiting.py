"""Visiting information of a site for a given moment: open now, today's hours, last entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from redres.hours.china_time import CHINA_TIME
from redres.hours.opening import (
    HolidayLookup,
    Interval,
    OpeningHoursError,
    parse_opening_hours,
)


@dataclass(frozen=True, slots=True)
class VisitingToday:
    """What a visitor needs to know today; None fields mean the registry does not know."""

    known: bool
    open_now: bool | None
    intervals: list[Interval]
    last_entry: str | None

    @property
    def hours_text(self) -> str:
        """Today's hours as `09:00-17:00, 18:00-21:00`, empty when closed or unknown."""
        return ", ".join(str(i) for i in self.intervals)


def visiting_today(
    opening_hours: str | None,
    last_entry_minutes: int | None,
    at: dt.datetime,
    calendar: HolidayLookup,
) -> VisitingToday:
    """Whether a site is open at `at` (China time) and its hours that day.

    Open now counts last entry: a hall that stops entry 30 minutes before closing is not
    "open" for a newcomer in those 30 minutes.

    Examples
    --------
    >>> from redres.hours.holidays_cn import default_calendar
    >>> t = visiting_today("Tu-Su 09:00-17:00", 30, dt.datetime(2025, 10, 8, 16, 45), default_calendar())
    >>> t.open_now, t.hours_text, t.last_entry
    (False, '09:00-17:00', '16:30')
    """
    if not opening_hours:
        return VisitingToday(known=False, open_now=None, intervals=[], last_entry=None)
    local = at.astimezone(CHINA_TIME) if at.tzinfo else at
    try:
        intervals = parse_opening_hours(opening_hours).intervals(local.date(), calendar)
    except OpeningHoursError:
        return VisitingToday(known=False, open_now=None, intervals=[], last_entry=None)
    minute = local.hour * 60 + local.minute
    cut = last_entry_minutes or 0
    open_now = any(i.start <= minute < i.end - cut for i in intervals)
    last = None
    if intervals and last_entry_minutes:
        end = intervals[-1].end - last_entry_minutes
        last = f"{end // 60:02d}:{end % 60:02d}"
    return VisitingToday(known=True, open_now=open_now, intervals=intervals, last_entry=last)
