"""Bulk validation: one file row in, a `SiteCreate` or the list of everything wrong with it out.

Rows are checked with the same `SiteCreate` schema the API uses, so an import can accept nothing
the registry would refuse one by one. Errors are collected, not raised (a report lists every bad
row), and each names the row as the user sees it, the column header they wrote, and the value.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from redres.catalog.enums import Category, Condition, Period, Protection, Reservation, Status
from redres.catalog.io.citations import SourceRef, parse_sources
from redres.catalog.io.fields import (
    INT_FIELDS,
    LIST_FIELDS,
    decode_list,
    decode_themes,
    encode_list,
)
from redres.catalog.io.vocab import lookup, normalise_term
from redres.catalog.schemas import SiteCreate
from redres.geo import out_of_china, parse_angle, to_wgs84
from redres.messages import Message

_ENUMS: dict[str, type[Any]] = {
    "category": Category,
    "period": Period,
    "protection": Protection,
    "reservation": Reservation,
    "condition": Condition,
}
_DURATION = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(分钟|分|min|mins|minutes|m|小时|h|hours?|天|days?|人|人次|人/次)?\s*$",
    re.I,
)
_ZH_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")
_DAYS_AHEAD = re.compile(r"提前\s*(\d+)\s*(?:天|日)")
_PRESENT: dict[frozenset[str], frozenset[str]] = {}
"""One shared set per distinct column layout, instead of one per row of a 100,000-row file."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One thing wrong with one row: where it is in the file, what it holds, and why it fails."""

    row: int
    column: str | None
    value: Any
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason} (value {self.value!r})"


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row as a reader found it: values by header, plus a point or footprint from geometry."""

    number: int
    values: Mapping[str, Any]
    point: tuple[float, float] | None = None
    footprint: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RowContext:
    """What parsing a row needs to know about its file and the registry."""

    columns: Mapping[str, str]
    """Original header -> field, from `fields.map_headers`."""
    crs: str = "wgs84"
    """The normalised CRS the coordinates are in (see `geo.normalise_crs`)."""
    themes: Mapping[str, str] = field(default_factory=dict)
    """Normalised theme slug, Chinese or English name -> slug."""
    status: Status = Status.draft
    memo: dict[tuple[str, type, Any], Any] = field(default_factory=dict, compare=False, repr=False)
    """Conversions already made in this file (see `_convert_memo`)."""


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """A valid row: the site to create, its parent reference, and which fields the file gave."""

    number: int
    site: SiteCreate
    parent: str | None
    present: frozenset[str]
    sources: tuple[SourceRef, ...] = ()
    """The sources its 来源 cell names (`citations.parse_sources`); empty when none."""


def parse_row(raw: RawRow, ctx: RowContext) -> ParsedRow | list[RowError]:
    """Check one row completely; every problem is reported, not just the first."""
    errors: list[RowError] = []
    header_of: dict[str, str] = {}
    data: dict[str, Any] = {}
    parent: str | None = None
    sources: tuple[SourceRef, ...] = ()
    filled: set[str] = set()
    values = raw.values
    for header, name in ctx.columns.items():
        value = values.get(header)
        blank = _blank(value)
        if name in filled or (blank and name in header_of):
            continue  # two headers for one field (类别 and category): the first filled one wins
        header_of[name] = header
        if blank:
            if name in ("lon", "lat"):
                data[name] = None
            continue
        filled.add(name)
        if name == "status":
            continue
        try:
            converted = _convert_memo(name, value, ctx)
        except ValueError as exc:
            errors.append(RowError(raw.number, header, _shown(value), str(exc)))
            continue
        if name == "parent":
            parent = converted
        elif name == "sources":
            sources = tuple(converted or ())
        elif converted is not None or name in ("lon", "lat"):
            data[name] = converted
        if name == "reservation" and isinstance(value, str):
            days = _DAYS_AHEAD.search(value)
            if days and "reservation_days" not in ctx.columns.values():
                data["reservation_days"] = int(days.group(1))
    present = _columns_present(ctx)
    if raw.footprint is not None and data.get("footprint") is None:
        data["footprint"] = raw.footprint
        present |= {"footprint"}
    errors.extend(_locate(raw, data, header_of, ctx))
    if "lon" in data or "lat" in data or raw.point is not None:
        present |= {"lon", "lat"}
    data["status"] = ctx.status
    if errors:
        # still run the schema so the report shows every problem of the row at once
        data = {k: v for k, v in data.items() if k not in {e_field(e, ctx) for e in errors}}
    try:
        site = SiteCreate.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else ""
            if (
                name in ("name", "category")
                and name not in data
                and any(e_field(e, ctx) == name for e in errors)
            ):
                continue  # already reported with the value the user wrote
            column: str | None = header_of.get(name, name or None)
            shown = (
                _shown(raw.values.get(column))
                if column and column in raw.values
                else data.get(name)
            )
            reason = str(err["msg"]).removeprefix("Value error, ")
            cause = (err.get("ctx") or {}).get("error")
            if cause is not None and cause.args and isinstance(cause.args[0], Message):
                reason = cause.args[0]  # the same sentence, which pages can translate
            if name in ("name", "category") and err["type"] == "missing":
                reason = f"{name} is required"
            errors.append(RowError(raw.number, column, shown, reason))
        return errors
    if errors:
        return errors
    return ParsedRow(raw.number, site, parent, _PRESENT.setdefault(present, present), sources)


_PRESENT_KEY = ("", type(None), None)
"""The memo entry of the file's column fields (no cell conversion has an empty field name)."""


