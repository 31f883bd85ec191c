"""Popup content: today's hours from the holiday calendar, story excerpts, labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from redres.hours.holidays_cn import default_calendar
from redres.maps.popups import category_label, hours_today, story_excerpt
from redres.maps.site_layer import ROW_FIELDS, compact_sites

HALL = "Tu-Su 09:00-17:00; PH open"


def test_hours_today_follows_weekdays_and_public_holidays() -> None:
    calendar = default_calendar()
    assert hours_today(HALL, dt.date(2026, 11, 30), calendar) == "闭馆"  # an ordinary Monday
    assert hours_today(HALL, dt.date(2026, 12, 1), calendar) == "09:00-17:00"
    assert hours_today(HALL, dt.date(2025, 10, 6), calendar) == "09:00-17:00"  # National Day Monday
    assert hours_today("Mo-Fr 09:00-12:00, We 14:00-17:00", dt.date(2026, 12, 2), calendar) == (
        "09:00-12:00，14:00-17:00"
    )
    assert hours_today("not hours", dt.date(2026, 12, 1), calendar) is None
    assert hours_today(None, dt.date(2026, 12, 1), calendar) is None


def test_excerpt_prefers_summary_and_cuts_long_text() -> None:
    long = "长" * 200
    assert story_excerpt({"stories": [{"summary": None, "body": long}]}).endswith("…")
    assert len(story_excerpt({"stories": [{"summary": None, "body": long}]})) == 80
    assert story_excerpt({"excerpt": "自带", "stories": [{"summary": "故事"}]}) == "自带"
    assert story_excerpt({}) == ""


def test_compact_rows_carry_labels_by_index(
    features: list[dict[str, Any]], themes: dict[str, str]
) -> None:
    data = compact_sites(
        features, day=dt.date(2026, 12, 1), calendar=default_calendar(), themes=themes
    )
    assert data["fields"] == list(ROW_FIELDS)
    first = dict(zip(ROW_FIELDS, data["sites"][0], strict=True))
    assert data["cats"][first["category"]][1] == category_label("former_site") == "革命旧址"
    assert data["periods"][first["period"]] == "大革命时期"
    assert data["protections"][first["protection"]] == "全国重点文物保护单位"
    assert data["hours"][first["hours"]] == "09:00-17:00"
    assert data["themes"][first["themes"][0]] == ["great-revolution", "大革命"]
    assert first["excerpt"].startswith("1927年8月7日")
    assert "2026-12-01" in data["labels"]["hours"]
    unknown = dict(zip(ROW_FIELDS, data["sites"][2], strict=True))
    assert (unknown["period"], unknown["protection"], unknown["hours"], unknown["themes"]) == (
        -1,
        -1,
        -1,
        [],
    )
