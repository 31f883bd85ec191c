"""What callers may send and get back for sites: validated at the edge, before any write."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any, Self

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from redres.catalog.enums import Category, Condition, Period, Protection, Reservation, Status
from redres.catalog.hours import parse_opening_hours
from redres.catalog.plain_text import PlainTextModel
from redres.messages import Message

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
SUMMARY_MAX_LENGTH = 2000
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SUMMARY_MAX_LENGTH)]
Slug = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=SLUG_RE.pattern, max_length=120)
]


class SiteFields(PlainTextModel):
    """Fields shared by create and update; every one optional so updates can be partial."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: Slug | None = None
    code: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None
    name_en: ShortText | None = None
    aliases: list[Name] | None = Field(default=None, max_length=50)
    period: Period | None = None
    years: Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{4})?$")] | None = None
    protection: Protection | None = None
    designations: list[ShortText] | None = Field(default=None, max_length=50)
    district: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    address: ShortText | None = None
    summary: Summary | None = None
    summary_en: Summary | None = None
    footprint: dict[str, Any] | None = None
    opening_hours: Annotated[str, StringConstraints(max_length=500)] | None = None
    hours_note: LongText | None = None
    last_entry_minutes: Annotated[int, Field(ge=0, le=600)] | None = None
    reservation: Reservation | None = None
    reservation_days: Annotated[int, Field(ge=0, le=365)] | None = None
    capacity: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    visit_minutes: Annotated[int, Field(ge=1, le=1440)] | None = None
    admission: ShortText | None = None
    accessibility: Annotated[str, StringConstraints(max_length=500)] | None = None
    contact: ShortText | None = None
    condition: Condition | None = None
    survey_date: date | None = None
    surveyor: Annotated[str, StringConstraints(max_length=100)] | None = None
    ownership: Annotated[str, StringConstraints(max_length=200)] | None = None
    parent_id: int | None = None

    @field_validator("opening_hours")
    @classmethod
    def _hours_parse(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_opening_hours(value)  # raises OpeningHoursError (a ValueError) naming the bad part
        return value.strip()

    @field_validator("footprint")
    @classmethod
    def _footprint_is_geojson(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        from shapely.geometry import shape

        try:
            geom = shape(value)
        except Exception as exc:  # shapely raises several types for malformed GeoJSON
            msg = f"footprint is not a GeoJSON geometry: {exc}"
            raise ValueError(msg) from exc
        if geom.geom_type not in ("Polygon", "MultiPolygon") or not geom.is_valid:
            msg = "footprint must be a valid Polygon or MultiPolygon"
            raise ValueError(msg)
        return value


def _check_lon_lat(lon: float | None, lat: float | None) -> None:
    if (lon is None) != (lat is None):
        raise ValueError(Message("e_lon_lat_together"))
    if lon is not None and lat is not None:
        if not (math.isfinite(lon) and -180 <= lon <= 180):
            raise ValueError(Message("e_lon_range", lon=lon))
        if not (math.isfinite(lat) and -90 <= lat <= 90):
            raise ValueError(Message("e_lat_range", lat=lat))


class SiteCreate(SiteFields):
    """A new site: name and category are required; a location is optional (a survey gap)."""

    name: Name
    category: Category
    lon: float | None = None
    lat: float | None = None
    status: Status = Status.draft
    themes: dict[Slug, Annotated[float, Field(gt=0, le=1)]] | None = None

    @model_validator(mode="after")
    def _location(self) -> Self:
        _check_lon_lat(self.lon, self.lat)
        return self


class SiteUpdate(SiteFields):
    """A partial change: only the fields sent are touched; null clears an optional field."""

    name: Name | None = None
    category: Category | None = None
    lon: float | None = None
    lat: float | None = None
    themes: dict[Slug, Annotated[float, Field(gt=0, le=1)]] | None = None

    @model_validator(mode="after")
    def _location(self) -> Self:
        sent = self.model_fields_set
        if "lon" in sent or "lat" in sent:
            if not ("lon" in sent and "lat" in sent):
                raise ValueError(Message("e_lon_lat_together"))
            _check_lon_lat(self.lon, self.lat)
        for required in ("name", "category"):
            if required in sent and getattr(self, required) is None:
                msg = f"{required} cannot be cleared"
                raise ValueError(msg)
        return self
