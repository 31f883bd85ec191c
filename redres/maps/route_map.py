"""A route on a map: numbered stops per day, a colour per day, legs, start and end, the schedule.

Reads an itinerary in the JSON shape of DESIGN.md (what ``redres plan --json`` prints and
``POST /api/plan`` answers): ``days`` with ``stops`` (``site_id, slug, name, arrive, start,
leave, lon, lat``, optionally ``minutes`` and ``note``) and ``legs`` (``minutes, metres,
geometry``). A curated route without times is the same shape with the times left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.parse import quote

import folium

from redres.maps.controls import Legend, legend_html
from redres.maps.options import MapSettings
from redres.maps.popups import SafePopup, SafeTooltip, text
from redres.maps.render import MapFrame, new_frame

DAY_COLOURS = ("#c0392b", "#2471a3", "#1e8449", "#8e44ad", "#d35400", "#117a65", "#7d6608")


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A point a day passes through, in WGS-84: a stop, or the start or end of the day."""

    lon: float
    lat: float
    stop: Mapping[str, Any] | None = None


def day_colour(index: int) -> str:
    """The colour of day `index` (0-based), cycling through a palette that prints well."""
    return DAY_COLOURS[index % len(DAY_COLOURS)]


def day_waypoints(itinerary: Mapping[str, Any], day: Mapping[str, Any]) -> list[Waypoint]:
    """The day's stops, with its start and end points when the itinerary has them."""
    points = [
        Waypoint(float(s["lon"]), float(s["lat"]), s)
        for s in day.get("stops") or ()
        if s.get("lon") is not None and s.get("lat") is not None
    ]
    start = _point(day.get("start") or itinerary.get("start"))
    end = _point(day.get("end") or itinerary.get("end"))
    if start is not None:
        points.insert(0, start)
    if end is not None:
        points.append(end)
    return points


def leg_lines(
    waypoints: Sequence[Waypoint], legs: Sequence[Mapping[str, Any]]
) -> list[list[tuple[float, float]]]:
    """Each leg as ``(lon, lat)`` points: its road geometry when present, else a straight line.

    Legs are matched to consecutive waypoints when their numbers agree; otherwise only the
    legs with a geometry are drawn, plus straight lines between the stops.
    """
    pairs = list(pairwise(waypoints))
    if len(legs) == len(pairs):
        return [
            _geometry(leg) or [(a.lon, a.lat), (b.lon, b.lat)]
            for leg, (a, b) in zip(legs, pairs, strict=True)
        ]
    drawn = [g for g in (_geometry(leg) for leg in legs) if g]
    return drawn or [[(a.lon, a.lat), (b.lon, b.lat)] for a, b in pairs]


def route_map(
    itinerary: Mapping[str, Any],
    *,
    settings: MapSettings,
    title: str | None = None,
) -> folium.Map:
    """The route map; fits the route's bounds and has a legend of days."""
    name = title or str(itinerary.get("name") or "研学线路")
    frame = new_frame(settings, title=name)
    bounds: list[tuple[float, float]] = []
    legend: list[tuple[str, str]] = []
    days = list(itinerary.get("days") or ())
    for i, day in enumerate(days):
        colour = day_colour(i)
        label = f"第{i + 1}天" + (f"（{day['date']}）" if day.get("date") else "")
        group = folium.FeatureGroup(name=text(label), overlay=True, control=True)
        points = day_waypoints(itinerary, day)
        legs = list(day.get("legs") or ())
        for line in leg_lines(points, legs):
            folium.PolyLine(  # type: ignore[no-untyped-call]
                [frame.point(lon, lat) for lon, lat in line], color=colour, weight=5, opacity=0.8
            ).add_to(group)
            bounds.extend(line)
        stops = [p for p in points if p.stop is not None]
        for n, point in enumerate(stops, start=1):
            _stop_marker(
                frame,
                point,
                n=n,
                day_label=label,
                colour=colour,
                leg=_leg_after(point, points, legs),
            ).add_to(group)
            bounds.append((point.lon, point.lat))
        group.add_to(frame.map)
        frame.overlays.append(group)
        metres = sum(float(leg.get("metres") or 0) for leg in legs)
        legend.append(
            (
                colour,
                f"{label} · {len(stops)} 站" + (f" · {metres / 1000:.1f} 公里" if metres else ""),
            )
        )
    ends = _ends(frame, itinerary, days)
    if ends is not None:
        ends.add_to(frame.map)
        frame.overlays.append(ends)
    if bounds:
        # Leave room for the zoom buttons (top left) and the legend of days (bottom right), so
        # no stop hides under a control.
        frame.map.fit_bounds(
            _box(frame, bounds), padding_top_left=(50, 50), padding_bottom_right=(220, 110)
        )
    Legend(legend_html(name, legend, line=True), assets=settings.assets).add_to(frame.map)
    return frame.finish()


