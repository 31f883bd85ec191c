"""Days timed under the lunch break: a stop the break pushes out goes to a day that has room."""

from __future__ import annotations

import numpy as np
import pytest

from redres.hours.opening import Interval
from redres.routes.errors import InvalidPlanRequest
from redres.routes.lunch_fit import fit_days
from redres.routes.problem import ProblemData, limit_breaches, order_breaches
from redres.routes.timeline import time_day

LUNCH = Interval(720, 780)  # 12:00-13:00


SHORT, LONG = (540.0, 800.0), (540.0, 1080.0)


def three_stops(*days: tuple[float, float], **limits: object) -> ProblemData:
    """Three 60-minute stops 10 minutes apart, open 09:00-18:00, over `days` (day windows).

    Without lunch a SHORT day (09:00-13:20) takes all three (09:10-12:30, back 12:40); with
    it, the third visit waits for 13:00 and the day is over before it ends.
    """
    return ProblemData(
        scores=np.array([3.0, 2.0, 1.0]),
        service=np.full(3, 60.0),
        windows=[[[(540.0, 1080.0)]] * 3] * len(days),
        travel=np.where(np.eye(4, dtype=bool), 0.0, 10.0),
        day_start=np.full(len(days), 3),
        day_end=np.full(len(days), 3),
        day_window=np.array(days),
        **limits,  # type: ignore[arg-type]
    )


def test_a_stop_the_break_pushes_out_goes_to_a_day_with_room() -> None:
    data = three_stops(SHORT, LONG)
    assert time_day(data, 0, [0, 1, 2]) is not None  # the solver's day, without lunch
    assert time_day(data, 0, [0, 1, 2], lunch=LUNCH) is None

    fitted = fit_days(data, [[0, 1, 2], []], LUNCH)

    assert fitted.dropped == {}
    assert [[v.node for v in c.visits] for c in fitted.clocks] == [[0, 1], [2]]


def test_a_stop_no_day_can_take_is_reported_as_lost_to_lunch() -> None:
    data = three_stops(SHORT, (540.0, 560.0))  # day 1 is too short for any visit

    fitted = fit_days(data, [[0, 1, 2], []], LUNCH)

    assert fitted.dropped == {2: "lunch"}  # the least valuable stop goes
    assert [[v.node for v in c.visits] for c in fitted.clocks] == [[0, 1], []]


@pytest.mark.parametrize(
    "limits",
    [
        {"max_stops": np.array([3, 0])},
        {"kinds": np.array([[True], [False], [True]]), "kind_cap_day": np.array([[2], [0]])},
        {"cost": np.array([0.0, 0.0, 5.0]), "budget": 4.0},
    ],
    ids=["stops a day", "kind cap a day", "budget"],
)
def test_putting_back_keeps_every_limit(limits: dict[str, object]) -> None:
    data = three_stops(SHORT, LONG, **limits)  # each limit rules out day 1 for stop 2

    fitted = fit_days(data, [[0, 1, 2], []], LUNCH)
    days = [[v.node for v in c.visits] for c in fitted.clocks]

    assert fitted.dropped == {2: "lunch"}
    assert days == [[0, 1], []]
    assert limit_breaches(data, days) == []


def test_the_stop_goes_where_it_keeps_the_historical_order() -> None:
    # Stop 0 is to come before stop 2. Day 1 drops stop 2; days 0 and 2 could both take it
    # at the same cost, and only day 2 keeps the order (day 0 comes first when all else ties).
    data = three_stops(
        LONG, SHORT, LONG, precede=np.array([[0, 2]]), precede_penalty=np.array([0.5])
    )

    fitted = fit_days(data, [[], [0, 1, 2], []], LUNCH)
    days = [[v.node for v in c.visits] for c in fitted.clocks]

    assert fitted.dropped == {}
    assert days == [[], [0, 1], [2]]
    assert order_breaches(data, days) == []


def test_must_visit_stops_that_do_not_fit_around_the_break_are_refused() -> None:
    data = three_stops(SHORT, LONG)
    data.mandatory[:] = True

    with pytest.raises(InvalidPlanRequest) as caught:
        fit_days(data, [[0, 1, 2], []], LUNCH)
    assert caught.value.args[0].key == "e_must_lunch"