def _columns_present(ctx: RowContext) -> frozenset[str]:
    """The fields the file's columns name (made once per file, not once per row)."""
    found = ctx.memo.get(_PRESENT_KEY)
    if found is None:
        found = ctx.memo[_PRESENT_KEY] = frozenset(ctx.columns.values())
    return found


def e_field(error: RowError, ctx: RowContext) -> str | None:
    """The registry field of an error's column (None for row-level errors)."""
    return ctx.columns.get(error.column or "")


def theme_lookup(themes: Mapping[str, tuple[str | None, str | None]]) -> dict[str, str]:
    """Theme slug -> (name, name_en) as a lookup from any of the three to the slug."""
    out: dict[str, str] = {}
    for slug, (name, name_en) in themes.items():
        for key in (name_en, name, slug):
            if key:
                out[normalise_term(key)] = slug
    return out


_MEMO_FIELDS = frozenset(
    {
        *_ENUMS,
        *INT_FIELDS,
        "survey_date",
        "district",
        "years",
        "opening_hours",
        "hours_note",
        "admission",
        "accessibility",
        "ownership",
        "surveyor",
        "contact",
    }
)
"""Fields whose values repeat down a registry (categories, hours, units) and convert to
immutable values: each distinct value is converted once per file."""
MEMO_SIZE = 100_000


class _Failed(str):
    """A memoised conversion error (its message)."""


def _convert_memo(name: str, value: Any, ctx: RowContext) -> Any:
    """`_convert`, remembered per file for the fields of `_MEMO_FIELDS` (a pure function of the
    value there); a 100,000-row sheet repeats a few dozen categories, periods and durations."""
    kind = type(value)
    if name not in _MEMO_FIELDS or kind not in (str, int, float):
        return _convert(name, value, ctx)
    key = (name, kind, value)
    hit = ctx.memo.get(key, ctx)
    if hit is ctx:
        try:
            hit = _convert(name, value, ctx)
        except ValueError as exc:
            hit = _Failed(str(exc))
        if len(ctx.memo) < MEMO_SIZE:
            ctx.memo[key] = hit
    if isinstance(hit, _Failed):
        raise ValueError(str(hit))
    return hit


def _convert(name: str, value: Any, ctx: RowContext) -> Any:
    if _blank(value):
        return None
    if name in LIST_FIELDS:
        if isinstance(value, list | tuple):
            return [_text(v) for v in value if not _blank(v)]
        return decode_list(_text(value))
    if name == "reservation" and _DAYS_AHEAD.search(_text(value)):
        # "需提前3天预约": required (or recommended), with the days taken in parse_row
        return Reservation.recommended if "建议" in _text(value) else Reservation.required
    if name in _ENUMS:
        return lookup(_ENUMS[name], _text(value))
    if name in INT_FIELDS:
        return _integer(name, value)
    if name in ("lon", "lat"):
        return value if isinstance(value, int | float) else _text(value)
    if name == "survey_date":
        return _date(value)
    if name == "sources":
        if isinstance(value, list | tuple):
            value = encode_list(_text(v) for v in value if not _blank(v)) or ""
        return parse_sources(_text(value))
    if name == "themes":
        if isinstance(value, dict):
            value = ";".join(f"{k}={v}" for k, v in value.items())
        return _themes(_text(value), ctx)
    if name == "closures" and isinstance(value, list | tuple):
        return list(value)  # GeoJSON may carry them structured; text is read by the schema
    if name == "footprint":
        if isinstance(value, dict):
            return value
        try:
            parsed = json.loads(_text(value))
        except json.JSONDecodeError:
            msg = "footprint is not GeoJSON text"
            raise ValueError(msg) from None
        if not isinstance(parsed, dict):
            msg = "footprint is not a GeoJSON geometry object"
            raise ValueError(msg)
        return parsed
    return _text(value)