def stop_popup_html(
    stop: Mapping[str, Any], *, n: int, day_label: str, site_url: str, leg: Mapping[str, Any] | None
) -> str:
    """A stop's popup: name (linked to its page), order, schedule, note, the next leg; all escaped."""
    name = text(stop.get("name") or stop.get("slug") or "")
    slug = stop.get("slug")
    title = (
        f'<a href="{text(site_url + quote(str(slug), safe=""))}" target="_top">{name}</a>'
        if slug
        else name
    )
    parts = [
        f'<div class="rr-popup"><h3>{title}</h3>',
        f'<p class="rr-meta">{text(day_label)} · 第{n}站</p>',
    ]
    times = [
        (k, lbl)
        for k, lbl in (("arrive", "到达"), ("start", "开始参观"), ("leave", "离开"))
        if stop.get(k)
    ]
    if times:
        parts.append(
            '<p class="rr-hours">'
            + " · ".join(f"{lbl} {text(stop[k])}" for k, lbl in times)
            + "</p>"
        )
    if stop.get("minutes"):
        parts.append(f"<p>参观约 {int(stop['minutes'])} 分钟</p>")
    if stop.get("note"):
        parts.append(f'<p class="rr-story">{text(stop["note"])}</p>')
    if leg is not None and (leg.get("minutes") or leg.get("metres")):
        bits = []
        if leg.get("minutes") is not None:
            bits.append(f"{float(leg['minutes']):.0f} 分钟")
        if leg.get("metres") is not None:
            bits.append(f"{float(leg['metres']) / 1000:.1f} 公里")
        parts.append(f'<p class="rr-meta">前往下一站：{" · ".join(bits)}</p>')
    return "".join(parts) + "</div>"


def _stop_marker(
    frame: MapFrame,
    point: Waypoint,
    *,
    n: int,
    day_label: str,
    colour: str,
    leg: Mapping[str, Any] | None,
) -> folium.Marker:
    stop = point.stop or {}
    icon = folium.DivIcon(
        html=f'<span style="background:{colour}">{n}</span>',
        class_name="rr-pin rr-stop",
        icon_size=(26, 26),
        icon_anchor=(13, 13),
    )
    marker = folium.Marker(frame.point(point.lon, point.lat), icon=icon)
    SafePopup(
        stop_popup_html(stop, n=n, day_label=day_label, site_url=frame.settings.site_url, leg=leg)
    ).add_to(marker)
    SafeTooltip(f"{n}. {stop.get('name') or ''}").add_to(marker)
    return marker


def _ends(
    frame: MapFrame, itinerary: Mapping[str, Any], days: Sequence[Mapping[str, Any]]
) -> folium.FeatureGroup | None:
    """Start and end markers: the itinerary's own points, else rings around the first and last stops."""
    all_points = [p for day in days for p in day_waypoints(itinerary, day)]
    if not all_points:
        return None
    group = folium.FeatureGroup(name=text("起点和终点"), overlay=True, control=True)
    for point, label, colour in (
        (all_points[0], "起点", "#1e8449"),
        (all_points[-1], "终点", "#222222"),
    ):
        name = (point.stop or {}).get("name")
        ring = folium.CircleMarker(
            frame.point(point.lon, point.lat), radius=17, color=colour, weight=4, fill=False
        )
        SafeTooltip(f"{label}：{name}" if name else label).add_to(ring)
        ring.add_to(group)
    return group


def _leg_after(
    point: Waypoint, points: Sequence[Waypoint], legs: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    if len(legs) != len(points) - 1:
        return None
    i = points.index(point)
    return legs[i] if i < len(legs) else None


def _geometry(leg: Mapping[str, Any]) -> list[tuple[float, float]] | None:
    geometry = leg.get("geometry")
    if isinstance(geometry, Mapping):
        geometry = geometry.get("coordinates") if geometry.get("type") == "LineString" else None
    if not geometry or len(geometry) < 2:
        return None
    return [(float(c[0]), float(c[1])) for c in geometry]


def _point(value: Any) -> Waypoint | None:
    if isinstance(value, Mapping) and value.get("lon") is not None and value.get("lat") is not None:
        return Waypoint(float(value["lon"]), float(value["lat"]))
    return None


def _box(frame: MapFrame, points: Sequence[tuple[float, float]]) -> list[list[float]]:
    projected = [frame.point(lon, lat) for lon, lat in points]
    return [
        [min(p[0] for p in projected), min(p[1] for p in projected)],
        [max(p[0] for p in projected), max(p[1] for p in projected)],
    ]
