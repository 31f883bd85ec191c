"""Plan a study route: request and candidates in, a timed itinerary with every omission out.

The pipeline is the one of DESIGN.md "Route planning": score candidates by theme weights,
filter them with a reason for each one left out (`windows` does the opening-hours part),
build the travel matrix and a `ProblemData`, call `redres.routes.solver.solve`, then re-time
each day honestly (`timeline`, which also places the lunch break) and explain what was not
chosen. Infeasible visits are results (`Omission`); only malformed requests raise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from redres.geo import LonLat
from redres.hours.china_time import CHINA_TIME
from redres.hours.opening import HolidayLookup
from redres.messages import Message
from redres.routes.answer import Itinerary, Omission, Prepared
from redres.routes.chronology import precedence
from redres.routes.errors import InvalidPlanRequest
from redres.routes.itinerary import build_itinerary, kind_message
from redres.routes.lunch_fit import fit_days
from redres.routes.model import Candidate, Place, PlanRequest, SiteName
from redres.routes.problem import ProblemData, Solution, missing_mandatory
from redres.routes.solver import SolveParams, solve
from redres.routes.timeline import DayClock
from redres.routes.travel import StraightLineTravel, TravelMatrix, TravelModel
from redres.routes.windows import DayWindows, day_windows

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlannerParams:
    """Planner knobs: the solver's, and how close to last entry an arrival counts as tight."""

    solve: SolveParams = field(default_factory=SolveParams)
    tight_minutes: float = 10.0

    def __post_init__(self) -> None:
        if self.tight_minutes < 0:
            msg = f"tight_minutes {self.tight_minutes!r} must not be negative"
            raise ValueError(msg)


def plan(
    request: PlanRequest,
    candidates: Sequence[Candidate],
    *,
    travel: TravelModel | None = None,
    calendar: HolidayLookup,
    today: dt.date | None = None,
    params: PlannerParams | None = None,
) -> Itinerary:
    """Plan `request` over `candidates` (all sites the caller may see, scored).

    Raises
    ------
    InvalidPlanRequest
        When a must/exclude/start/end slug is unknown, a must-visit site cannot be visited
        (the message says why), or the must-visit sites do not fit together.
    """
    params = params or PlannerParams()
    today = today or dt.datetime.now(CHINA_TIME).date()
    prepared = prepare(request, candidates, travel=travel, calendar=calendar, today=today)
    solution = solve(prepared.data, params.solve)
    clocks, dropped = _honest_days(prepared, solution)
    return build_itinerary(
        prepared, clocks, dropped, calendar=calendar, today=today, tight=params.tight_minutes
    )


def prepare(
    request: PlanRequest,
    candidates: Sequence[Candidate],
    *,
    travel: TravelModel | None,
    calendar: HolidayLookup,
    today: dt.date,
) -> Prepared:
    """Filter candidates with reasons and build the `ProblemData` for the solver.

    Raises
    ------
    InvalidPlanRequest
        As `plan` does.
    """
    by_slug = {c.slug: c for c in candidates}
    unknown = [s for s in (*request.must, *request.exclude) if s not in by_slug]
    if unknown:
        msg = Message("e_unknown_site", slug=unknown[0])
        raise InvalidPlanRequest(msg)
    start = _place(request.start, by_slug, "start")
    end = start if request.end is None else _place(request.end, by_slug, "end")
    kept: list[Candidate] = []
    windows: list[DayWindows] = []
    omitted: list[Omission] = []
    for c in candidates:
        found = _filter(c, request, calendar=calendar, today=today)
        if isinstance(found, Omission):
            if c.slug in request.must:
                msg = Message("e_must_unplaceable", slug=c.slug, detail=found.detail)
                raise InvalidPlanRequest(msg)
            omitted.append(found)
        else:
            kept.append(c)
            windows.append(found)
    points = [LonLat(c.lon or 0.0, c.lat or 0.0) for c in kept]
    ends = [p.point for p in (start, end) if p is not None]
    matrix = (travel or StraightLineTravel()).matrix([*points, *ends], request.mode)
    data = _problem(request, kept, windows, matrix, start=start, end=end)
    return Prepared(request, tuple(kept), data, matrix, start, end, tuple(omitted))


def _filter(
    c: Candidate, request: PlanRequest, *, calendar: HolidayLookup, today: dt.date
) -> Omission | DayWindows:
    def out(reason: str, detail: str, cause: str | None = None) -> Omission:
        return Omission(c.id, c.slug, c.name, reason, detail, cause, name_en=c.name_en)  # type: ignore[arg-type]

    if c.slug in request.exclude:
        return out("excluded", Message("excluded"))
    if c.point is None:
        return out("no_location", Message("no_location"), "no_location")
    if c.score <= 0 and c.slug not in request.must:
        themes = ", ".join(sorted(request.themes))
        return out("low_relevance", Message("low_relevance", themes=themes))
    if c.capacity is not None and c.capacity < request.group_size:
        detail = Message("capacity", capacity=c.capacity, group=request.group_size)
        return dataclasses.replace(out("capacity", detail), takes=c.capacity)
    price, budget = c.ticket_price or 0.0, request.ticket_budget
    if budget is not None and price > budget + 1e-9:
        return out(
            "over_budget", Message("over_budget_alone", price=f"{price:g}", budget=f"{budget:g}")
        )
    cap = next((k for k in request.kind_caps if k.category == c.category), None)
    if cap is not None and 0 in (cap.per_trip, cap.per_day):
        return out(
            "kind_cap", kind_message(cap.category, 0, "trip" if cap.per_trip == 0 else "day")
        )
    found = day_windows(c, request, calendar=calendar, today=today)
    if found.reason is not None:
        return out(found.reason, found.detail, found.cause)
    return found


