"""What a client may send to create or change a study route, validated before anything is written.

Texts come in Chinese (`description`, a stop's `note`) and, where someone wrote one, English
(`description_en`, `note_en`); a page shows the reader's language or says it is missing.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Discriminator, Field, StringConstraints, Tag

from redres.catalog.enums import TravelMode
from redres.plain_text import PlainTextModel

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,119}$")]
Description = Annotated[str, StringConstraints(max_length=2000)]
StopText = tuple[str, str | None, str | None]
"""A stop as the route store takes it: the site's slug, its note and the note in English."""
MAX_DAYS = 14
MAX_STOPS_PER_DAY = 30


class RouteStopIn(PlainTextModel):
    """One stop: the site's slug and an optional lesson note for it."""

    model_config = ConfigDict(extra="forbid")

    site: Slug
    note: Annotated[str, StringConstraints(max_length=1000)] | None = None
    note_en: Annotated[str, StringConstraints(max_length=1000)] | None = None
    """The note in English; pages in English show it, or say there is none yet."""


DayIn = Annotated[list[RouteStopIn], Field(min_length=1, max_length=MAX_STOPS_PER_DAY)]


NameEn = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
"""A route's English name, shown to English readers (pages, handouts); empty clears it."""


class RouteIn(PlainTextModel):
    """A new route: its name and its stops day by day; it starts as a draft."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "汉口大革命足迹半日行",
                    "name_en": "Hankou in 1927: a half-day walk",
                    "mode": "walk",
                    "theme": "great-revolution",
                    "description": "步行参观1927年的旧址。",
                    "description_en": "A walk past the sites of 1927.",
                    "days": [
                        [
                            {
                                "site": "august-7-conference-site",
                                "note": "讲八七会议",
                                "note_en": "Tell of the August 7 Conference",
                            }
                        ]
                    ],
                }
            ]
        },
    )

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    name_en: NameEn | None = None
    description: Description | None = None
    description_en: Description | None = None
    theme: Slug | None = None
    mode: TravelMode = TravelMode.walk
    days: Annotated[list[DayIn], Field(min_length=1, max_length=MAX_DAYS)]

    def stops(self) -> list[list[StopText]]:
        """The stops as the route store takes them: (site slug, note, note_en) per day."""
        return [[(s.site, s.note, s.note_en) for s in day] for day in self.days]


class RouteUpdate(PlainTextModel):
    """A change to a route: only the fields given change; `days` replaces all stops."""

    model_config = ConfigDict(extra="forbid")

    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    name_en: NameEn | None = None
    description: Description | None = None
    description_en: Description | None = None
    theme: Slug | None = None
    mode: TravelMode | None = None
    days: Annotated[list[DayIn], Field(min_length=1, max_length=MAX_DAYS)] | None = None

    def stops(self) -> list[list[StopText]]:
        """The new stops as the route store takes them (only when `days` is given)."""
        return [[(s.site, s.note, s.note_en) for s in day] for day in self.days or []]


class PlannedRouteIn(PlainTextModel):
    """A plan to save as a draft route: the plan request, and the itinerary it gave (optional;
    without one the plan is solved when saving). The route room validates both."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "国庆大革命现场教学",
                    "plan": {
                        "themes": {"great-revolution": 1},
                        "date": "2027-10-01",
                        "lunch": "12:00-13:00",
                        "start": {"name": "八七会议会址"},
                        "group_size": 30,
                    },
                }
            ]
        },
    )

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    name_en: NameEn | None = None
    description: Description | None = None
    description_en: Description | None = None
    theme: Slug | None = None
    plan: dict[str, Any]
    itinerary: dict[str, Any] | None = None


def _route_kind(value: Any) -> str:
    """A body with a `plan` saves a plan; any other is a route given stop by stop."""
    if isinstance(value, dict):
        return "planned" if "plan" in value else "stops-by-day"
    return "planned" if isinstance(value, PlannedRouteIn) else "stops-by-day"


NewRoute = Annotated[  # tags that are no field's name: an error's path shows which is which
    Annotated[RouteIn, Tag("stops-by-day")] | Annotated[PlannedRouteIn, Tag("planned")],
    Discriminator(_route_kind),
]
"""What `POST /api/routes` takes: stops day by day, or a plan (and its itinerary) to save."""
