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
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from redres.catalog.enums import Category, Condition, Period, Protection, Reservation, Status
from redres.catalog.partial_dates import read_years
from redres.geo import normalise_crs
from redres.hours.closures import MAX_CLOSURES, Closure, closures_of, read_closures
from redres.hours.zh import read_opening_hours
from redres.messages import Message
from redres.plain_text import PlainTextModel

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
SUMMARY_MAX_LENGTH = 2000
MAX_TICKET_PRICE = 100_000
"""Most a ticket may cost (CNY per person): a typo guard, far above any red-heritage site."""
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
    years: Annotated[str, StringConstraints(max_length=100)] | None = None
    """Years of significance: ``1927``, ``1945-1949``, ``1920s`` or era words (``元、明``)."""
    protection: Protection | None = None
    designations: list[ShortText] | None = Field(default=None, max_length=50)
    district: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    address: ShortText | None = None
    summary: Summary | None = None
    summary_en: Summary | None = None
    footprint: dict[str, Any] | None = None
    point_source: ShortText | None = None
    point_crs: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None
    point_note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = (
        None
    )
    point_approximate: bool | None = None
    opening_hours: Annotated[str, StringConstraints(max_length=500)] | None = None
    hours_note: LongText | None = None
    hours_note_en: LongText | None = None
    closures: list[Closure] | None = Field(default=None, max_length=MAX_CLOSURES)
    """Temporary closures: a list of ``{start, end, note}`` or the text form (`hours.closures`)."""
    last_entry_minutes: Annotated[int, Field(ge=0, le=600)] | None = None
    reservation: Reservation | None = None
    reservation_days: Annotated[int, Field(ge=0, le=365)] | None = None
    capacity: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    visit_minutes: Annotated[int, Field(ge=1, le=1440)] | None = None
    ticket_price: Annotated[float, Field(ge=0, le=MAX_TICKET_PRICE, allow_inf_nan=False)] | None = (
        None
    )
    """Ticket price per person in CNY, 0 when free (`Site.ticket_price`)."""
    admission: ShortText | None = None
    accessibility: Annotated[str, StringConstraints(max_length=500)] | None = None
    contact: ShortText | None = None
    condition: Condition | None = None
    survey_date: date | None = None
    surveyor: Annotated[str, StringConstraints(max_length=100)] | None = None
    ownership: Annotated[str, StringConstraints(max_length=200)] | None = None
    parent_id: int | None = None

    @field_validator("slug", mode="before")
    @classmethod
    def _slug_form(cls, value: Any) -> Any:
        """A slug is an address: lower-case letters, digits and single hyphens, said plainly."""
        if isinstance(value, str) and value.strip() and not SLUG_RE.match(value.strip()):
            raise ValueError(Message("e_slug_format", value=value.strip()[:80]))
        return value

    @field_validator("opening_hours")
    @classmethod
    def _hours_parse(cls, value: str | None) -> str | None:
        """OSM syntax or the Chinese of notices, stored as the OSM rule (`hours.zh`)."""
        if value is None or not value.strip():
            return None
        read = read_opening_hours(value)  # an OpeningHoursError (a ValueError) names the bad part
        return _HoursText(read.rule, read.last_entry_minutes)

    @field_validator("last_entry_minutes")
    @classmethod
    def _last_entry_agrees(cls, value: int | None, info: ValidationInfo) -> int | None:
        """A last entry given beside hours that state another one is a contradiction."""
        said = getattr(info.data.get("opening_hours"), "last_entry", None)
        if value is not None and said is not None and value != said:
            raise ValueError(Message("hours_last_entry_conflict", said=said, given=value))
        return value

    @model_validator(mode="after")
    def _last_entry_from_hours(self) -> Self:
        """The last entry the hours state fills an empty last_entry_minutes (counted as sent)."""
        hours = self.opening_hours
        if isinstance(hours, _HoursText):
            self.opening_hours = str(hours)
            if hours.last_entry is not None and self.last_entry_minutes is None:
                self.last_entry_minutes = hours.last_entry
        return self

    @field_validator("closures", mode="before")
    @classmethod
    def _closures_text(cls, value: Any) -> Any:
        """The text form (a survey cell, the editor's box) is read into closures first."""
        if isinstance(value, str):
            return read_closures(value)
        return value

    @field_validator("closures")
    @classmethod
    def _closures_in_order(cls, value: list[Closure] | None) -> list[Closure] | None:
        """Kept by start date, so the same closures always store (and export) the same."""
        return None if value is None else list(closures_of(value))

    @field_serializer("closures")
    def _closures_json(self, value: list[Closure] | None) -> list[dict[str, Any]] | None:
        """Stored as JSON: ISO dates, the end null when open."""
        return None if value is None else [c.as_json() for c in value]

    @field_validator("years")
    @classmethod
    def _years_read(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return read_years(value)

    @field_validator("point_crs")
    @classmethod
    def _point_crs_known(cls, value: str | None) -> str | None:
        """One spelling per system (`wgs84`, `gcj02`, `bd09`, `EPSG:n`), refused if unknown."""
        return normalise_crs(value) if value else None

    @field_validator("footprint")
    @classmethod
    def _footprint_is_geojson(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        from shapely.geometry import shape

        try:
            geom = shape(value)
        except Exception as exc:  # shapely raises several types for malformed GeoJSON
            short_ring = "at least 4 coordinates" in str(exc)
            raise ValueError(
                Message("footprint_ring" if short_ring else "footprint_geojson")
            ) from exc
        if geom.geom_type not in ("Polygon", "MultiPolygon") or not geom.is_valid:
            raise ValueError(Message("footprint_polygon"))
        return value


class _HoursText(str):
    """The OSM rule read from the opening hours, carrying the last entry the text stated."""

    last_entry: int | None

    def __new__(cls, rule: str, last_entry: int | None) -> _HoursText:
        self = super().__new__(cls, rule)
        self.last_entry = last_entry
        return self


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
    point_approximate: bool = False
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
        for required in ("name", "category", "point_approximate"):
            if required in sent and getattr(self, required) is None:
                raise ValueError(Message("e_cleared", field=required))
        return self
