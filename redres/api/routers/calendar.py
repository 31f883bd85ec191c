"""The commemoration calendar as JSON and as an ICS feed for phone calendars."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from redres.api.deps import SessionDep
from redres.api.library_bodies import CalendarBody
from redres.catalog.commemorations import CalendarEntry, calendar_for
from redres.hours.china_time import CHINA_TIME

router = APIRouter(prefix="/api", tags=["calendar"])

YearQuery = Annotated[int | None, Query(ge=1950, le=2200, description="Default: this year")]
LangQuery = Annotated[str, Query(pattern="^(zh|en)$", description="zh (default) or en")]


@router.get("/calendar", response_model=CalendarBody, response_model_exclude_unset=True)
def read_calendar(session: SessionDep, year: YearQuery = None) -> dict[str, Any]:
    """Statutory commemorations and anniversaries of the registry's events and people."""
    year = year or dt.datetime.now(CHINA_TIME).date().year
    entries = calendar_for(session, year)
    return {"year": year, "entries": [_entry_dict(e) for e in entries]}


@router.get("/calendar.ics")
def read_calendar_ics(
    session: SessionDep, year: YearQuery = None, lang: LangQuery = "zh"
) -> Response:
    """The dated entries as all-day events (RFC 5545), named in `lang` where a name exists."""
    year = year or dt.datetime.now(CHINA_TIME).date().year
    entries = [e for e in calendar_for(session, year) if e.date is not None]
    return Response(_ics(entries, year, lang), media_type="text/calendar; charset=utf-8")


def _entry_dict(entry: CalendarEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat() if entry.date else None,
        "kind": entry.kind,
        "key": entry.key,
        "name": entry.name,
        "name_en": entry.name_en,
        "years": entry.years,
        "round": entry.round,
        "major": entry.major,
        "features": [
            {"kind": f.kind, "slug": f.slug, "name": f.name, "name_en": f.name_en}
            | ({"site": f.site} if f.site else {})
            for f in entry.features
        ],
    }


def _ics(entries: list[CalendarEntry], year: int, lang: str = "zh") -> str:
    en = lang == "en"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//redres//commemorations//{'EN' if en else 'ZH'}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(f'Commemorations {year}' if en else f'纪念日 {year}')}",
    ]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for entry in entries:
        assert entry.date is not None
        name = (entry.name_en or entry.name) if en else entry.name
        if entry.years is None:
            title = name
        else:
            title = f"{name} ({entry.years} years)" if en else f"{name}（{entry.years}周年）"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{entry.key.replace(':', '-')}-{entry.date.isoformat()}@redres",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{entry.date.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(entry.date + dt.timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_text(title)}",
        ]
        if entry.features:
            if en:
                places = ", ".join((f.name_en or f.name) for f in entry.features)
                lines.append(f"DESCRIPTION:{_text('Featured: ' + places)}")
            else:
                places = "、".join(f.name for f in entry.features)
                lines.append(f"DESCRIPTION:{_text('推荐：' + places)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold lines at 75 octets without splitting a UTF-8 character."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)
