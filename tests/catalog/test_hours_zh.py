"""Opening hours in the Chinese of real notices: read into OSM rules whose meaning is checked by
evaluating open or closed at given times (holidays from the bundled calendar), not by the text."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from redres.hours.holidays_cn import HolidayCalendar, default_calendar
from redres.hours.opening import OpeningHoursError, parse_opening_hours
from redres.hours.words import hours_in_words
from redres.hours.zh import read_opening_hours
from redres.messages import Message

TABLE = Path(__file__).resolve().parent.parent / "data" / "hours_zh.csv"
with TABLE.open(encoding="utf-8") as _fh:
    ROWS = list(csv.DictReader(_fh))
ACCEPTED = [r for r in ROWS if not r["refused"]]
REFUSED = [r for r in ROWS if r["refused"]]
OSM_CODES = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off)\b|\d-\d")


@pytest.fixture(scope="module")
def calendar() -> HolidayCalendar:
    return default_calendar()


def _checks(row: dict[str, str]) -> list[tuple[dt.datetime, bool]]:
    out = []
    for item in row["checks"].split(";"):
        day, time, state = item.split()
        out.append((dt.datetime.fromisoformat(f"{day}T{time}"), state == "open"))
    return out


def test_the_table_is_real_and_large_enough() -> None:
    """At least 60 phrasings, each citing the page it was taken from."""
    assert len(ACCEPTED) >= 60
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert all(r["source"].startswith(("http://", "https://")) for r in ROWS)
    assert all(len(_checks(r)) >= 6 for r in ACCEPTED)


@pytest.mark.parametrize("row", ACCEPTED, ids=[r["id"] for r in ACCEPTED])
def test_real_phrasings_mean_what_the_notice_says(
    row: dict[str, str], calendar: HolidayCalendar
) -> None:
    read = read_opening_hours(row["text"])
    hours = parse_opening_hours(read.rule)  # the stored rule is plain OSM syntax
    assert read.last_entry_minutes == (int(row["last_entry"]) if row["last_entry"] else None)
    wrong = [
        f"{at:%Y-%m-%d %a %H:%M}: expected {'open' if want else 'closed'}"
        for at, want in _checks(row)
        if hours.is_open(at, calendar) != want
    ]
    assert not wrong, (read.rule, wrong)
    chinese = hours_in_words(read.rule, read.last_entry_minutes, "zh")
    english = hours_in_words(read.rule, read.last_entry_minutes, "en")
    assert chinese
    assert english
    assert not re.search(r"[A-Za-z]", chinese), chinese
    assert not OSM_CODES.search(english), english


@pytest.mark.parametrize("row", REFUSED, ids=[r["id"] for r in REFUSED])
def test_unreadable_notices_are_refused_naming_the_part(row: dict[str, str]) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        read_opening_hours(row["text"])
    message = caught.value.args[0]
    assert isinstance(message, Message)
    assert row["refused"] in str(message)


@pytest.mark.parametrize(
    ("text", "rule", "last"),
    [
        # DESIGN.md's example: the holiday exception opens Mondays that are holidays, explicitly
        (
            "周二至周日 9:00-17:00（16:30停止入馆），周一闭馆（法定节假日除外）",
            "Tu-Su,PH 09:00-17:00",
            30,
        ),
        ("周二至周日 ９：００－１７：００，周一闭馆", "Tu-Su 09:00-17:00", None),
        ("周二至周日 9:00～17:00，每周一闭馆，法定节假日闭馆", "Tu-Su 09:00-17:00; PH off", None),
        ("每日 9点30分到16点半，闭馆前1小时停止入馆", "Mo-Su 09:30-16:30", 60),
        ("周一至周五 上午8:30-12:00 下午2:30-5:30", "Mo-Fr 08:30-12:00,14:30-17:30", None),
        ("周末 10:00-16:00", "Sa,Su 10:00-16:00", None),
        ("工作日9:00-17:00，12:00-13:30午休", "Mo-Fr 09:00-12:00,13:30-17:00", None),
        ("全天开放", "Mo-Su 00:00-24:00", None),
        ("5月1日至10月31日 8:30-18:00；11月1日至次年4月30日 9:00-17:00", None, None),
        # different hours on the open days: a holiday Monday takes Tuesday's
        ("周二至周四 9:00-17:00，周五至周日 9:00-20:00，周一闭馆（节假日除外）", None, None),
    ],
)
def test_forms_of_the_phrasing(text: str, rule: str | None, last: int | None) -> None:
    read = read_opening_hours(text)
    if rule is not None:
        assert parse_opening_hours(read.rule) == parse_opening_hours(rule)
    assert read.last_entry_minutes == last


def test_seasons_and_holiday_hours_evaluate(calendar: HolidayCalendar) -> None:
    at = dt.datetime
    seasons = parse_opening_hours(
        read_opening_hours("5月1日至10月31日 8:30-18:00；11月1日至次年4月30日 9:00-17:00").rule
    )
    assert seasons.is_open(at(2025, 10, 31, 17, 30), calendar)
    assert not seasons.is_open(at(2025, 11, 1, 17, 30), calendar)
    assert not seasons.is_open(at(2025, 4, 30, 8, 45), calendar)
    assert seasons.is_open(at(2025, 5, 1, 8, 45), calendar)
    mixed = parse_opening_hours(
        read_opening_hours(
            "周二至周四 9:00-17:00，周五至周日 9:00-20:00，周一闭馆（节假日除外）"
        ).rule
    )
    holiday_monday, holiday_saturday = dt.date(2025, 6, 2), dt.date(2025, 5, 31)
    assert [str(i) for i in mixed.intervals(holiday_monday, calendar)] == ["09:00-17:00"]
    assert [str(i) for i in mixed.intervals(holiday_saturday, calendar)] == ["09:00-20:00"]
    assert mixed.intervals(dt.date(2025, 6, 9), calendar) == []


def test_ph_open_is_never_written_bare() -> None:
    """The OSM spec reads a bare ``PH open`` as all day, so what we store never says it."""
    for row in ACCEPTED:
        assert "PH open" not in read_opening_hours(row["text"]).rule


@pytest.mark.parametrize(
    ("text", "key", "fields"),
    [
        ("周二至周日 9:00-17:00，另有安排", "hours_unreadable", {"part": "另有安排"}),
        ("夏季 9:00-17:00", "hours_season_dates", {"part": "夏季"}),
        ("周一闭馆", "hours_no_times", {}),
        ("周二至周日 9:00", "hours_no_end", {"part": "9:00"}),
        ("周二至周日 17:00-9:00", "hours_empty_range", {"part": "17:00-9:00"}),
        ("周二至周日 9:00-25:00", "hours_bad_time", {"part": "25:00"}),
        ("周一 9:00-17:00，周一闭馆", "hours_no_days", {"part": "周一"}),
        ("9:00-17:00（17:30停止入馆）", "hours_last_entry_late", {"last_entry": "17:30"}),
        (
            "5月至9月 9:00-18:00（17:30停止入馆）；10月至次年4月 9:00-17:00（16:00停止入馆）",
            "hours_last_entry_differs",
            {"minutes": (30, 60)},
        ),
        ("周二至", "hours_unreadable", {"part": "至"}),
        ("13月 9:00-17:00", "hours_unreadable", {"part": "13月"}),
    ],
)
def test_errors_say_what_is_wrong(text: str, key: str, fields: dict[str, Any]) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        read_opening_hours(text)
    message = caught.value.args[0]
    assert isinstance(message, Message)
    assert message.key == key
    assert {k: message.fields[k] for k in fields} == fields


def test_osm_syntax_is_kept_and_its_errors_name_the_part_in_both_languages() -> None:
    assert read_opening_hours("Tu-Su 09:00-17:00; PH open").rule == "Tu-Su 09:00-17:00; PH open"
    with pytest.raises(OpeningHoursError) as caught:
        read_opening_hours("Mx-Fr 09:00-17:00")
    message = caught.value.args[0]
    assert isinstance(message, Message)
    assert (message.key, message.fields["part"]) == ("hours_unreadable", "Mx")
    assert "unknown weekday 'Mx'" in str(caught.value.__cause__)  # the parser's own words
