"""Chinese hours and years through the one validation (the site schema) and a CSV import, on both
engines: the stored rule evaluates as the notice says, and a bad cell names its column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from redres.catalog.io import ImportOptions, import_file
from redres.catalog.models import Site
from redres.catalog.partial_dates import read_years
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.hours.holidays_cn import default_calendar
from redres.hours.opening import parse_opening_hours
from redres.messages import Message
from tests.catalog.test_io_helpers import write_csv

NOTICE = "周二至周日 9:00-17:00（16:30停止入馆），周一闭馆（法定节假日除外）"
HEADER = ["名称", "类别", "经度", "纬度", "开放时间", "年代"]


def test_create_converts_the_notice_and_takes_its_last_entry() -> None:
    site = SiteCreate(name="八七会议会址", category="memorial_hall", opening_hours=NOTICE)
    assert site.opening_hours == "Tu-Su,PH 09:00-17:00"
    assert type(site.opening_hours) is str
    assert site.last_entry_minutes == 30


def test_update_counts_the_last_entry_as_sent() -> None:
    """A partial update writes model_dump(exclude_unset=True): the last entry must be in it."""
    change = SiteUpdate(opening_hours=NOTICE)
    assert change.model_dump(exclude_unset=True) == {
        "opening_hours": "Tu-Su,PH 09:00-17:00",
        "last_entry_minutes": 30,
    }
    assert SiteUpdate(opening_hours="Tu-Su 09:00-17:00").model_dump(exclude_unset=True) == {
        "opening_hours": "Tu-Su 09:00-17:00"
    }


def test_a_last_entry_that_contradicts_the_hours_is_refused() -> None:
    assert SiteUpdate(opening_hours=NOTICE, last_entry_minutes=30).last_entry_minutes == 30
    with pytest.raises(ValidationError) as caught:
        SiteUpdate(opening_hours=NOTICE, last_entry_minutes=60)
    error = caught.value.errors()[0]
    assert error["loc"] == ("last_entry_minutes",)
    assert error["ctx"]["error"].args[0].key == "hours_last_entry_conflict"


def test_unreadable_hours_name_the_field_and_the_part() -> None:
    with pytest.raises(ValidationError) as caught:
        SiteCreate(name="x", category="museum", opening_hours="周二至周日 9:00-17:00 另有安排")
    error = caught.value.errors()[0]
    assert error["loc"] == ("opening_hours",)
    message = error["ctx"]["error"].args[0]
    assert isinstance(message, Message)
    assert message.fields["part"] == "另有安排"


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("1927", "1927"),
        ("1927年", "1927"),
        ("1945-1949", "1945-1949"),
        ("1945—1949年", "1945-1949"),
        ("1945年至1949年", "1945-1949"),
        ("1945-49", "1945-1949"),
        ("１９２７年", "1927"),
        ("1920年代", "1920s"),
        ("20世纪20年代", "1920s"),
        ("民国十六年", "1927"),
        ("民国十六年（1927年）", "1927"),
        ("清光绪三十年", "1904"),
        ("宣统元年", "1909"),
        ("元、明", "元、明"),
        ("清末民初", "清末民初"),
        ("明代", "明代"),
    ],
)
def test_years_as_sheets_write_them(text: str, stored: str) -> None:
    assert read_years(text) == stored
    assert SiteCreate(name="x", category="former_site", years=text).years == stored
    assert read_years(stored) == stored  # what is stored (and exported) reads back the same


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1949-1945", "years_backwards"),
        ("民国十六年（1928年）", "years_unreadable"),
        ("不详", "years_unreadable"),
        ("1927年8月", "years_unreadable"),
    ],
)
def test_years_that_cannot_be_stored_faithfully_are_refused(text: str, key: str) -> None:
    with pytest.raises(ValueError) as caught:  # noqa: PT011 - the Message key is checked below
        read_years(text)
    assert caught.value.args[0].key == key


def test_csv_with_chinese_hours_and_years_imports(session: Session, tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["中共五大会址纪念馆", "纪念馆", 114.29302, 30.55339, NOTICE, "1927年"],
        [
            "八七会议会址",
            "纪念馆",
            114.2944,
            30.58899,
            "09:00-17:00,16:30 停止入馆,消毒时段12:00-14:30",
            "1927",
        ],
        [
            "宋庆龄故居",
            "故居",
            114.30,
            30.59,
            "開放時間為周二至周日9:00-17:00(16:30停止入館)",
            "元、明",
        ],
        ["中山舰旧址", "旧址", 114.31, 30.57, "", "1945—1949年"],
    ]
    report = import_file(session, write_csv(tmp_path / "名录.csv", rows), ImportOptions())
    session.commit()
    assert report.ok, report.errors
    sites = {s.name: s for s in session.exec(select(Site)).all()}
    calendar = default_calendar()
    wuda = sites["中共五大会址纪念馆"]
    assert (wuda.last_entry_minutes, wuda.years) == (30, "1927")
    hours = parse_opening_hours(wuda.opening_hours or "")
    assert hours.is_open(dt.datetime(2025, 6, 10, 16, 59), calendar)  # Tuesday
    assert not hours.is_open(dt.datetime(2025, 6, 9, 10, 0), calendar)  # an ordinary Monday
    assert hours.is_open(dt.datetime(2025, 6, 2, 10, 0), calendar)  # 端午节, a Monday
    baqi = parse_opening_hours(sites["八七会议会址"].opening_hours or "")
    assert not baqi.is_open(dt.datetime(2025, 6, 9, 13, 0), calendar)  # the disinfection break
    assert baqi.is_open(dt.datetime(2025, 6, 9, 14, 30), calendar)
    assert sites["宋庆龄故居"].years == "元、明"
    assert sites["宋庆龄故居"].last_entry_minutes == 30
    assert sites["中山舰旧址"].years == "1945-1949"
    assert sites["中山舰旧址"].opening_hours is None


def test_a_bad_cell_names_its_column_and_nothing_is_written(
    session: Session, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        ["甲", "纪念馆", 114.29, 30.55, NOTICE, "1927"],
        ["乙", "纪念馆", 114.29, 30.56, "夏季 9:00-17:00", "1927"],
        ["丙", "纪念馆", 114.29, 30.57, "9:00-17:00", "不详"],
    ]
    before = len(session.exec(select(Site)).all())
    report = import_file(session, write_csv(tmp_path / "bad.csv", rows), ImportOptions())
    session.rollback()
    assert not report.ok
    found = {(e.row, e.column): e.reason for e in report.errors}
    assert set(found) == {(3, "开放时间"), (4, "年代")}
    assert isinstance(found[3, "开放时间"], Message)
    assert found[3, "开放时间"].key == "hours_season_dates"
    assert found[4, "年代"].key == "years_unreadable"
    assert len(session.exec(select(Site)).all()) == before
