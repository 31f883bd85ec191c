"""A route on a map: numbered stops per day, a colour per day, legs, start and end, the schedule.

Draws an `Itinerary` as the route room made it (a plan, a curated route or a hand-arranged
one), typed to the end: each day runs from the itinerary's `start` through its stops to its
`end`, one leg between each pair, so a stop's popup shows its times, visit length, lesson note
and the leg to the next place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import quote

import folium

from redres.maps.controls import Legend, legend_html
from redres.maps.options import MapSettings
from redres.maps.popups import SafePopup, SafeTooltip, text
from redres.maps.render import MapFrame, new_frame
from redres.maps.words import CHINESE, MapWords
from redres.routes.answer import DayPlan, Itinerary, Leg, Stop, hhmm
from redres.routes.model import Place

DAY_COLOURS = ("#c0392b", "#2471a3", "#1e8449", "#8e44ad", "#d35400", "#117a65", "#7d6608")


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A point a day passes through, in WGS-84: a stop, or the start or end of the day."""

    lon: float
    lat: float
    stop: Stop | None = None
    name: str = ""

    @property
    def label(self) -> str:
        """What the point is called: the stop's name, or the start's or end's."""
        return self.stop.name if self.stop is not None else self.name


def stop_name(stop: Stop, lang: str = "zh") -> tuple[str, str]:
    """A stop's name in `lang` with its own language tag: the English name on English maps when
    the site has one, else the Chinese name tagged ``zh-CN`` (never an untagged foreign name)."""
    if lang == "en" and stop.name_en:
        return stop.name_en, "en"
    return stop.name or stop.slug, "zh-CN"


def day_colour(index: int) -> str:
    """The colour of day `index` (0-based), cycling through a palette that prints well."""
    return DAY_COLOURS[index % len(DAY_COLOURS)]


def day_waypoints(itinerary: Itinerary, day: DayPlan) -> list[Waypoint]:
    """The day's stops, with the itinerary's start and end points when it has them."""
    points = [Waypoint(s.lon, s.lat, s) for s in day.stops]
    if itinerary.start is not None:
        points.insert(0, _place(itinerary.start))
    if itinerary.end is not None:
        points.append(_place(itinerary.end))
    return points


def leg_lines(
    waypoints: Sequence[Waypoint], legs: Sequence[Leg]
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
    itinerary: Itinerary,
    *,
    settings: MapSettings,
    title: str | None = None,
    words: MapWords = CHINESE,
) -> folium.Map:
    """The route map in `words.lang`; fits the route's bounds and has a legend of days."""
    name = title or itinerary.name or words.route_title
    frame = new_frame(settings, title=name, words=words)
    bounds: list[tuple[float, float]] = []
    legend: list[tuple[str, str]] = []
    for i, day in enumerate(itinerary.days):
        colour = day_colour(i)
        label = words.day.format(n=i + 1, date=day.date.isoformat())
        group = folium.FeatureGroup(name=text(label), overlay=True, control=True)
        points = day_waypoints(itinerary, day)
        for line in leg_lines(points, day.legs):
            folium.PolyLine(  # type: ignore[no-untyped-call]
                [frame.point(lon, lat) for lon, lat in line], color=colour, weight=5, opacity=0.8
            ).add_to(group)
            bounds.extend(line)
        stops = [
            (p.stop, leg)
            for p, leg in zip(points, _next_legs(points, day.legs), strict=True)
            if p.stop is not None
        ]
        for n, (stop, leg) in enumerate(stops, start=1):
            marker = _stop_marker(
                frame, stop, n=n, day_label=label, colour=colour, leg=leg, words=words
            )
            marker.add_to(group)
            bounds.append((stop.lon, stop.lat))
        group.add_to(frame.map)
        frame.overlays.append(group)
        metres = sum(leg.metres for leg in day.legs)
        legend.append(
            (
                colour,
                f"{label} · {words.stops(len(stops))}"
                + (f" · {words.km.format(km=f'{metres / 1000:.1f}')}" if metres else ""),
            )
        )
    ends = _ends(frame, itinerary, words)
    if ends is not None:
        ends.add_to(frame.map)
        frame.overlays.append(ends)
    if bounds:
        # Leave room for the zoom buttons (top left) and the legend's button (bottom right), so
        # no stop hides under a control; the legend itself opens on demand on a phone.
        frame.map.fit_bounds(
            _box(frame, bounds), padding_top_left=(50, 50), padding_bottom_right=(90, 70)
        )
    Legend(legend_html(name, legend, line=True), toggle=words.legend).add_to(frame.map)
    return frame.finish()


