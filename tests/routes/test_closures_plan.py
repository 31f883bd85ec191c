"""The planner treats a temporary closure as closed: left out as `closed` with the closure's note,
and a curated route reports the closed date as a violation (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from redres.catalog.enums import STAFF
from redres.catalog.route_edits import create_route
from redres.catalog.schemas import SiteUpdate
from redres.catalog.sites import get_site, update_site
from redres.hours.holidays_cn import default_calendar
from redres.routes.candidates import plan_catalog
from redres.routes.model import Place, PlanRequest
from redres.routes.planner import PlannerParams
from redres.routes.solver import SolveParams
from redres.routes.stored_routes import schedule_stored_route
from tests.factories import add_toy_sites

FAST = PlannerParams(solve=SolveParams(time_limit=0.2))
SITE = "site-of-the-august-7-conference"
HOTEL = Place(114.2944, 30.58899, "hotel")
TUESDAY = dt.date(2027, 2, 9)  # open Tu-Su, but inside the closure
LATER_TUESDAY = dt.date(2027, 4, 6)


def _close(session: Session, text: str) -> None:
    add_toy_sites(session)
    update_site(session, get_site(session, SITE), SiteUpdate(closures=text))
    session.commit()


def _plan(session: Session, day: dt.date, days: int = 1) -> dict[str, dict[str, object]]:
    request = PlanRequest({"great-revolution": 1.0}, day, days=days, start=HOTEL)
    it = plan_catalog(
        session, request, calendar=default_calendar(), today=dt.date(2027, 1, 1), params=FAST
    )
    out = {o.slug: {"reason": o.reason, "detail": o.detail} for o in it.omitted}
    out.update({s.slug: {"reason": "visited"} for s in it.stops})
    return out


def test_a_plan_inside_a_closure_omits_the_site_with_its_note(session: Session) -> None:
    _close(session, "2027-02-01至2027-03-31 闭馆维修")
    inside = _plan(session, TUESDAY)[SITE]
    assert inside["reason"] == "closed"
    assert inside["detail"] == (
        "closed on 2027-02-09 (Tue); temporarily closed 2027-02-01 to 2027-03-31: 闭馆维修"
    )
    assert _plan(session, LATER_TUESDAY)[SITE] == {"reason": "visited"}


def test_an_open_ended_closure_shuts_every_day_after_it_starts(session: Session) -> None:
    _close(session, "2027-02-08起 闭馆改造")
    assert _plan(session, dt.date(2027, 2, 7))[SITE] == {"reason": "visited"}  # a Sunday
    later = _plan(session, LATER_TUESDAY)[SITE]
    assert later["reason"] == "closed"
    assert "from 2027-02-08 until further notice: 闭馆改造" in str(later["detail"])


def test_a_closure_on_one_day_of_two_moves_the_visit(session: Session) -> None:
    _close(session, "2027-02-09 设备检修")
    assert _plan(session, TUESDAY, days=2)[SITE] == {"reason": "visited"}


def test_a_curated_route_on_a_closed_date_reports_a_violation(session: Session) -> None:
    _close(session, "2027-02-01至2027-03-31 闭馆维修")
    route = create_route(session, actor="editor", name="半日", stops=[[(SITE, "讲会议")]])
    session.commit()
    calendar = default_calendar()
    shut = schedule_stored_route(session, route, date=TUESDAY, calendar=calendar, visible=STAFF)
    [violation] = shut.violations
    assert (violation.kind, violation.slug) == ("closed", SITE)
    assert "closed on 2027-02-09" in violation.detail
    assert "闭馆维修" in violation.detail
    fine = schedule_stored_route(
        session, route, date=LATER_TUESDAY, calendar=calendar, visible=STAFF
    )
    assert fine.feasible
