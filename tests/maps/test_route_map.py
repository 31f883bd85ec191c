"""Route maps and printed route images, drawn from itineraries the route room really makes."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from dataclasses import replace
from typing import Any

import pytest

from redres.maps.options import MapSettings
from redres.maps.popups import text
from redres.maps.render import circle_radius, district_overview, to_html
from redres.maps.route_map import DAY_COLOURS, day_waypoints, leg_lines, route_map
from redres.maps.route_png import cjk_family, route_png
from redres.routes.answer import DayPlan, Itinerary, hhmm
from tests.maps.conftest import ROAD, SCHOOL

SETTINGS = MapSettings()


def popups(page: str) -> list[str]:
    """The HTML of every popup on the page, as Leaflet will read it."""
    return [json.loads(p) for p in re.findall(r'bindPopup\(("(?:[^"\\]|\\.)*")', page)]


def stop_popups(page: str) -> list[str]:
    return [p for p in popups(page) if "rr-popup" in p]


def test_route_map_has_numbered_stops_a_colour_per_day_and_a_legend(itinerary: Itinerary) -> None:
    page = to_html(route_map(itinerary, settings=SETTINGS), settings=SETTINGS)
    numbers = [str(n) for day in itinerary.days for n in range(1, len(day.stops) + 1)]
    assert re.findall(r"\\u003e(\d)\\u003c/span\\u003e", page) == numbers == ["1", "2", "1"]
    assert DAY_COLOURS[0] in page
    assert DAY_COLOURS[1] in page
    assert "fitBounds" in page
    legend = page.split("redres.legend(")[1]
    assert "\\u7b2c1\\u5929" in legend  # 第1天
    assert "\\u7b2c2\\u5929" in legend
    km = sum(leg.metres for leg in itinerary.days[0].legs) / 1000
    assert f"{km:.1f}" in legend
    assert "\\u8d77\\u70b9" in page  # 起点


def test_a_day_runs_from_the_start_through_its_stops_to_the_end(itinerary: Itinerary) -> None:
    day = itinerary.days[0]
    points = day_waypoints(itinerary, day)
    assert [p.stop is None for p in points] == [True, False, False, True]
    assert (points[0].lon, points[0].lat, points[0].label) == (SCHOOL.lon, SCHOOL.lat, "学校")
    lines = leg_lines(points, day.legs)
    assert len(lines) == len(day.legs) == 3
    assert ROAD[1] in lines[1]  # the road geometry, with its bend
    assert len(lines[0]) == len(lines[2]) == 2  # straight where the network does not reach


def test_a_leg_without_geometry_is_drawn_straight(itinerary: Itinerary) -> None:
    day = itinerary.days[0]
    bare = replace(day, legs=tuple(replace(leg, geometry=()) for leg in day.legs))
    points = day_waypoints(itinerary, bare)
    lines = leg_lines(points, bare.legs)
    assert lines == [[(a.lon, a.lat), (b.lon, b.lat)] for a, b in itertools.pairwise(points)]


def test_popups_show_the_schedule_the_visit_length_and_the_next_leg(itinerary: Itinerary) -> None:
    """With a start point the legs outnumber the gaps between stops; each popup still gets its
    own next leg (to the next stop, or back to the end), and its visit length."""
    page = to_html(route_map(itinerary, settings=SETTINGS), settings=SETTINGS)
    shown = stop_popups(page)
    assert len(shown) == len(itinerary.stops) == 3
    next_legs = [(s, d.legs[i + 1]) for d in itinerary.days for i, s in enumerate(d.stops)]
    for html, (stop, leg) in zip(shown, next_legs, strict=True):
        assert f"到达 {hhmm(stop.arrive)} · 开始参观 {hhmm(stop.start)}" in html
        assert f"离开 {hhmm(stop.leave)}" in html
        assert f"参观约 {stop.minutes} 分钟" in html
        assert f"前往下一站：{leg.minutes:.0f} 分钟 · {leg.metres / 1000:.1f} 公里" in html
    assert "/sites/aug7-site" in page


def test_lesson_notes_of_a_curated_route_show_in_its_popups(curated: Itinerary) -> None:
    page = to_html(route_map(curated, settings=SETTINGS), settings=SETTINGS)
    shown = stop_popups(page)
    assert "1927年8月7日，中共中央在此召开紧急会议。" in shown[0]
    assert 'class="rr-story"' in shown[1]  # the hostile note, escaped (see test_escaping)
    assert 'class="rr-story"' not in shown[2]  # no note, no paragraph
    assert all("参观约" in html for html in shown)


def test_route_png_is_a_png_with_cjk_font(itinerary: Itinerary) -> None:
    png = route_png(itinerary)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000
    assert "CJK" in cjk_family()  # fonts-noto-cjk, installed by .ci/run


def test_route_png_of_a_lone_stop_draws_no_empty_legend(itinerary: Itinerary) -> None:
    day = itinerary.days[0]
    lone = replace(day, stops=day.stops[:1], legs=())
    legless = replace(itinerary, start=None, end=None, days=(lone,))
    svg = route_png(
        legless, fmt="svg"
    ).decode()  # matplotlib warns (an error here) on a bare legend
    assert svg.count("<svg") == 1


def test_route_png_refuses_an_empty_route() -> None:
    empty = Itinerary(days=(DayPlan(dt.date(2026, 5, 12), (), (), 510.0, 510.0),), omitted=())
    with pytest.raises(ValueError, match="no stop"):
        route_png(empty)


def test_district_overview_draws_one_circle_per_district(features: list[dict[str, Any]]) -> None:
    page = to_html(district_overview(features, settings=SETTINGS), settings=SETTINGS)
    assert page.count("L.circleMarker(") == 3
    assert circle_radius(1, 1) == 40.0
    assert circle_radius(1, 10_000) == 5.0


def _with_english_names(itinerary: Itinerary) -> Itinerary:
    """The itinerary with an English name on its first stop only (the others have none)."""
    first = itinerary.days[0].stops[0]
    named = replace(first, name_en="Site of the August 7th Meeting")
    day = replace(itinerary.days[0], stops=(named, *itinerary.days[0].stops[1:]))
    return replace(itinerary, days=(day, *itinerary.days[1:]))


def test_english_route_maps_name_stops_in_english_where_the_site_has_a_name(
    itinerary: Itinerary,
) -> None:
    from redres.api.i18n import map_words

    named = _with_english_names(itinerary)
    page = to_html(route_map(named, settings=SETTINGS, words=map_words("en")), settings=SETTINGS)
    shown = stop_popups(page)
    assert 'lang="en">Site of the August 7th Meeting</a>' in shown[0]
    other = named.days[0].stops[1]
    assert other.name_en is None
    escaped = text(other.name)  # the second stop has a hostile name (see conftest)
    assert f'lang="zh-CN">{escaped}</a>' in shown[1]  # no English name: Chinese, tagged
    tips = [json.loads(t) for t in re.findall(r'bindTooltip\(("(?:[^"\\]|\\.)*")', page)]
    assert "1. Site of the August 7th Meeting" in tips
    assert f'2. <span lang="zh-CN">{escaped}</span>' in tips
    chinese = to_html(route_map(named, settings=SETTINGS), settings=SETTINGS)
    assert "August 7th" not in chinese  # Chinese maps keep the Chinese names


def test_english_route_images_print_english_words_and_names(itinerary: Itinerary) -> None:
    named = _with_english_names(itinerary)
    svg = route_png(named, lang="en", fmt="svg").decode()
    assert "1 Site of the August 7th" in svg  # wrapped after 28 characters
    assert "Meeting" in svg
    assert "2 &lt;img src=x" in svg  # the (hostile) Chinese name where none in English
    assert "Day 1" in svg
    assert "第1天" not in svg
    assert "北" not in svg
    zh = route_png(named, fmt="svg").decode()
    assert "第1天" in zh
    assert "August" not in zh
