"""The Chinese public-holiday calendar, so opening hours and plans know which days are holidays.

China's holidays are set twice over. The statutory holidays (《全国年节及纪念日放假办法》) name
the festival days; each year the General Office of the State Council then publishes a notice
(国务院办公厅关于某年部分节假日安排的通知) that joins them with weekends into rest periods
(放假调休) and moves the lost working time to a few Saturdays or Sundays (调休上班). Only the
notice tells which days are really off, and it comes out in the autumn before the year.

`HolidayCalendar` therefore has two sources. For a year whose official schedule is loaded it
answers from that schedule: every day of a rest period is a public holiday, weekend days inside
it included, and the listed weekend days are adjusted working days. For any other year it
computes the statutory holidays with the `holidays` package (lunar dates included) and knows of
no adjusted working days; `warnings_for` says so, so a plan on such a date can carry the caveat.

Schedules are JSON files, one per year (the bundled ones are ``data/cn_schedule_YEAR.json``)::

    {
      "year": 2025,
      "source": "国务院办公厅关于2025年部分节假日安排的通知（2024年11月12日）",
      "holidays": [
        {"name": "春节", "start": "2025-01-28", "end": "2025-02-04"}
      ],
      "workdays": ["2025-01-26", "2025-02-08"]
    }

``year`` is the year of the notice; ``source`` is optional free text; each holiday is a rest
period with both ends included; ``workdays`` are the adjusted working days, which must be
Saturdays or Sundays outside every rest period. Dates are ISO ``YYYY-MM-DD`` and fall in
``year``, except that a rest period may begin in the December before (the 2024 New Year rest
began on 2023-12-30). Unknown keys are rejected, so a misspelt key cannot silently drop data.

Adjusted working days concern workers, not weekday names: opening hours written in
OpenStreetMap syntax still apply by the day's name (see `redres.hours.opening`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import holidays

from redres.errors import RedresError
from redres.messages import Message

__all__ = [
    "HolidayCalendar",
    "HolidayPeriod",
    "HolidaySchedule",
    "ScheduleError",
    "calendar_with_dir",
    "default_calendar",
    "load_schedule",
]

_MAX_PERIOD_DAYS = 31
_SCHEDULE_KEYS = frozenset({"year", "source", "holidays", "workdays"})
_PERIOD_KEYS = frozenset({"name", "start", "end"})


class ScheduleError(RedresError, ValueError):
    """A holiday schedule file that cannot be trusted; the message lists every problem found."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = problems
        super().__init__(f"{origin}: " + "; ".join(problems))


@dataclass(frozen=True, slots=True)
class HolidayPeriod:
    """One official rest period, both ends included, weekend days within it counted."""

    name: str
    start: dt.date
    end: dt.date

    def days(self) -> list[dt.date]:
        """Return every day of the period, so callers need no date arithmetic."""
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(count)]


