"""The plan request as clients send it: the same rules as the domain, and edges that used to crash."""

from __future__ import annotations

import datetime as dt
import typing

import pytest
from pydantic import ValidationError

from redres.routes.errors import InvalidPlanRequest
from redres.routes.model import FIRST_DATE, LAST_DATE, MODES, PlanRequest, dates_problem
from redres.routes.plan_schemas import CheckIn, Mode, PlanIn
from redres.routes.solver import MAX_SEED, SolveParams


def test_one_list_of_travel_modes() -> None:
    assert set(typing.get_args(Mode)) == set(MODES)


@pytest.mark.parametrize(
    ("first", "days", "ok"),
    [
        (FIRST_DATE, 1, True),
        (LAST_DATE, 1, True),
        (LAST_DATE - dt.timedelta(days=6), 7, True),
        (LAST_DATE - dt.timedelta(days=5), 7, False),
        (FIRST_DATE - dt.timedelta(days=1), 1, False),
        (dt.date.max, 2, False),  # date + 1 day would not exist
        (dt.date.max, 1, False),
        (dt.date.min, 1, False),
    ],
)
def test_plans_fall_in_the_years_the_holiday_calendar_knows(
    first: dt.date, days: int, ok: bool
) -> None:
    assert (dates_problem(first, days) is None) is ok
    if not ok:
        with pytest.raises(InvalidPlanRequest, match="must fall between"):
            PlanRequest(themes={"t": 1.0}, date=first, days=days)


def test_seeds_and_time_limits_the_solver_can_take() -> None:
    assert SolveParams(seed=MAX_SEED).seed == MAX_SEED
    for bad in (-1, MAX_SEED + 1, 2**63):
        with pytest.raises(ValueError, match="seed"):
            SolveParams(seed=bad)
    for bad_limit in (0.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="time_limit"):
            SolveParams(time_limit=bad_limit)


def test_plan_in_refuses_what_would_have_crashed_further_in() -> None:
    base = {"themes": {"great-revolution": 1}, "date": "2025-06-10"}
    PlanIn.model_validate(base)
    for changes in (
        {"date": "9999-12-31", "days": 2},
        {"seed": 2**63},
        {"time_limit": float("inf")},
        {"max_stops": 10**20},
        {"themes": {f"t{i}": 1 for i in range(101)}},
        {"themes": {"a\x00": 1}},
    ):
        with pytest.raises(ValidationError):
            PlanIn.model_validate(base | changes)


def test_check_in_shares_the_date_and_lunch_rules() -> None:
    stops = [["qiyi-gate"], ["qiyi-gate"]]
    assert CheckIn.model_validate({"date": "2100-12-30", "stops": stops}).date.year == 2100
    with pytest.raises(ValidationError, match="must fall between"):
        CheckIn.model_validate({"date": "2100-12-31", "stops": stops})
    with pytest.raises(ValidationError, match="inside the window"):
        CheckIn.model_validate(
            {"date": "2025-06-10", "stops": stops, "window": "09:00-12:00", "lunch": "12:00-13:00"}
        )
    with pytest.raises(ValidationError, match="control characters"):
        CheckIn.model_validate({"date": "2025-06-10", "stops": [["a\x00"]]})
