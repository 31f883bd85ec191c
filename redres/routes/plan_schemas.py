"""A plan request as clients send it (API JSON, the planner pages' forms), validated in one place.

The API and the pages build these same models, so a value the API refuses is refused on the
page too, with the same reason. The rules that hold between fields (dates, lunch inside the
window, must versus exclude) are the domain's: `PlanRequest` and `dates_problem`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from redres.hours.opening import Interval
from redres.labels import LABELS
from redres.messages import Message
from redres.plain_text import PlainTextModel, reject_control_characters
from redres.routes.model import MAX_DAYS, KindCap, Place, PlanRequest, SiteName, dates_problem
from redres.routes.solver import MAX_SEED

Slug = Annotated[str, Field(min_length=1, max_length=120)]
Mode = Literal["walk", "bike", "bus", "coach", "drive"]
"""`redres.routes.model.MODES` as a type (tests/routes/test_plan_schemas.py keeps them equal)."""
TimeRange = Annotated[str, Field(max_length=20)]
MAX_THEMES = 100
MAX_STOPS_PER_DAY = 30
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_LON_LAT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")


class PointIn(PlainTextModel):
    """A start or end point in WGS-84."""

    model_config = ConfigDict(extra="forbid")
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    name: str = Field(default="", max_length=200)


class SiteRefIn(PlainTextModel):
    """A start or end given as a site slug."""

    model_config = ConfigDict(extra="forbid")
    site: Slug


class SiteNameIn(PlainTextModel):
    """A start or end given as a site's name, alias or pinyin (resolved against the catalogue)."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _place_kind(value: Any) -> str:
    """Which shape a start or end has, so a bad one is reported against that shape only."""
    if isinstance(value, dict):
        if "site" in value:
            return "site"
        return "name" if "lon" not in value and "lat" not in value and "name" in value else "point"
    if isinstance(value, SiteRefIn):
        return "site"
    return "name" if isinstance(value, SiteNameIn) else "point"


PlaceIn = Annotated[
    Annotated[PointIn, Tag("point")]
    | Annotated[SiteRefIn, Tag("site")]
    | Annotated[SiteNameIn, Tag("name")],
    Discriminator(_place_kind),
]


MAX_TICKET_BUDGET = 100_000
"""Most a ticket budget may be (CNY per person): far above any trip, a guard against typos."""
MAX_KIND_CAP = 50


class KindCapIn(PlainTextModel):
    """At most `per_day` stops of a site category a day and `per_trip` over the trip."""

    model_config = ConfigDict(extra="forbid")
    category: str = Field(max_length=40)
    per_trip: int | None = Field(default=None, ge=0, le=MAX_KIND_CAP)
    per_day: int | None = Field(default=None, ge=0, le=MAX_KIND_CAP)

    @field_validator("category")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in LABELS["category"]:
            known = ", ".join(LABELS["category"])
            raise ValueError(Message("e_kind_unknown", kind=value, known=known))
        return value

    @model_validator(mode="after")
    def _some_cap(self) -> Self:
        if self.per_trip is None and self.per_day is None:
            zh, en = LABELS["category"][self.category]
            raise ValueError(Message("e_kind_cap_empty", kind=zh, kind_en=en.lower()))
        return self


