"""Exports parse in their own formats and escape hostile user text; the handout escapes too."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from redres.routes.answer import DayPlan, Itinerary, Leg, Lunch, Omission, Stop
from redres.routes.export import export, to_ics
from redres.routes.handout import render_handout
from redres.routes.model import Story

HOSTILE = '<script>alert("x")</script> & Co; a,b\nline2 \\ end'


@pytest.fixture
def itinerary() -> Itinerary:
    """Two stops with hostile names and a long Chinese address, one day."""
    stops = (
        Stop(
            1,
            "a",
            HOSTILE,
            114.29,
            30.55,
            540,
            545,
            605,
            1.0,
            address="武汉市武昌区都府堤20号, 1; 楼" * 4,
            warnings=("book <ahead>",),
            stories=(Story("八七会议 <b>", "summary & more"),),
        ),
        Stop(2, "b", "八七会议会址", 114.2944, 30.58899, 640, 640, 700, 0.5),
    )
    legs = (
        Leg("start", "a", 5, 300, ((114.28, 30.55), (114.29, 30.55))),
        Leg("a", "b", 35, 3900, ((114.29, 30.55), (114.2944, 30.58899))),
        Leg("b", "end", 35, 3900, ((114.2944, 30.58899), (114.28, 30.55))),
    )
    day = DayPlan(dt.date(2025, 6, 3), stops, legs, 535, 735, Lunch(720, 780, "b"))
    omitted = (Omission(3, "c", "C & <D>", "closed", "closed on Mon"),)
    return Itinerary((day,), omitted, name=HOSTILE)


def test_gpx_parses_with_waypoints_route_and_track(itinerary: Itinerary) -> None:
    root = ET.fromstring(export(itinerary, "gpx"))
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    wpts = root.findall("g:wpt", ns)
    assert len(wpts) == 2
    assert HOSTILE.replace("\\", "\\") in wpts[0].findtext("g:name", namespaces=ns, default="")
    assert float(wpts[1].get("lat", "0")) == pytest.approx(30.58899)
    assert len(root.findall("g:rte/g:rtept", ns)) == 2
    assert len(root.findall("g:trk/g:trkseg", ns)) == 3
    assert root.findtext("g:metadata/g:name", namespaces=ns) == HOSTILE


def test_kml_parses_with_placemarks_and_a_line(itinerary: Itinerary) -> None:
    root = ET.fromstring(export(itinerary, "kml"))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == 3
    assert marks[0].findtext("k:name", namespaces=ns) == f"1. {HOSTILE}"
    line = root.findtext(".//k:LineString/k:coordinates", namespaces=ns) or ""
    assert line.split()[0] == "114.2800000,30.5500000"


def test_geojson_has_points_and_lines(itinerary: Itinerary) -> None:
    data = json.loads(export(itinerary, "geojson"))
    kinds = [f["geometry"]["type"] for f in data["features"]]
    assert kinds == ["Point", "Point", "LineString", "LineString", "LineString"]
    assert data["features"][0]["properties"]["name"] == HOSTILE
    assert data["features"][0]["properties"]["start"] == "09:05"


def _unfold(text: str) -> list[str]:
    assert "\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    return text.replace("\r\n ", "").split("\r\n")


def _unescape(value: str) -> str:
    out, i = "", 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out += "\n" if nxt in "nN" else nxt
            i += 2
        else:
            assert value[i] not in ",;", value
            out += value[i]
            i += 1
    return out


def test_ics_has_one_event_per_stop_in_china_time(itinerary: Itinerary) -> None:
    stamp = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
    lines = _unfold(to_ics(itinerary, stamp=stamp))
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2] == "END:VCALENDAR"
    events: list[dict[str, str]] = []
    for line in lines:
        if line == "BEGIN:VEVENT":
            events.append({})
        elif events and ":" in line and "END:VEVENT" not in line:
            key, value = line.split(":", 1)
            events[-1][key] = value
    assert len(events) == 2
    first = events[0]
    assert first["DTSTART;TZID=Asia/Shanghai"] == "20250603T090500"
    assert first["DTEND;TZID=Asia/Shanghai"] == "20250603T100500"
    assert _unescape(first["SUMMARY"]) == HOSTILE
    assert _unescape(first["LOCATION"]).startswith("武汉市武昌区都府堤20号, 1; 楼")
    assert "TZID:Asia/Shanghai" in lines


def test_unknown_format_is_a_value_error(itinerary: Itinerary) -> None:
    with pytest.raises(ValueError, match="unknown export format 'shp'"):
        export(itinerary, "shp")


def test_handout_escapes_and_keeps_a_map_slot(itinerary: Itinerary) -> None:
    html = render_handout(itinerary, map_url='x.png"><script>')
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert 'id="map"' in html
    assert "x.png&#34;&gt;&lt;script&gt;" in html
    assert "八七会议 &lt;b&gt;" in html
    assert "09:05-10:05" in html
    assert "午餐 12:00-13:00" in html
    assert "C &amp; &lt;D&gt;" in html


@pytest.mark.parametrize(
    ("second_starts", "rows"), [(640, "stop stop lunch"), (790, "stop lunch stop")]
)
def test_handout_lists_lunch_in_its_place(
    itinerary: Itinerary, second_starts: float, rows: str
) -> None:
    first, second = itinerary.days[0].stops
    later = replace(second, arrive=640, start=second_starts, leave=second_starts + 60)
    day = replace(itinerary.days[0], stops=(first, later))
    html = render_handout(replace(itinerary, days=(day,)))
    assert " ".join(re.findall(r'<tr class="(stop|lunch)"', html)) == rows
    assert re.search(r'<tr class="lunch">.*?12:00-13:00.*?午餐（八七会议会址）', html)


def test_handout_prints_each_stops_lesson_note_escaped(itinerary: Itinerary) -> None:
    first, second = itinerary.days[0].stops
    day = replace(itinerary.days[0], stops=(replace(first, note="讲述<八七会议>"), second))
    html = render_handout(replace(itinerary, days=(day,)))
    assert '<p class="lesson note"><strong>教学提示：</strong>讲述&lt;八七会议&gt;</p>' in html
    assert html.count('class="lesson note"') == 1
