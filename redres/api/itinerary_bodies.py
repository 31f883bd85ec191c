"""The itinerary JSON of DESIGN.md (`POST /api/plan`, `/api/plan/check`, a route's schedule) as
pydantic models for /openapi.json.

`routes.answer.Itinerary.to_dict` builds the answer (the CLI prints the same); these models
document it. The endpoints answer JSON or a file by `format`, so they name the model in their
documented responses rather than filter through it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from redres.routes.answer import Reason
from redres.routes.curated import ViolationKind


class PlaceBody(BaseModel):
    """Where the days start or end: the point itself, its name, and the site's slug if a site."""

    lon: float
    lat: float
    name: str
    slug: str | None = None


class LegBody(BaseModel):
    """One leg between two places of a day, with its line as `[lon, lat]` pairs."""

    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    minutes: float
    metres: int
    geometry: list[list[float]]


class EventBody(BaseModel):
    """The earliest dated event a stop's site is tied to (date YYYY[-MM[-DD]])."""

    name: str
    name_en: str | None
    date: str
    slug: str


class StopBody(BaseModel):
    """One visit, times as `HH:MM`; `note` is an editor's lesson note on a curated route,
    `note_en` its English version where one was written."""

    site_id: int
    slug: str
    name: str
    name_en: str | None
    lon: float
    lat: float
    arrive: str
    start: str
    leave: str
    visit_minutes: int
    score: float
    address: str | None
    warnings: list[str]
    note: str | None
    note_en: str | None = None
    ticket_price: float | None = Field(description="CNY per person; 0 free; null not recorded")
    event: EventBody | None


class LunchBody(BaseModel):
    """The lunch break of a day and where the group is (a site slug, start or end)."""

    start: str
    end: str
    at: str


class DayBody(BaseModel):
    """One day: departure and return, its stops in order, the legs between, the lunch break."""

    date: str
    depart: str
    back: str
    score: float
    stops: list[StopBody]
    legs: list[LegBody]
    lunch: LunchBody | None


class OmissionBody(BaseModel):
    """A site left out, with the contract's reason code, a sentence, and a finer cause."""

    site_id: int
    slug: str
    name: str
    name_en: str | None = None
    reason: Reason
    detail: str
    cause: str | None = None
    capacity: int | None = Field(
        default=None, description="with reason capacity: the largest group the site takes"
    )


class TicketsBody(BaseModel):
    """Ticket totals in CNY; `unpriced` stops have no recorded price (counted as 0)."""

    per_person: float
    group: float
    group_size: int
    budget: float | None
    unpriced: list[str]


class OrderBreakBody(BaseModel):
    """Two stops against historical order: `later` (the later event) is visited first."""

    earlier: str
    later: str
    earlier_event: EventBody
    later_event: EventBody
    cause: str = Field(description="days, hours or tradeoff")
    detail: str


class ChronologyBody(BaseModel):
    """Where the plan broke historical order (asked with `chronological`)."""

    broken: list[OrderBreakBody]


class ItineraryBody(BaseModel):
    """A planned or timed route: days, what was left out and why, warnings for the teacher."""

    name: str
    mode: str
    score: float
    days: list[DayBody]
    omitted: list[OmissionBody]
    warnings: list[str]
    start: PlaceBody | None
    end: PlaceBody | None
    tickets: TicketsBody
    chronology: ChronologyBody | None


class ViolationBody(BaseModel):
    """What breaks at a stop of an arranged route (closed, after last entry, ...)."""

    slug: str
    day: int
    kind: ViolationKind
    detail: str


class ScheduleBody(ItineraryBody):
    """Stops as arranged, timed, with every violation; `feasible` when there are none."""

    feasible: bool
    violations: list[ViolationBody]