def stop_popup_html(
    stop: Stop,
    *,
    n: int,
    day_label: str,
    site_url: str,
    leg: Leg | None,
    words: MapWords = CHINESE,
) -> str:
    """A stop's popup: name (linked to its page), order, schedule, visit length, lesson note and
    the leg to the next place; all escaped. The lesson note is the reader's version (`note` in
    Chinese, `note_en` in English); without one the popup says so rather than showing the
    other language."""
    shown, tag = stop_name(stop, words.lang)
    name = text(shown)
    title = (
        f'<a href="{text(site_url + quote(stop.slug, safe=""))}" target="_top" lang="{tag}">'
        f"{name}</a>"
        if stop.slug
        else f'<span lang="{tag}">{name}</span>'
    )
    times = ((words.arrive, stop.arrive), (words.start, stop.start), (words.leave, stop.leave))
    parts = [
        f'<div class="rr-popup"><h3>{title}</h3>',
        f'<p class="rr-meta">{text(day_label)} · {text(words.stop_n.format(n=n))}</p>',
        '<p class="rr-hours">' + " · ".join(f"{text(lbl)} {hhmm(t)}" for lbl, t in times) + "</p>",
    ]
    if stop.minutes > 0:
        parts.append(f"<p>{text(words.visit.format(minutes=stop.minutes))}</p>")
    mine, other = (stop.note_en, stop.note) if words.lang == "en" else (stop.note, stop.note_en)
    if mine:
        tag = "en" if words.lang == "en" else "zh-CN"
        parts.append(f'<p class="rr-story" lang="{tag}">{text(mine)}</p>')
    elif other:
        parts.append(f'<p class="rr-story rr-missing">{text(words.no_translation)}</p>')
    if leg is not None and (leg.minutes or leg.metres):
        bits = words.next_leg.format(minutes=f"{leg.minutes:.0f}", km=f"{leg.metres / 1000:.1f}")
        parts.append(f'<p class="rr-meta">{text(bits)}</p>')
    return "".join(parts) + "</div>"


def _stop_marker(
    frame: MapFrame,
    stop: Stop,
    *,
    n: int,
    day_label: str,
    colour: str,
    leg: Leg | None,
    words: MapWords,
) -> folium.Marker:
    icon = folium.DivIcon(
        html=f'<span style="background:{colour}">{n}</span>',
        class_name="rr-pin rr-stop",
        icon_size=(26, 26),
        icon_anchor=(13, 13),
    )
    marker = folium.Marker(frame.point(stop.lon, stop.lat), icon=icon)
    SafePopup(
        stop_popup_html(
            stop,
            n=n,
            day_label=day_label,
            site_url=frame.settings.site_url,
            leg=leg,
            words=words,
        )
    ).add_to(marker)
    shown, tag = stop_name(stop, words.lang)
    SafeTooltip(shown, lang=_foreign(tag, words.lang), prefix=f"{n}. ").add_to(marker)
    return marker


def _ends(frame: MapFrame, itinerary: Itinerary, words: MapWords) -> folium.FeatureGroup | None:
    """Start and end markers: the itinerary's own points, else rings around the first and last stops."""
    all_points = [p for day in itinerary.days for p in day_waypoints(itinerary, day)]
    if not all_points:
        return None
    group = folium.FeatureGroup(name=text(words.ends), overlay=True, control=True)
    for point, label, colour in (
        (all_points[0], words.start_point, "#1e8449"),
        (all_points[-1], words.end_point, "#222222"),
    ):
        ring = folium.CircleMarker(
            frame.point(point.lon, point.lat), radius=17, color=colour, weight=4, fill=False
        )
        if point.stop is not None:
            name, tag = stop_name(point.stop, words.lang)
            SafeTooltip(
                name, lang=_foreign(tag, words.lang), prefix=f"{label}{words.colon}"
            ).add_to(ring)
        else:
            SafeTooltip(f"{label}{words.colon}{point.name}" if point.name else label).add_to(ring)
        ring.add_to(group)
    return group


def _foreign(tag: str, lang: str) -> str | None:
    """`tag` when a name in that language differs from the page's `lang`, else None."""
    return None if tag.split("-")[0] == lang else tag


def _next_legs(points: Sequence[Waypoint], legs: Sequence[Leg]) -> list[Leg | None]:
    """The leg leaving each waypoint, when the legs join the waypoints one to one."""
    if len(legs) != len(points) - 1:
        return [None] * len(points)
    return [*legs, None]


def _geometry(leg: Leg) -> list[tuple[float, float]] | None:
    if len(leg.geometry) < 2:
        return None
    return [(float(lon), float(lat)) for lon, lat in leg.geometry]


def _place(place: Place) -> Waypoint:
    return Waypoint(place.lon, place.lat, name=place.name)


def _box(frame: MapFrame, points: Sequence[tuple[float, float]]) -> list[list[float]]:
    projected = [frame.point(lon, lat) for lon, lat in points]
    return [
        [min(p[0] for p in projected), min(p[1] for p in projected)],
        [max(p[0] for p in projected), max(p[1] for p in projected)],
    ]
