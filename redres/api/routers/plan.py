"""`POST /api/plan`: a plan request in, the itinerary of DESIGN.md out (published sites only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from redres.api.deps import SessionDep, VisibleDep
from redres.api.i18n import translator
from redres.catalog.holidays_cn import calendar_with_dir
from redres.catalog.hours import Interval
from redres.routes.candidates import plan_catalog, stops_from_slugs
from redres.routes.curated import schedule_curated
from redres.routes.errors import InvalidPlanRequest
from redres.routes.export import MEDIA_TYPES, export
from redres.routes.handout import render_handout
from redres.routes.model import Itinerary, Place, PlanRequest
from redres.routes.planner import PlannerParams
from redres.routes.solver import SolveParams

router = APIRouter(prefix="/api/plan", tags=["plan"])

FormatQuery = Annotated[
    Literal["json", "gpx", "kml", "geojson", "ics", "html"],
    Query(description="json (default) or a file format"),
]

Slug = Annotated[str, Field(min_length=1, max_length=120)]


class PointIn(BaseModel):
    """A start or end point in WGS-84."""

    model_config = ConfigDict(extra="forbid")
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    name: str = Field(default="", max_length=200)


class SiteRefIn(BaseModel):
    """A start or end given as a site slug."""

    model_config = ConfigDict(extra="forbid")
    site: Slug


class PlanIn(BaseModel):
    """The plan request of DESIGN.md; `end` defaults to `start`."""

    model_config = ConfigDict(extra="forbid")
    themes: dict[Slug, Annotated[float, Field(gt=0, le=1000)]] = Field(min_length=1)
    date: dt.date
    days: int = Field(default=1, ge=1, le=7)
    start: PointIn | SiteRefIn | None = None
    end: PointIn | SiteRefIn | None = None
    mode: Literal["walk", "bike", "bus", "coach", "drive"] = "walk"
    group_size: int = Field(default=1, ge=1, le=10_000)
    window: str = "08:30-17:30"
    lunch: str | None = None
    must: list[Slug] = Field(default_factory=list, max_length=50)
    exclude: list[Slug] = Field(default_factory=list, max_length=500)
    max_stops: int | None = Field(default=None, ge=1, le=50)
    unknown_hours: Literal["assume", "omit"] = "assume"
    time_limit: float = Field(default=1.0, gt=0, le=10)
    seed: int = Field(default=0, ge=0)

    @field_validator("window", "lunch")
    @classmethod
    def _time_range(cls, value: str | None) -> str | None:
        if value is not None:
            Interval.parse(value)  # its OpeningHoursError is a ValueError: a 422 with the reason
        return value

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
        )


class CheckIn(BaseModel):
    """Stops arranged by hand (site slugs per day) to be timed and checked for a date."""

    model_config = ConfigDict(extra="forbid")
    date: dt.date
    stops: list[Annotated[list[Slug], Field(min_length=1, max_length=30)]] = Field(
        min_length=1, max_length=7
    )
    start: PointIn | None = None
    mode: Literal["walk", "bike", "bus", "coach", "drive"] = "walk"
    window: str = "08:30-17:30"
    lunch: str | None = None
    reorder: bool = False

    @field_validator("window", "lunch")
    @classmethod
    def _time_range(cls, value: str | None) -> str | None:
        if value is not None:
            Interval.parse(value)
        return value


@router.post("", response_model=None)
def post_plan(
    body: PlanIn,
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    format: FormatQuery = "json",
) -> dict[str, Any] | Response:
    """Plan a study route; every candidate left out comes back with its reason.

    ``?format=gpx|kml|geojson|ics|html`` answers with that file instead of the JSON.
    """
    settings = request.app.state.settings
    params = PlannerParams(solve=SolveParams(time_limit=body.time_limit, seed=body.seed))
    itinerary = plan_catalog(
        session,
        body.to_request(),
        calendar=calendar_with_dir(settings.holiday_dir),
        params=params,
        visible=visible,
    )
    return _answer(itinerary, format, extra={})


@router.post("/check", response_model=None)
def check_stops(
    body: CheckIn,
    request: Request,
    session: SessionDep,
    visible: VisibleDep,
    format: FormatQuery = "json",
) -> dict[str, Any] | Response:
    """Time stops arranged by hand and report what breaks (closed, last entry, window)."""
    stops = stops_from_slugs(session, body.stops, visible=visible)
    window = Interval.parse(body.window)
    lunch = Interval.parse(body.lunch) if body.lunch else None
    if lunch is not None and not window.start <= lunch.start < lunch.end <= window.end:
        msg = f"lunch {lunch} must lie inside the window {window}"
        raise InvalidPlanRequest(msg)
    done = schedule_curated(
        stops,
        date=body.date,
        calendar=calendar_with_dir(request.app.state.settings.holiday_dir),
        mode=body.mode,
        window=window,
        lunch=lunch,
        start=None if body.start is None else Place(body.start.lon, body.start.lat, "start"),
        reorder=body.reorder,
    )
    extra = {"feasible": done.feasible, "violations": [v.to_dict() for v in done.violations]}
    return _answer(done.itinerary, format, extra=extra)


def _answer(itinerary: Itinerary, fmt: str, *, extra: dict[str, Any]) -> dict[str, Any] | Response:
    if fmt == "json":
        return itinerary.to_dict() | extra
    body = (
        render_handout(itinerary, translate=translator("zh"))
        if fmt == "html"
        else export(itinerary, fmt)
    )
    return Response(body, media_type=MEDIA_TYPES[fmt])


def _place(ref: PointIn | SiteRefIn | None) -> Place | str | None:
    if ref is None:
        return None
    if isinstance(ref, SiteRefIn):
        return ref.site
    return Place(ref.lon, ref.lat, ref.name)