@dataclass(frozen=True, slots=True)
class HolidaySchedule:
    """The State Council's holiday arrangement for one year, as published."""

    year: int
    holidays: tuple[HolidayPeriod, ...]
    workdays: tuple[dt.date, ...]
    source: str = ""

    @classmethod
    def from_dict(cls, data: Any, *, origin: str = "<schedule>") -> HolidaySchedule:
        """Validate parsed JSON and build a schedule from it.

        Every problem is collected before raising, so an admin fixes a file in one pass.

        Raises
        ------
        ScheduleError
            If the data does not follow the format in the module docstring.
        """
        problems: list[str] = []
        if not isinstance(data, Mapping):
            raise ScheduleError(origin, [f"expected a JSON object, got {type(data).__name__}"])
        problems += [f"unknown key {key!r}" for key in sorted(set(data) - _SCHEDULE_KEYS)]
        problems += [
            f"missing key {key!r}" for key in ("year", "holidays", "workdays") if key not in data
        ]
        source = data.get("source", "")
        if not isinstance(source, str):
            problems.append(f"source must be a string, got {source!r}")
        year = data.get("year")
        if type(year) is not int or not 1950 <= year <= 2200:
            if "year" in data:
                problems.append(f"year must be an integer from 1950 to 2200, got {year!r}")
            raise ScheduleError(origin, problems)  # dates cannot be checked without the year
        periods = _read_periods(data["holidays"], year, problems) if "holidays" in data else []
        workdays = (
            _read_workdays(data["workdays"], year, periods, problems) if "workdays" in data else []
        )
        if problems:
            raise ScheduleError(origin, problems)
        return cls(year, tuple(periods), tuple(workdays), str(source))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form that `from_dict` reads back."""
        return {
            "year": self.year,
            "source": self.source,
            "holidays": [
                {"name": p.name, "start": p.start.isoformat(), "end": p.end.isoformat()}
                for p in self.holidays
            ],
            "workdays": [day.isoformat() for day in self.workdays],
        }


def load_schedule(path: str | os.PathLike[str]) -> HolidaySchedule:
    """Read and validate one schedule file.

    Raises
    ------
    ScheduleError
        If the file is not valid JSON or not a valid schedule; the message names the file.
    OSError
        If the file cannot be read.
    """
    with open(path, encoding="utf-8") as file:
        text = file.read()
    return _schedule_from_text(text, origin=os.fspath(path))


class HolidayCalendar:
    """Public holidays and working days of mainland China, official where a schedule is loaded.

    The calendar is immutable: `with_schedule` returns a new one, so a cached default is safe
    to share between requests.
    """

    __slots__ = ("_rest", "_schedules", "_work")

    def __init__(self, schedules: Iterable[HolidaySchedule] = ()) -> None:
        self._schedules: dict[int, HolidaySchedule] = {}
        for schedule in schedules:
            if schedule.year in self._schedules:
                origin = "<calendar>"
                raise ScheduleError(origin, [f"two schedules for the year {schedule.year!r}"])
            self._schedules[schedule.year] = schedule
        self._rest: dict[dt.date, str] = {}
        self._work: set[dt.date] = set()
        for schedule in self._schedules.values():
            for period in schedule.holidays:
                self._rest.update(dict.fromkeys(period.days(), period.name))
            self._work.update(schedule.workdays)

    @classmethod
    def from_files(cls, paths: Iterable[str | os.PathLike[str]]) -> HolidayCalendar:
        """Build a calendar from schedule files only (no bundled schedules).

        Raises
        ------
        ScheduleError
            If a file is invalid, or two files give the same year.
        """
        by_year: dict[int, str] = {}
        schedules = []
        for path in paths:
            schedule = load_schedule(path)
            if schedule.year in by_year:
                problem = f"year {schedule.year} is already given by {by_year[schedule.year]!r}"
                raise ScheduleError(os.fspath(path), [problem])
            by_year[schedule.year] = os.fspath(path)
            schedules.append(schedule)
        return cls(schedules)

    def with_schedule(self, schedule: HolidaySchedule | str | os.PathLike[str]) -> HolidayCalendar:
        """Return a copy with a schedule added, replacing any loaded for the same year.

        This is how an admin adds next year's notice before a new release bundles it.

        Raises
        ------
        ScheduleError
            If `schedule` is a path to an invalid file.
        """
        if not isinstance(schedule, HolidaySchedule):
            schedule = load_schedule(schedule)
        kept = [s for year, s in self._schedules.items() if year != schedule.year]
        return HolidayCalendar([*kept, schedule])

    @property
    def official_years(self) -> tuple[int, ...]:
        """The years whose official schedule is loaded, in order."""
        return tuple(sorted(self._schedules))

    def is_official(self, year: int) -> bool:
        """Tell whether answers for `year` come from the published schedule."""
        return year in self._schedules

    def holiday_name(self, day: dt.date) -> str | None:
        """Name the public holiday on `day` (Chinese, as in the notice), or None on other days."""
        day = _as_date(day)
        if day in self._rest:
            return self._rest[day]
        if not self.is_official(day.year):
            return _computed_holidays(day.year).get(day)
        return None

    def is_public_holiday(self, day: dt.date) -> bool:
        """Tell whether `day` lies in a public-holiday rest period (weekend days inside count)."""
        return self.holiday_name(day) is not None

    def is_adjusted_workday(self, day: dt.date) -> bool:
        """Tell whether `day` is a weekend day made an official working day (调休上班)."""
        return _as_date(day) in self._work

    def is_workday(self, day: dt.date) -> bool:
        """Tell whether offices work on `day`: adjusted working days yes, holidays no."""
        day = _as_date(day)
        if self.is_adjusted_workday(day):
            return True
        return day.weekday() < 5 and not self.is_public_holiday(day)

    def warnings_for(self, day: dt.date) -> list[str]:
        """Say how far the answers for `day` can be trusted; empty when they are official."""
        day = _as_date(day)
        found: list[str] = []
        if not self.is_official(day.year):
            found.append(Message("no_official_holidays", year=day.year))
        if day.month == 12 and day.day >= 25 and not self.is_official(day.year + 1):
            found.append(
                Message("no_official_holidays_next", year=day.year, next_year=day.year + 1)
            )
        return found

    def __repr__(self) -> str:
        """Show which years are official, the one thing that tells two calendars apart."""
        return f"HolidayCalendar(official_years={list(self.official_years)!r})"


@functools.cache
def default_calendar() -> HolidayCalendar:
    """Return the calendar with the bundled official schedules, loaded once per process."""
    folder = resources.files("redres.hours").joinpath("data")
    schedules = [
        _schedule_from_text(entry.read_text(encoding="utf-8"), origin=entry.name)
        for entry in sorted(folder.iterdir(), key=lambda entry: entry.name)
        if entry.name.startswith("cn_schedule_") and entry.name.endswith(".json")
    ]
    return HolidayCalendar(schedules)


def calendar_with_dir(directory: str | os.PathLike[str] | None) -> HolidayCalendar:
    """The bundled calendar plus every schedule an admin put in `directory` (newer wins).

    Raises
    ------
    ScheduleError
        If a file in `directory` is invalid: better to refuse than to plan on a wrong calendar.
    """
    calendar = default_calendar()
    if directory is None or not os.path.isdir(directory):
        return calendar
    for name in sorted(os.listdir(directory)):
        if name.endswith(".json"):
            calendar = calendar.with_schedule(os.path.join(directory, name))
    return calendar


@functools.cache
def _computed_holidays(year: int) -> dict[dt.date, str]:
    """Statutory holidays of `year` as the `holidays` package computes them (lunar included)."""
    return dict(holidays.country_holidays("CN", years=year, language="zh_CN").items())


def _as_date(day: dt.date) -> dt.date:
    """Drop the time of a datetime, which would otherwise never equal a date key."""
    return day.date() if isinstance(day, dt.datetime) else day


def _schedule_from_text(text: str, *, origin: str) -> HolidaySchedule:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScheduleError(origin, [f"not valid JSON ({error})"]) from None
    return HolidaySchedule.from_dict(data, origin=origin)


def _read_date(value: object, where: str, year: int, problems: list[str]) -> dt.date | None:
    if not isinstance(value, str):
        problems.append(f"{where} must be a date string YYYY-MM-DD, got {value!r}")
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where} is not a date YYYY-MM-DD: {value!r}")
        return None
    if not dt.date(year - 1, 12, 1) <= day <= dt.date(year, 12, 31):
        problems.append(f"{where} {value!r} is outside the schedule's year {year}")
        return None
    return day


def _read_periods(value: object, year: int, problems: list[str]) -> list[HolidayPeriod]:
    if not isinstance(value, list) or not value:
        problems.append(f"holidays must be a non-empty list, got {value!r}")
        return []
    periods: list[HolidayPeriod] = []
    for i, item in enumerate(value):
        where = f"holidays[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where} must be an object with name, start, end, got {item!r}")
            continue
        problems += [f"{where}: unknown key {k!r}" for k in sorted(set(item) - _PERIOD_KEYS)]
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.name must be a non-empty string, got {name!r}")
        start = _read_date(item.get("start"), f"{where}.start", year, problems)
        end = _read_date(item.get("end"), f"{where}.end", year, problems)
        if not (isinstance(name, str) and name.strip() and start and end):
            continue
        if end < start:
            problems.append(f"{where} ends ({end}) before it starts ({start})")
        elif (end - start).days >= _MAX_PERIOD_DAYS:
            problems.append(f"{where} {start}..{end} is longer than {_MAX_PERIOD_DAYS} days")
        else:
            periods.append(HolidayPeriod(name.strip(), start, end))
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            problems.append(f"holidays {before.name!r} and {after.name!r} overlap")
    return ordered


def _read_workdays(
    value: object, year: int, periods: list[HolidayPeriod], problems: list[str]
) -> list[dt.date]:
    if not isinstance(value, list):
        problems.append(f"workdays must be a list of dates, got {value!r}")
        return []
    days: list[dt.date] = []
    for i, item in enumerate(value):
        day = _read_date(item, f"workdays[{i}]", year, problems)
        if day is None:
            continue
        if day.weekday() < 5:
            problems.append(
                f"workdays[{i}] {item!r} is a {day:%A}; an adjusted working day is a "
                "Saturday or Sunday"
            )
        elif any(p.start <= day <= p.end for p in periods):
            problems.append(f"workdays[{i}] {item!r} lies inside a holiday period")
        elif day in days:
            problems.append(f"workdays[{i}] {item!r} is listed twice")
        else:
            days.append(day)
    return sorted(days)
