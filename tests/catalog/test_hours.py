"""Opening hours: parsing, canonical rendering, and open intervals on real Chinese dates."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re

import pytest

from redres.hours.holidays_cn import HolidayCalendar, default_calendar
from redres.hours.opening import (
    FULL_DAY,
    Interval,
    OpeningHours,
    OpeningHoursError,
    format_minutes,
    parse_opening_hours,
)

D = dt.date
MEMORIAL_HALL = "Tu-Su 09:00-17:00; PH open"

# Dates from the State Council's 2025 notice.
HOLIDAY_MONDAY = D(2025, 2, 3)  # inside the Spring Festival rest, 1-28 to 2-4
ORDINARY_MONDAY = D(2025, 2, 10)
WORKING_SUNDAY = D(2025, 1, 26)  # an adjusted working day (调休上班)
WORKING_SATURDAY = D(2025, 2, 8)
HOLIDAY_SATURDAY = D(2025, 2, 1)


@pytest.fixture(scope="module")
def calendar() -> HolidayCalendar:
    """The bundled calendar (official 2024-2026)."""
    return default_calendar()


def hours_on(text: str, day: dt.date, calendar: HolidayCalendar) -> list[str]:
    return [str(i) for i in parse_opening_hours(text).intervals(day, calendar)]


def test_monday_closed_hall_opens_on_a_holiday_monday(calendar: HolidayCalendar) -> None:
    assert hours_on(MEMORIAL_HALL, HOLIDAY_MONDAY, calendar) == ["09:00-17:00"]
    assert hours_on(MEMORIAL_HALL, ORDINARY_MONDAY, calendar) == []
    assert hours_on("Tu-Su 09:00-17:00", HOLIDAY_MONDAY, calendar) == []


def test_adjusted_working_days_follow_their_weekday_name(calendar: HolidayCalendar) -> None:
    assert calendar.is_adjusted_workday(WORKING_SUNDAY)
    assert hours_on(MEMORIAL_HALL, WORKING_SUNDAY, calendar) == ["09:00-17:00"]
    assert hours_on(MEMORIAL_HALL, WORKING_SATURDAY, calendar) == ["09:00-17:00"]
    office = "Mo-Fr 08:30-17:00; PH off"
    assert hours_on(office, WORKING_SUNDAY, calendar) == []  # Su is not named
    assert hours_on(office, HOLIDAY_MONDAY, calendar) == []
    assert hours_on(office, ORDINARY_MONDAY, calendar) == ["08:30-17:00"]


def test_ph_open_takes_the_next_regular_day(calendar: HolidayCalendar) -> None:
    text = "Tu-Fr 09:00-16:30; Sa,Su 09:00-18:00; PH open"
    assert hours_on(text, HOLIDAY_MONDAY, calendar) == ["09:00-16:30"]  # Tuesday's hours
    assert hours_on(text, HOLIDAY_SATURDAY, calendar) == ["09:00-18:00"]  # its own hours
    assert hours_on("Mo-Fr 08:00-17:00; PH open", HOLIDAY_SATURDAY, calendar) == ["08:00-17:00"]
    assert hours_on("PH open", HOLIDAY_MONDAY, calendar) == ["00:00-24:00"]


def test_ph_with_its_own_hours(calendar: HolidayCalendar) -> None:
    text = "Mo-Su 08:30-17:30; PH 10:00-16:00"
    assert hours_on(text, HOLIDAY_MONDAY, calendar) == ["10:00-16:00"]
    assert hours_on(text, ORDINARY_MONDAY, calendar) == ["08:30-17:30"]
    weekend = "Mo-Fr 09:00-17:00; Sa,Su,PH 10:00-16:00"
    assert hours_on(weekend, HOLIDAY_MONDAY, calendar) == ["10:00-16:00"]
    assert hours_on(weekend, D(2025, 2, 15), calendar) == ["10:00-16:00"]
    assert hours_on("Mo-Su 09:00-17:00; PH off", D(2025, 10, 8), calendar) == []


def test_several_ranges_and_boundaries(calendar: HolidayCalendar) -> None:
    hours = parse_opening_hours("Mo-Fr 09:00-12:00,13:30-17:00")
    assert hours.intervals(ORDINARY_MONDAY, calendar) == [Interval(540, 720), Interval(810, 1020)]
    at = dt.datetime.combine
    assert hours.is_open(at(ORDINARY_MONDAY, dt.time(9, 0)), calendar)
    assert hours.is_open(at(ORDINARY_MONDAY, dt.time(11, 59)), calendar)
    assert not hours.is_open(at(ORDINARY_MONDAY, dt.time(12, 0)), calendar)
    assert hours.is_open(at(ORDINARY_MONDAY, dt.time(13, 30)), calendar)
    assert not hours.is_open(at(ORDINARY_MONDAY, dt.time(17, 0)), calendar)


def test_aware_datetimes_are_read_in_china_time(calendar: HolidayCalendar) -> None:
    hours = parse_opening_hours("Mo-Fr 09:00-17:00")
    nine_beijing = dt.datetime(2025, 2, 10, 1, 0, tzinfo=dt.UTC)
    assert hours.is_open(nine_beijing, calendar)
    assert not hours.is_open(nine_beijing.replace(tzinfo=None), calendar)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 3, 14), []),  # Friday
        (D(2025, 3, 15), ["10:00-16:00"]),  # Saturday
        (D(2025, 3, 16), ["10:00-16:00"]),  # Sunday
        (D(2025, 3, 17), ["10:00-16:00"]),  # Monday
        (D(2025, 3, 18), []),  # Tuesday
    ],
)
def test_weekday_range_wraps_round(
    calendar: HolidayCalendar, day: dt.date, expected: list[str]
) -> None:
    assert hours_on("Sa-Mo 10:00-16:00", day, calendar) == expected


def test_twenty_four_seven(calendar: HolidayCalendar) -> None:
    hours = parse_opening_hours("24/7")
    for day in (ORDINARY_MONDAY, HOLIDAY_MONDAY, WORKING_SUNDAY, D(2028, 1, 26)):
        assert hours.intervals(day, calendar) == [FULL_DAY]
    assert hours.is_open(dt.datetime(2025, 2, 3, 23, 59), calendar)
    assert str(hours) == "24/7"


def test_later_rules_override_and_additional_rules_add(calendar: HolidayCalendar) -> None:
    wednesday = D(2025, 3, 12)
    assert hours_on("Mo-Su 09:00-17:00; We off", wednesday, calendar) == []
    assert hours_on("Mo-Fr 09:00-17:00; We 09:00-12:00", wednesday, calendar) == ["09:00-12:00"]
    added = "Mo-Fr 09:00-12:00, We 14:00-17:00"
    assert hours_on(added, wednesday, calendar) == ["09:00-12:00", "14:00-17:00"]
    assert hours_on(added, D(2025, 3, 13), calendar) == ["09:00-12:00"]
    assert hours_on("Mo-Fr 09:00-12:00,11:00-17:00", wednesday, calendar) == ["09:00-17:00"]


def test_seasonal_months(calendar: HolidayCalendar) -> None:
    text = "Apr-Oct Tu-Su 08:30-17:30; Nov-Mar Tu-Su 09:00-16:30; PH open"
    assert hours_on(text, D(2025, 7, 1), calendar) == ["08:30-17:30"]
    assert hours_on(text, D(2025, 12, 2), calendar) == ["09:00-16:30"]
    assert hours_on(text, HOLIDAY_MONDAY, calendar) == ["09:00-16:30"]
    assert hours_on(text, D(2025, 10, 6), calendar) == ["08:30-17:30"]  # National Day Monday


def test_seasons_to_the_day(calendar: HolidayCalendar) -> None:
    """Date spans (庐山会议旧址: summer 3月16日至11月14日), wrapping over the new year."""
    text = "Mar 16-Nov 14 08:10-17:30; Nov 15-Mar 15 08:00-17:00"
    assert hours_on(text, D(2025, 3, 15), calendar) == ["08:00-17:00"]
    assert hours_on(text, D(2025, 3, 16), calendar) == ["08:10-17:30"]
    assert hours_on(text, D(2025, 11, 14), calendar) == ["08:10-17:30"]
    assert hours_on(text, D(2025, 11, 15), calendar) == ["08:00-17:00"]
    assert hours_on(text, D(2026, 1, 5), calendar) == ["08:00-17:00"]
    assert hours_on("Apr 10-20 off; Apr 09:00-17:00", D(2025, 4, 21), calendar) == ["09:00-17:00"]
    assert hours_on("Apr 10-20 off, Apr 09:00-17:00", D(2025, 4, 21), calendar) == ["09:00-17:00"]
    assert hours_on("Apr 09:00-17:00; Apr 10-20 off", D(2025, 4, 20), calendar) == []
    assert hours_on("Feb 29 10:00-11:00", D(2028, 2, 29), calendar) == ["10:00-11:00"]


def test_future_year_uses_computed_holidays(calendar: HolidayCalendar) -> None:
    spring_festival = D(2028, 1, 26)  # a Wednesday
    assert hours_on("Mo-Fr 09:00-17:00; PH off", spring_festival, calendar) == []
    assert calendar.warnings_for(spring_festival)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Tu-Su 09:00-17:00; PH open", "Tu-Su 09:00-17:00; PH open"),
        ("mo-fr 9:00-12:00,13:30-17:00", "Mo-Fr 09:00-12:00,13:30-17:00"),
        ("Tu,Th 10:00-24:00", "Tu,Th 10:00-24:00"),
        ("Mo,We,Th,Fr 09:00-17:00", "Mo,We-Fr 09:00-17:00"),
        ("Sa,Su,Mo 10:00-16:00", "Sa-Mo 10:00-16:00"),
        ("Mo-Su 09:00-17:00；PH closed", "Mo-Su 09:00-17:00; PH off"),
        ("Tu-Su 09:00～17:00", "Tu-Su 09:00-17:00"),
        ("00:00-24:00", "24/7"),
        ("Nov-Feb Mo-Fr 10:00-15:00", "Nov-Feb Mo-Fr 10:00-15:00"),
        ("Jan-Dec Sa open", "Sa open"),
        ("PH,Su 10:00-16:00", "Su,PH 10:00-16:00"),
        ("Mo-Fr 09:00-12:00 , We 14:00-17:00;", "Mo-Fr 09:00-12:00, We 14:00-17:00"),
        ("Apr 1-Oct 31 Tu-Su 09:00-17:00", "Apr-Oct Tu-Su 09:00-17:00"),
        ("Nov 01-Feb 28 10:00-16:00", "Nov-Feb 10:00-16:00"),
        ("Apr 10-Oct 9 Tu-Su 08:30-17:30", "Apr 10-Oct 09 Tu-Su 08:30-17:30"),
        ("apr 10-20 off", "Apr 10-20 off"),
        ("Oct 10 off", "Oct 10 off"),
        ("Jan,Mar 5-Apr 2 PH off", "Jan,Mar 05-Apr 02 PH off"),
    ],
)
def test_normalise(text: str, canonical: str) -> None:
    hours = parse_opening_hours(text)
    assert hours.normalise() == canonical
    assert parse_opening_hours(canonical) == hours


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mx-Fr 09:00-17:00", "unknown weekday 'Mx' in rule 'Mx-Fr 09:00-17:00'"),
        ("Mo-Fx 09:00-17:00", "unknown weekday 'Fx' in rule 'Mo-Fx 09:00-17:00'"),
        ("Mo-Fr 09:00-17:00; Tu,Xx off", "unknown weekday 'Xx' in rule 'Tu,Xx off'"),
        ("Mo-Fr 9-17", "bad time '9' (write HH:MM) in rule 'Mo-Fr 9-17'"),
        ("Mo-Fr 09:60-10:00", "bad time '09:60'"),
        ("Mo-Fr 24:00-24:00", "bad time '24:00' (24:00 only ends a range)"),
        ("Mo-Fr 25:00-26:00", "bad time '25:00'"),
        ("Mo-Fr 09:00", "time '09:00' has no end"),
        ("Fr 20:00-02:00", "time range '20:00-02:00' does not end after it starts"),
        ("Mo-Fr", "no times and no open/off in rule 'Mo-Fr'"),
        ("PH", "no times and no open/off in rule 'PH'"),
        ("Mo-Fr 09:00-17:00 off", "times with 'off'"),
        ("SH off", "unsupported selector 'SH'"),
        ("周一闭馆", "unexpected character '周' in rule '周一闭馆'"),
        ("Mo-Fr 09:00-17:00 Apr", "unexpected 'Apr' in rule 'Mo-Fr 09:00-17:00 Apr'"),
        ("Mo-Fr 09:00-17:00,", "nothing after ','"),
        ("Apr 31 off", "no day 31 in Apr"),
        ("Apr 10- 09:00-10:00", "a date range needs a day after '-'"),
        ("Apr - 09:00-10:00", "unexpected '09:00' after '-'"),
        ("", "empty opening_hours ''"),
        (" ; ", "no rule in opening_hours ' ; '"),
    ],
)
def test_errors_name_the_bad_part(text: str, message: str) -> None:
    with pytest.raises(OpeningHoursError, match=re.escape(message)):
        parse_opening_hours(text)


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Mx"):
        parse_opening_hours("Mx 09:00-10:00")


def test_interval_helpers() -> None:
    window = Interval.parse("8:30-17:30")
    assert window == Interval(510, 1050)
    assert window.minutes == 540
    assert str(window) == "08:30-17:30"
    assert format_minutes(1440) == "24:00"
    assert window.contains(510)
    assert not window.contains(1050)
    with pytest.raises(OpeningHoursError, match="unexpected 'x'"):
        Interval.parse("08:30-17:30 x")


def _random_text(rng: random.Random) -> str:
    rules = []
    for _ in range(rng.randint(1, 4)):
        days = rng.sample(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH"], rng.randint(1, 3))
        starts = sorted(rng.sample(range(0, 1350, 30), rng.randint(1, 3)))
        ranges = [
            f"{format_minutes(s)}-{format_minutes(s + rng.choice([30, 60, 90]))}" for s in starts
        ]
        tail = rng.choice([",".join(ranges), "off", "open"])
        rules.append(f"{','.join(days)} {tail}")
    return "; ".join(rules)


def test_random_hours_round_trip_and_stay_within_the_day(calendar: HolidayCalendar) -> None:
    """Cheap invariants on seeded random inputs: canonical text parses back to equal rules,
    and intervals are sorted, disjoint and inside the day."""
    rng = random.Random(20250128)
    for _ in range(300):
        hours = parse_opening_hours(_random_text(rng))
        assert isinstance(hours, OpeningHours)
        assert parse_opening_hours(str(hours)) == hours
        day = D(2025, 1, 20) + dt.timedelta(days=rng.randrange(21))
        found = hours.intervals(day, calendar)
        assert all(0 <= i.start < i.end <= 1440 for i in found)
        assert all(a.end < b.start for a, b in itertools.pairwise(found))