def _place(
    ref: Place | str | SiteName | None, by_slug: dict[str, Candidate], role: str
) -> Place | None:
    if ref is None or isinstance(ref, Place):
        return ref
    if isinstance(ref, SiteName):  # resolved against the catalogue's search before planning
        msg = Message("e_unknown_place", role=Message(f"role_{role}"), slug=ref.name)
        raise InvalidPlanRequest(msg)
    site = by_slug.get(ref)
    if site is None:
        msg = Message("e_unknown_place", role=Message(f"role_{role}"), slug=ref)
        raise InvalidPlanRequest(msg)
    if site.lon is None or site.lat is None:
        msg = Message("e_place_unlocated", role=Message(f"role_{role}"), slug=ref)
        raise InvalidPlanRequest(msg)
    return Place(site.lon, site.lat, site.name, site.slug)


def _problem(
    request: PlanRequest,
    kept: list[Candidate],
    windows: list[DayWindows],
    matrix: TravelMatrix,
    *,
    start: Place | None,
    end: Place | None,
) -> ProblemData:
    """Arrays for the solver; a missing start or end is a free point (zero travel to all)."""
    n = len(kept)
    travel = matrix.minutes
    s_idx = e_idx = n
    if start is None:
        travel = _with_free_point(travel)
        if end is not None:
            s_idx, e_idx = n + 1, n
        else:
            s_idx = e_idx = n
    else:
        s_idx, e_idx = n, (n + 1 if end is not None else n)
    days = request.days
    limits = _limits(request, kept)
    return ProblemData(
        scores=np.array([c.score for c in kept], dtype=float),
        service=np.array([float(c.visit_minutes) for c in kept]),
        windows=[[list(w.windows[d]) for w in windows] for d in range(days)],
        travel=travel,
        day_start=np.full(days, s_idx, dtype=np.int64),
        day_end=np.full(days, e_idx, dtype=np.int64),
        day_window=np.array([[request.window.start, request.window.end]] * days, dtype=float),
        mandatory=np.array([c.slug in request.must for c in kept], dtype=bool),
        max_stops=None
        if request.max_stops is None
        else np.full(days, request.max_stops, dtype=np.int64),
        **limits,
    )


NO_CAP = 1 << 30
"""A kind cap left empty (no limit of that sort)."""


def _limits(request: PlanRequest, kept: list[Candidate]) -> dict[str, Any]:
    """The ticket budget, kind caps and historical order as `ProblemData` arrays (none asked:
    none set, so the solver runs exactly as for a plain request)."""
    out: dict[str, Any] = {}
    if request.ticket_budget is not None:
        out["cost"] = np.array([c.ticket_price or 0.0 for c in kept], dtype=float)
        out["budget"] = float(request.ticket_budget)
    if request.kind_caps:
        caps = request.kind_caps
        out["kinds"] = np.array(
            [[c.category == k.category for k in caps] for c in kept], dtype=bool
        )
        out["kinds"] = out["kinds"].reshape(len(kept), len(caps))
        trip = [NO_CAP if k.per_trip is None else k.per_trip for k in caps]
        day = [NO_CAP if k.per_day is None else k.per_day for k in caps]
        out["kind_cap_trip"] = np.array(trip, dtype=np.int64)
        out["kind_cap_day"] = np.array([day] * request.days, dtype=np.int64).reshape(-1, len(caps))
    if request.chronological:
        out["precede"], out["precede_penalty"] = precedence(kept)
    return out


def _with_free_point(travel: NDArray[np.float64]) -> NDArray[np.float64]:
    size = travel.shape[0]
    out = np.zeros((size + 1, size + 1))
    out[:size, :size] = travel
    return out


def _honest_days(prepared: Prepared, solution: Solution) -> tuple[list[DayClock], dict[int, str]]:
    """Time each day under the lunch rule (`redres.routes.lunch_fit`).

    Raises
    ------
    InvalidPlanRequest
        When must-visit sites are missing from the solution or cannot be timed.
    """
    data, request = prepared.data, prepared.request
    missing = [
        prepared.kept[i].slug
        for i in range(data.num_nodes)
        if data.mandatory[i] and i not in solution.visited
    ]
    if missing:
        why = missing_mandatory(data, solution)
        alone = tuple(prepared.kept[i].slug for i, w in sorted(why.items()) if w == "alone")
        key, slugs = ("e_must_alone", alone) if alone else ("e_must_together", tuple(missing))
        raise InvalidPlanRequest(Message(key, slugs=slugs))
    fitted = fit_days(data, solution.routes, request.lunch)
    return fitted.clocks, fitted.dropped
