"""The holiday calendar against the State Council's published notices, and schedule files."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest

from redres.hours.holidays_cn import (
    HolidayCalendar,
    HolidaySchedule,
    ScheduleError,
    default_calendar,
    load_schedule,
)

if TYPE_CHECKING:
    from pathlib import Path

D = dt.date


@pytest.fixture(scope="module")
def calendar() -> HolidayCalendar:
    """The bundled calendar (official 2024-2026)."""
    return default_calendar()


def _span(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def test_bundled_years_are_official(calendar: HolidayCalendar) -> None:
    assert calendar.official_years == (2024, 2025, 2026)
    assert calendar.is_official(2025)
    assert not calendar.is_official(2028)
    assert default_calendar() is calendar


def test_spring_festival_2025(calendar: HolidayCalendar) -> None:
    # 春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
    # 1月26日（周日）、2月8日（周六）上班。
    rest = _span(D(2025, 1, 28), D(2025, 2, 4))
    assert len(rest) == 8
    assert all(calendar.is_public_holiday(day) for day in rest)
    assert {calendar.holiday_name(day) for day in rest} == {"春节"}
    assert not calendar.is_public_holiday(D(2025, 1, 27))
    assert not calendar.is_public_holiday(D(2025, 2, 5))
    assert calendar.is_public_holiday(D(2025, 2, 1))  # a Saturday inside the rest period
    for worked in (D(2025, 1, 26), D(2025, 2, 8)):
        assert worked.weekday() >= 5
        assert calendar.is_adjusted_workday(worked)
        assert calendar.is_workday(worked)
    assert not calendar.is_workday(D(2025, 2, 3))  # a Monday off
    assert not calendar.is_workday(D(2025, 2, 9))  # an ordinary Sunday
    assert calendar.is_workday(D(2025, 2, 10))  # an ordinary Monday
    assert calendar.warnings_for(D(2025, 2, 3)) == []


@pytest.mark.parametrize(
    ("first", "last", "name", "workdays"),
    [
        # 2024 notice: 10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
        (D(2024, 10, 1), D(2024, 10, 7), "国庆节", [D(2024, 9, 29), D(2024, 10, 12)]),
        # 2025 notice: 国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。
        (D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节", [D(2025, 9, 28), D(2025, 10, 11)]),
        # 2026 notice: 10月1日（周四）至7日（周三）放假调休，共7天。9月20日、10月10日上班。
        (D(2026, 10, 1), D(2026, 10, 7), "国庆节", [D(2026, 9, 20), D(2026, 10, 10)]),
    ],
)
def test_national_day(
    calendar: HolidayCalendar,
    first: dt.date,
    last: dt.date,
    name: str,
    workdays: list[dt.date],
) -> None:
    assert [calendar.holiday_name(day) for day in _span(first, last)] == [name] * len(
        _span(first, last)
    )
    assert not calendar.is_public_holiday(last + dt.timedelta(days=1))
    assert all(calendar.is_adjusted_workday(day) and calendar.is_workday(day) for day in workdays)


@pytest.mark.parametrize(
    ("year", "name", "first", "days"),
    [
        (2024, "春节", D(2024, 2, 10), 8),
        (2024, "劳动节", D(2024, 5, 1), 5),
        (2025, "劳动节", D(2025, 5, 1), 5),
        (2025, "端午节", D(2025, 5, 31), 3),
        (2026, "元旦", D(2026, 1, 1), 3),
        (2026, "春节", D(2026, 2, 15), 9),
        (2026, "清明节", D(2026, 4, 4), 3),
        (2026, "中秋节", D(2026, 9, 25), 3),
    ],
)
def test_rest_periods_have_the_published_length(
    calendar: HolidayCalendar, year: int, name: str, first: dt.date, days: int
) -> None:
    """Each rest period starts on the notice's date and lasts the notice's 共N天."""
    rest = _span(first, first + dt.timedelta(days=days - 1))
    assert [calendar.holiday_name(day) for day in rest] == [name] * days
    assert calendar.holiday_name(first - dt.timedelta(days=1)) != name
    assert calendar.holiday_name(rest[-1] + dt.timedelta(days=1)) != name


def test_bundled_workdays(calendar: HolidayCalendar) -> None:
    days = [
        day
        for year in calendar.official_years
        for day in _span(D(year, 1, 1), D(year, 12, 31))
        if calendar.is_adjusted_workday(day)
    ]
    assert len(days) == 8 + 5 + 6
    assert all(day.weekday() >= 5 and not calendar.is_public_holiday(day) for day in days)


def test_new_year_2024_rest_begins_in_december_2023(calendar: HolidayCalendar) -> None:
    # 2024 notice: 元旦：1月1日放假，与周末连休。
    assert calendar.holiday_name(D(2023, 12, 30)) == "元旦"
    assert calendar.is_public_holiday(dt.datetime(2024, 1, 1, 10, 30))
    assert not calendar.is_public_holiday(D(2024, 1, 2))


def test_future_year_is_computed_with_a_warning(calendar: HolidayCalendar) -> None:
    spring_festival = D(2028, 1, 26)  # 农历正月初一 of 2028, a Wednesday
    assert calendar.is_public_holiday(spring_festival)
    assert calendar.holiday_name(spring_festival) == "春节"
    assert calendar.is_public_holiday(D(2028, 10, 2))
    assert not calendar.is_workday(spring_festival)
    assert not any(
        calendar.is_adjusted_workday(day) for day in _span(D(2028, 1, 1), D(2028, 12, 31))
    )
    (warning,) = calendar.warnings_for(spring_festival)
    assert "2028" in warning
    assert "computed" in warning
    assert "adjusted working days are unknown" in warning


def test_late_december_warns_about_next_new_year(calendar: HolidayCalendar) -> None:
    (warning,) = calendar.warnings_for(D(2026, 12, 30))
    assert "2027" in warning
    assert calendar.warnings_for(D(2025, 12, 30)) == []


def test_ordinary_days(calendar: HolidayCalendar) -> None:
    assert calendar.is_workday(D(2025, 3, 12))
    assert not calendar.is_workday(D(2025, 3, 15))
    assert calendar.holiday_name(D(2025, 3, 12)) is None


# A made-up schedule for a year no notice covers, so it cannot be mistaken for real data.
TEST_SCHEDULE: dict[str, Any] = {
    "year": 2030,
    "source": "test data, not a real notice",
    "holidays": [
        {"name": "春节", "start": "2030-02-02", "end": "2030-02-09"},
        {"name": "国庆节", "start": "2030-10-01", "end": "2030-10-07"},
    ],
    "workdays": ["2030-01-27", "2030-10-12"],
}


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_schedule_loaded_from_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "cn_schedule_2030.json", TEST_SCHEDULE)
    calendar = HolidayCalendar.from_files([path])
    assert calendar.official_years == (2030,)
    assert calendar.is_public_holiday(D(2030, 2, 2))
    assert calendar.is_adjusted_workday(D(2030, 1, 27))
    assert calendar.warnings_for(D(2030, 2, 2)) == []
    assert not calendar.is_official(2025)  # from_files holds only the files given

    extended = default_calendar().with_schedule(path)
    assert extended.official_years == (2024, 2025, 2026, 2030)
    assert extended.is_public_holiday(D(2025, 1, 28))
    assert default_calendar().official_years == (2024, 2025, 2026)  # the default is untouched


def test_with_schedule_replaces_the_same_year(calendar: HolidayCalendar) -> None:
    amended = HolidaySchedule.from_dict(
        {
            "year": 2025,
            "holidays": [{"name": "测试", "start": "2025-03-03", "end": "2025-03-03"}],
            "workdays": [],
        }
    )
    replaced = calendar.with_schedule(amended)
    assert replaced.is_public_holiday(D(2025, 3, 3))
    assert not replaced.is_public_holiday(D(2025, 1, 28))
    assert replaced.official_years == calendar.official_years


def test_schedule_round_trips_through_dict(tmp_path: Path) -> None:
    schedule = load_schedule(_write(tmp_path / "s.json", TEST_SCHEDULE))
    assert HolidaySchedule.from_dict(schedule.to_dict()) == schedule
    assert schedule.to_dict() == TEST_SCHEDULE


def test_bad_schedule_lists_every_problem(tmp_path: Path) -> None:
    bad = {
        "year": 2030,
        "holiday": [],
        "holidays": [
            {"name": "春节", "start": "2030-02-09", "end": "2030-02-02"},
            {"name": "", "start": "2030-13-01", "end": "2030-10-07"},
            {"name": "国庆节", "start": "2030-10-01", "end": "2031-10-07"},
        ],
        "workdays": ["2030-01-30"],
    }
    path = _write(tmp_path / "bad.json", bad)
    with pytest.raises(ScheduleError) as caught:
        load_schedule(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    for part in (
        "unknown key 'holiday'",
        "holidays[0] ends (2030-02-02) before it starts (2030-02-09)",
        "holidays[1].name must be a non-empty string",
        "holidays[1].start is not a date YYYY-MM-DD: '2030-13-01'",
        "holidays[2].end '2031-10-07' is outside the schedule's year 2030",
        "workdays[0] '2030-01-30' is a Wednesday",
    ):
        assert part in message
    assert isinstance(caught.value, ValueError)
    assert len(caught.value.problems) == 6


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "expected a JSON object, got list"),
        ('{"holidays": [], "workdays": []}', "missing key 'year'"),
        ('{"year": "2030", "holidays": [], "workdays": []}', "year must be an integer"),
        ('{"year": 2030, "holidays": [], "workdays": []}', "holidays must be a non-empty list"),
    ],
)
def test_malformed_schedule_rejected(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ScheduleError, match=expected):
        HolidayCalendar.from_files([path])


def test_overlaps_and_workdays_inside_holidays_rejected() -> None:
    data = {
        "year": 2030,
        "holidays": [
            {"name": "甲", "start": "2030-10-01", "end": "2030-10-07"},
            {"name": "乙", "start": "2030-10-05", "end": "2030-10-08"},
        ],
        "workdays": ["2030-10-05"],
    }
    with pytest.raises(ScheduleError) as caught:
        HolidaySchedule.from_dict(data, origin="inline")
    assert "holidays '甲' and '乙' overlap" in str(caught.value)
    assert "workdays[0] '2030-10-05' lies inside a holiday period" in str(caught.value)


def test_two_files_for_one_year_rejected(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.json", TEST_SCHEDULE)
    second = _write(tmp_path / "b.json", TEST_SCHEDULE)
    with pytest.raises(ScheduleError, match="year 2030 is already given by"):
        HolidayCalendar.from_files([first, second])
