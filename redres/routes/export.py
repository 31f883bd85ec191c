"""Itineraries as GPX, KML, GeoJSON and iCalendar, written by hand so every byte is ours.

User strings (site names, addresses, notes) may hold anything, ``<``, ``&``, newlines, commas,
so each format escapes them its own way: XML character escaping plus removal of characters XML
1.0 forbids; RFC 5545 text escaping (``\\`` ``;`` ``,`` and newlines) with line folding at 75
octets for iCalendar. Times are local China time (Asia/Shanghai, UTC+8, no daylight saving).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from typing import Any

from redres.routes.answer import DayPlan, Itinerary, Stop, hhmm

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMATS = ("gpx", "kml", "geojson", "ics")
MEDIA_TYPES = {
    "gpx": "application/gpx+xml",
    "kml": "application/vnd.google-earth.kml+xml",
    "geojson": "application/geo+json",
    "ics": "text/calendar; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def to_gpx(itinerary: Itinerary) -> str:
    """GPX 1.1: a waypoint per stop, a route per day through its stops, a track of the legs."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx version="1.1" creator="redres" xmlns="http://www.topografix.com/GPX/1/1">',
        f"  <metadata><name>{xml(itinerary.name or 'redres route')}</name></metadata>",
    ]
    for d, day in enumerate(itinerary.days, 1):
        for n, stop in enumerate(day.stops, 1):
            out.append(
                f'  <wpt lat="{stop.lat:.7f}" lon="{stop.lon:.7f}">'
                f"<name>{xml(f'D{d}.{n} {stop.name}')}</name>"
                f"<desc>{xml(_when(day, stop))}</desc></wpt>"
            )
    for d, day in enumerate(itinerary.days, 1):
        out.append(f"  <rte><name>{xml(f'Day {d} {day.date}')}</name>")
        out += [
            f'    <rtept lat="{s.lat:.7f}" lon="{s.lon:.7f}"><name>{xml(s.name)}</name></rtept>'
            for s in day.stops
        ]
        out.append("  </rte>")
    for d, day in enumerate(itinerary.days, 1):
        if not day.legs:
            continue
        out.append(f"  <trk><name>{xml(f'Day {d} legs')}</name>")
        for leg in day.legs:
            points = "".join(f'<trkpt lat="{y:.7f}" lon="{x:.7f}"/>' for x, y in leg.geometry)
            out.append(f"    <trkseg>{points}</trkseg>")
        out.append("  </trk>")
    out.append("</gpx>")
    return "\n".join(out) + "\n"


def to_kml(itinerary: Itinerary) -> str:
    """KML 2.2: a placemark per stop and a line per day along its legs."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        f"<name>{xml(itinerary.name or 'redres route')}</name>",
    ]
    for d, day in enumerate(itinerary.days, 1):
        out.append(f"<Folder><name>{xml(f'Day {d} {day.date}')}</name>")
        for n, stop in enumerate(day.stops, 1):
            out.append(
                f"<Placemark><name>{xml(f'{n}. {stop.name}')}</name>"
                f"<description>{xml(_when(day, stop))}</description>"
                f"<Point><coordinates>{stop.lon:.7f},{stop.lat:.7f}</coordinates></Point>"
                "</Placemark>"
            )
        line = [p for leg in day.legs for p in leg.geometry]
        if len(line) >= 2:
            coords = " ".join(f"{x:.7f},{y:.7f}" for x, y in line)
            out.append(
                f"<Placemark><name>{xml(f'Day {d} route')}</name>"
                f"<LineString><coordinates>{coords}</coordinates></LineString></Placemark>"
            )
        out.append("</Folder>")
    out.append("</Document></kml>")
    return "\n".join(out) + "\n"


def to_geojson(itinerary: Itinerary) -> str:
    """A FeatureCollection: stop points and leg lines, with day, order and times."""
    features: list[dict[str, Any]] = []
    for d, day in enumerate(itinerary.days, 1):
        for n, stop in enumerate(day.stops, 1):
            props = stop.to_dict() | {"day": d, "date": day.date.isoformat(), "order": n}
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
                    "properties": props,
                }
            )
        for leg in day.legs:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [list(p) for p in leg.geometry],
                    },
                    "properties": {"kind": "leg", "day": d} | leg.to_dict() | {"geometry": None},
                }
            )
    body = {
        "type": "FeatureCollection",
        "name": itinerary.name,
        "score": round(itinerary.score, 4),
        "features": features,
    }
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def to_ics(itinerary: Itinerary, *, stamp: dt.datetime | None = None) -> str:
    """iCalendar: one VEVENT per stop in Asia/Shanghai time, with the site address."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//redres//study routes//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Shanghai",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0800",
        "TZOFFSETTO:+0800",
        "TZNAME:CST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for d, day in enumerate(itinerary.days, 1):
        for n, stop in enumerate(day.stops, 1):
            desc = "\n".join([_when(day, stop), *stop.warnings, *(s.title for s in stop.stories)])
            lines += [
                "BEGIN:VEVENT",
                f"UID:{day.date:%Y%m%d}-{d}-{n}-{stop.site_id}@redres",
                f"DTSTAMP:{stamp.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
                f"DTSTART;TZID=Asia/Shanghai:{_local(day.date, stop.start)}",
                f"DTEND;TZID=Asia/Shanghai:{_local(day.date, stop.leave)}",
                f"SUMMARY:{ics_text(stop.name)}",
                f"LOCATION:{ics_text(stop.address or stop.name)}",
                f"GEO:{stop.lat:.6f};{stop.lon:.6f}",
                f"DESCRIPTION:{ics_text(desc)}",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


WRITERS: dict[str, Callable[[Itinerary], str]] = {
    "gpx": to_gpx,
    "kml": to_kml,
    "geojson": to_geojson,
    "ics": to_ics,
}


def export(itinerary: Itinerary, fmt: str) -> str:
    """Render `itinerary` in `fmt` (gpx, kml, geojson or ics).

    Raises
    ------
    ValueError
        For another format name.
    """
    writer = WRITERS.get(fmt)
    if writer is None:
        msg = f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    return writer(itinerary)


def xml(text: str) -> str:
    """Escape text for XML content and attributes, dropping characters XML 1.0 forbids.

    Examples
    --------
    >>> xml('<a href="x">&\\x00</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    text = XML_INVALID.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def ics_text(text: str) -> str:
    r"""Escape a TEXT value of RFC 5545: backslash, semicolon, comma and newlines.

    Examples
    --------
    >>> ics_text("a,b;c\\d\r\ne")
    'a\\,b\\;c\\\\d\\ne'
    """
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return XML_INVALID.sub("", text)


def _fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _local(date: dt.date, minute: float) -> str:
    moment = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=round(minute))
    return f"{moment:%Y%m%dT%H%M%S}"


def _when(day: DayPlan, stop: Stop) -> str:
    return f"{day.date} {hhmm(stop.start)}-{hhmm(stop.leave)} (arrive {hhmm(stop.arrive)})"
