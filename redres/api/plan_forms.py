"""The planner pages' forms, validated by the API's own request models, errors in the reader's words.

A form is kept as the text the reader typed (so it comes back filled in when something is
wrong) and turned into the JSON of a plan request; `PlanIn`, `CheckIn` and `RouteIn` then
decide exactly as they do for the API. `form_errors` says what failed in the page's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams

from redres.api.form_errors import form_errors as shared_form_errors
from redres.routes.plan_schemas import place_from_text

LABELS: Mapping[str, str] = {
    "themes": "themes",
    "date": "date",
    "days": "days_count",
    "start": "start_point",
    "mode": "mode",
    "group_size": "group_size",
    "window": "window",
    "lunch": "lunch",
    "must": "form_field_must",
    "exclude": "form_field_exclude",
    "max_stops": "form_field_max_stops",
    "stops": "form_field_stops",
    "name": "route_name",
    "ticket_budget": "form_field_ticket_budget",
    "kind_caps": "form_field_kind_caps",
    "chronological": "form_field_chronological",
}
"""Each request field and the page label (a locale key) it is shown under."""


@dataclass(slots=True)
class PlanForm:
    """The plan form as typed: `/plan`, and its map and downloads, which carry the same query."""

    theme: list[str] = field(default_factory=list)
    date: str = ""
    days: str = "1"
    start: str = ""
    mode: str = "walk"
    group: str = "1"
    window: str = "08:30-17:30"
    lunch: str = ""
    must: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    max_stops: str = ""
    budget: str = ""
    chrono: bool = False
    caps: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Category -> (per day, per trip) as typed (``cap_day.museum``, ``cap_trip.museum``)."""

    @classmethod
    def from_query(cls, params: QueryParams) -> PlanForm:
        """The form from a query string; missing values keep the form's defaults."""
        return cls(
            theme=_many(params, "theme"),
            date=_one(params, "date", ""),
            days=_one(params, "days", "1"),
            start=_one(params, "start", ""),
            mode=_one(params, "mode", "walk"),
            group=_one(params, "group", "1"),
            window=_one(params, "window", "08:30-17:30"),
            lunch=_one(params, "lunch", ""),
            must=_many(params, "must"),
            exclude=_many(params, "exclude"),
            max_stops=_one(params, "max_stops", ""),
            budget=_one(params, "budget", "").strip(),
            chrono=_one(params, "chrono", "").lower() in ("1", "true", "on", "yes"),
            caps=_caps(params),
        )

    @property
    def asks_for_plan(self) -> bool:
        """Whether the reader submitted the form (themes and a date), not just opened it."""
        return bool(self.theme) and bool(self.date)

    def request_json(self) -> dict[str, Any]:
        """The plan request JSON this form stands for, for `PlanIn` to validate."""
        themes: dict[str, str | float] = {}
        for item in self.theme:
            slug, has_weight, weight = item.partition("=")
            themes[slug.strip()] = weight.strip() if has_weight else 1.0
        body: dict[str, Any] = {
            "themes": themes,
            "date": self.date,
            "days": self.days or 1,
            "mode": self.mode,
            "group_size": self.group or 1,
            "window": self.window,
            "must": self.must,
            "exclude": self.exclude,
        }
        start = place_from_text(self.start)
        optional = {
            "start": start,
            "lunch": self.lunch,
            "max_stops": self.max_stops,
            "ticket_budget": self.budget,
            "chronological": self.chrono,
            "kind_caps": [
                {"category": kind}
                | ({"per_day": day} if day else {})
                | ({"per_trip": trip} if trip else {})
                for kind, (day, trip) in self.caps.items()
            ],
        }
        return body | {k: v for k, v in optional.items() if v}


@dataclass(slots=True)
class CheckForm:
    """The hand-check form: stops one slug a line, a blank line between days; `start` is
    the plan's start point as "LON,LAT" (the planner page sends it when it re-checks)."""

    date: str = ""
    stops: str = ""
    mode: str = "walk"
    window: str = "08:30-17:30"
    lunch: str = ""
    reorder: bool = False
    start: str = ""
    end: str = ""

    @classmethod
    def from_query(cls, params: QueryParams) -> CheckForm:
        """The form from a query string."""
        return cls(
            date=_one(params, "date", ""),
            stops=_one(params, "stops", ""),
            mode=_one(params, "mode", "walk"),
            window=_one(params, "window", "08:30-17:30"),
            lunch=_one(params, "lunch", ""),
            reorder=_one(params, "reorder", "").lower() in ("1", "true", "on", "yes"),
            start=_one(params, "start", ""),
            end=_one(params, "end", ""),
        )

    def request_json(self) -> dict[str, Any]:
        """The check request JSON this form stands for, for `CheckIn` to validate."""
        body: dict[str, Any] = {
            "date": self.date,
            "stops": stops_from_text(self.stops),
            "mode": self.mode,
            "window": self.window,
            "reorder": self.reorder,
        }
        start = place_from_text(self.start)
        if start is not None:  # a check starts from a point: the plan's resolved start
            body["start"] = start
        end = place_from_text(self.end)
        if end is not None:  # and ends where the plan ends (its start, when it returns there)
            body["end"] = end
        return body | ({"lunch": self.lunch} if self.lunch else {})


def stops_from_text(text: str) -> list[list[str]]:
    """Site slugs per day from the stops text: one a line, a blank line between days.

    Examples
    --------
    >>> stops_from_text("a\\nb\\n\\n  \\nc\\n")
    [['a', 'b'], ['c']]
    """
    days = [
        [line.strip() for line in block.splitlines() if line.strip()]
        for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    ]
    return [d for d in days if d]


def stops_text(plan: Mapping[str, Any]) -> str:
    """An itinerary's stops written back as the stops text."""
    return "\n\n".join("\n".join(s["slug"] for s in day["stops"]) for day in plan["days"])


def form_errors(exc: Exception, lang: str) -> list[str]:
    """What the plan forms show for a refused request, each field named by its label."""
    return list(dict.fromkeys(shared_form_errors(exc, lang, labels=LABELS)))


def _caps(params: QueryParams) -> dict[str, tuple[str, str]]:
    """The kind caps typed on the form, by category (boxes left empty are no cap)."""
    kinds = dict.fromkeys(
        k.split(".", 1)[1] for k in params if k.startswith(("cap_day.", "cap_trip."))
    )
    caps = {
        kind: (
            params.get(f"cap_day.{kind}", "").strip(),
            params.get(f"cap_trip.{kind}", "").strip(),
        )
        for kind in kinds
    }
    return {kind: pair for kind, pair in caps.items() if any(pair)}


def _one(params: QueryParams, name: str, default: str) -> str:
    return params.get(name, default)


def _many(params: QueryParams, name: str) -> list[str]:
    return params.getlist(name)