class PlanIn(PlainTextModel):
    """The plan request of DESIGN.md; `end` defaults to `start`.

    `time_limit` is what the caller asks for; the web app lowers it to what the caller may
    have (anonymous visitors get less than signed-in staff).
    """

    model_config = ConfigDict(extra="forbid")
    themes: dict[Slug, Annotated[float, Field(gt=0, le=1000)]] = Field(
        min_length=1, max_length=MAX_THEMES
    )
    date: dt.date
    days: int = Field(default=1, ge=1, le=MAX_DAYS)
    start: PlaceIn | None = None
    end: PlaceIn | None = None
    mode: Mode = "walk"
    group_size: int = Field(default=1, ge=1, le=10_000)
    window: TimeRange = "08:30-17:30"
    lunch: TimeRange | None = None
    must: list[Slug] = Field(default_factory=list, max_length=50)
    exclude: list[Slug] = Field(default_factory=list, max_length=500)
    max_stops: int | None = Field(default=None, ge=1, le=50)
    unknown_hours: Literal["assume", "omit"] = "assume"
    time_limit: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    ticket_budget: float | None = Field(
        default=None, ge=0, le=MAX_TICKET_BUDGET, allow_inf_nan=False
    )
    kind_caps: list[KindCapIn] = Field(default_factory=list, max_length=len(LABELS["category"]))
    chronological: bool = False

    @field_validator("kind_caps")
    @classmethod
    def _one_cap_per_kind(cls, value: list[KindCapIn]) -> list[KindCapIn]:
        seen: set[str] = set()
        for cap in value:
            if cap.category in seen:
                zh, en = LABELS["category"][cap.category]
                raise ValueError(Message("e_kind_cap_twice", kind=zh, kind_en=en.lower()))
            seen.add(cap.category)
        return value

    @field_validator("themes")
    @classmethod
    def _plain_slugs(cls, value: dict[str, float]) -> dict[str, float]:
        reject_control_characters(list(value))
        return value

    @field_validator("window", "lunch")
    @classmethod
    def _time_range(cls, value: str | None) -> str | None:
        return None if value is None else _checked_range(value)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        outside = dates_problem(self.date, self.days)
        if outside is not None:
            raise ValueError(outside)
        return self

    def to_request(self) -> PlanRequest:
        """The domain request (which validates the cross-field rules)."""
        return PlanRequest(
            themes=dict(self.themes),
            date=self.date,
            days=self.days,
            start=_place(self.start),
            end=_place(self.end),
            mode=self.mode,
            group_size=self.group_size,
            window=Interval.parse(self.window),
            lunch=Interval.parse(self.lunch) if self.lunch else None,
            must=tuple(self.must),
            exclude=tuple(self.exclude),
            max_stops=self.max_stops,
            unknown_hours=self.unknown_hours,
            ticket_budget=self.ticket_budget,
            kind_caps=tuple(KindCap(k.category, k.per_trip, k.per_day) for k in self.kind_caps),
            chronological=self.chronological,
        )


class CheckIn(PlainTextModel):
    """Stops arranged by hand (site slugs per day) to be timed and checked for a date."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    stops: list[Annotated[list[Slug], Field(min_length=1, max_length=MAX_STOPS_PER_DAY)]] = Field(
        min_length=1, max_length=MAX_DAYS
    )
    start: PointIn | None = None
    end: PointIn | None = None
    """Where each day ends; None ends it at its last stop (the planner page sends its plan's
    end, which is the start when the plan returns there, so a re-check times the way back)."""
    mode: Mode = "walk"
    window: TimeRange = "08:30-17:30"
    lunch: TimeRange | None = None
    reorder: bool = False

    @field_validator("stops")
    @classmethod
    def _plain_slugs(cls, value: list[list[str]]) -> list[list[str]]:
        reject_control_characters([slug for day in value for slug in day])
        return value

    @field_validator("window", "lunch")
    @classmethod
    def _time_range(cls, value: str | None) -> str | None:
        return None if value is None else _checked_range(value)

    @model_validator(mode="after")
    def _dates(self) -> Self:
        outside = dates_problem(self.date, len(self.stops))
        if outside is not None:
            raise ValueError(outside)
        window = Interval.parse(self.window)
        lunch = Interval.parse(self.lunch) if self.lunch else None
        if lunch is not None and not window.start <= lunch.start < lunch.end <= window.end:
            raise ValueError(Message("e_lunch_window", lunch=str(lunch), window=str(window)))
        return self


def place_from_text(raw: str | None) -> dict[str, Any] | None:
    """A start or end typed as text ("LON,LAT" or a site slug) as the request JSON has it.

    Examples
    --------
    >>> place_from_text("114.2944, 30.589")
    {'lon': 114.2944, 'lat': 30.589}
    >>> place_from_text(" august-7-conference-site ")
    {'site': 'august-7-conference-site'}
    >>> place_from_text("八七会议会址")
    {'name': '八七会议会址'}
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    found = _LON_LAT.fullmatch(raw)
    if found:
        return {"lon": float(found.group(1)), "lat": float(found.group(2))}
    return {"site": raw} if _SLUG.fullmatch(raw) else {"name": raw}


def _checked_range(value: str) -> str:
    try:
        Interval.parse(value)
    except ValueError as exc:
        raise ValueError(Message("e_time_range", value=value, reason=str(exc))) from None
    return value


def _place(ref: PointIn | SiteRefIn | SiteNameIn | None) -> Place | str | SiteName | None:
    if ref is None:
        return None
    if isinstance(ref, SiteRefIn):
        return ref.site
    if isinstance(ref, SiteNameIn):
        return SiteName(ref.name)
    return Place(ref.lon, ref.lat, ref.name)