def _locate(
    raw: RawRow, data: dict[str, Any], header_of: Mapping[str, str], ctx: RowContext
) -> list[RowError]:
    """Parse, convert and sanity-check the location into data['lon'], data['lat']."""
    lon_raw, lat_raw = data.pop("lon", None), data.pop("lat", None)
    lon_h, lat_h = header_of.get("lon"), header_of.get("lat")
    if lon_raw is None and lat_raw is None:
        if raw.point is None:
            return []
        lon, lat = raw.point
        lon_h = lat_h = None
        shown: Any = f"{lon}, {lat}"
    else:
        errors: list[RowError] = []
        if (lon_raw is None) != (lat_raw is None):
            missing, header = ("lat", lat_h) if lat_raw is None else ("lon", lon_h)
            given = lon_raw if lat_raw is None else lat_raw
            reason = f"{missing} is missing while the other coordinate is given"
            return [RowError(raw.number, header or missing, given, reason)]
        lon_v = _angle(raw.number, lon_h, lon_raw, "lon", errors)
        lat_v = _angle(raw.number, lat_h, lat_raw, "lat", errors)
        if errors or lon_v is None or lat_v is None:
            return errors
        lon, lat = lon_v, lat_v
        shown = f"{lon_raw}, {lat_raw}"
    column = f"{lon_h}/{lat_h}" if lon_h and lat_h else "geometry"
    if ctx.crs in ("wgs84", "gcj02", "bd09") and _swapped(lon, lat):
        reason = "longitude and latitude look swapped (the point lies in China the other way round)"
        return [RowError(raw.number, column, shown, reason)]
    try:
        point = to_wgs84(lon, lat, ctx.crs)
    except ValueError as exc:
        return [RowError(raw.number, column, shown, str(exc))]
    wlon, wlat = point.lon, point.lat
    if not (math.isfinite(wlon) and math.isfinite(wlat)):
        return [RowError(raw.number, column, shown, f"not a point in {ctx.crs}")]
    if ctx.crs != "wgs84":
        wlon, wlat = round(wlon, 7), round(wlat, 7)
    if _swapped(wlon, wlat):
        reason = "longitude and latitude look swapped (the point lies in China the other way round)"
        return [RowError(raw.number, column, shown, reason)]
    if out_of_china(wlon, wlat):
        return [RowError(raw.number, column, shown, "point is outside China")]
    data["lon"], data["lat"] = wlon, wlat
    return []


def _angle(
    row: int, header: str | None, value: Any, axis: str, errors: list[RowError]
) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        angle = parse_angle(str(value))
    except ValueError as exc:
        errors.append(RowError(row, header or axis, value, str(exc)))
        return None
    if angle.axis is not None and angle.axis != axis:
        reason = f"a {angle.axis} value in the {axis} column: longitude and latitude look swapped"
        errors.append(RowError(row, header or axis, value, reason))
        return None
    return angle.degrees


def _swapped(lon: float, lat: float) -> bool:
    return out_of_china(lon, lat) and not out_of_china(lat, lon)


def _integer(name: str, value: Any) -> int:
    if isinstance(value, bool):
        msg = f"{name} must be a whole number, not {value!r}"
        raise ValueError(msg)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        msg = f"{name} must be a whole number, not {value!r}"
        raise ValueError(msg)
    m = _DURATION.match(str(value))
    if m is None:
        msg = f"{name} must be a whole number, not {value!r}"
        raise ValueError(msg)
    number = float(m.group(1))
    unit = (m.group(2) or "").lower()
    if unit in ("小时", "h", "hour", "hours"):
        number *= 60
    if not number.is_integer():
        msg = f"{name} must be a whole number, not {value!r}"
        raise ValueError(msg)
    return int(number)


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    m = _ZH_DATE.match(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    msg = f"survey_date {text!r} is not a date (YYYY-MM-DD)"
    raise ValueError(msg)


def _themes(text: str, ctx: RowContext) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, weight in decode_themes(text).items():
        slug = ctx.themes.get(normalise_term(key))
        if slug is None:
            msg = f"unknown theme {key!r}"
            raise ValueError(msg)
        out[slug] = weight
    return out


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and math.isnan(value)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:].strip()  # the guard export puts on formula-like cells
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _shown(value: Any) -> Any:
    return None if _blank(value) else value
