"""Route maps and printed route images from an itinerary in the DESIGN.md shape."""

from __future__ import annotations

import re
from typing import Any

import pytest

from redres.maps.options import MapSettings
from redres.maps.render import circle_radius, district_overview, to_html
from redres.maps.route_map import DAY_COLOURS, day_waypoints, leg_lines, route_map
from redres.maps.route_png import cjk_family, route_png

SETTINGS = MapSettings()


def test_route_map_has_numbered_stops_a_colour_per_day_and_a_legend(
    itinerary: dict[str, Any],
) -> None:
    page = to_html(route_map(itinerary, settings=SETTINGS), settings=SETTINGS)
    assert re.findall(r"\\u003e(\d)\\u003c/span\\u003e", page) == ["1", "2", "1"]
    assert DAY_COLOURS[0] in page
    assert DAY_COLOURS[1] in page
    assert "fitBounds" in page
    legend = page.split("redres.legend(")[1]
    assert "\\u7b2c1\\u5929" in legend
    assert "\\u7b2c2\\u5929" in legend
    assert "8.2" in legend  # day 1: 4.0 + 4.2 km
    assert "\\u8d77\\u70b9" in page  # 起点


def test_legs_use_road_geometry_and_fall_back_to_straight_lines(itinerary: dict[str, Any]) -> None:
    day = itinerary["days"][0]
    points = day_waypoints(itinerary, day)
    assert [p.stop is None for p in points] == [True, False, False]  # the start point comes first
    lines = leg_lines(points, day["legs"])
    assert len(lines) == 2
    assert len(lines[0]) == 2  # no geometry: straight
    assert len(lines[1]) == 3  # the road geometry


def test_schedule_appears_in_popups(itinerary: dict[str, Any]) -> None:
    page = to_html(route_map(itinerary, settings=SETTINGS), settings=SETTINGS)
    assert "10:20" in page
    assert "11:00" in page
    assert "/sites/aug7-site" in page


def test_route_png_is_a_png_with_cjk_font(itinerary: dict[str, Any]) -> None:
    png = route_png(itinerary)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000
    assert "CJK" in cjk_family()  # fonts-noto-cjk, installed by .ci/run


def test_route_png_refuses_an_empty_route() -> None:
    with pytest.raises(ValueError, match="no stop"):
        route_png({"days": [{"stops": [], "legs": []}]})


def test_district_overview_draws_one_circle_per_district(features: list[dict[str, Any]]) -> None:
    page = to_html(district_overview(features, settings=SETTINGS), settings=SETTINGS)
    assert page.count("L.circleMarker(") == 3
    assert circle_radius(1, 1) == 40.0
    assert circle_radius(1, 10_000) == 5.0
