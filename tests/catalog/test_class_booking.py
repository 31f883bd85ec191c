"""Booking instructors: two classes made at once cannot both take the same person."""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy import Engine
from sqlmodel import Session, select

from redres.catalog.account_tables import User
from redres.catalog.accounts import create_user
from redres.catalog.class_tables import FieldClass
from redres.catalog.classes import Booking, ClassCreate, create_class
from redres.catalog.enums import Role, Status
from redres.catalog.errors import Conflict
from redres.catalog.models import Instructor, Route, RouteStop, pk
from tests.factories import add_toy_sites


def test_two_bookings_at_once_are_checked_one_after_the_other(
    engine: Engine, session: Session
) -> None:
    site = add_toy_sites(session)[0]
    route = Route(slug="walk", name="线", status=Status.published)
    teacher = create_user(session, "t1", "correct horse battery", Role.teacher)
    instructor = Instructor(name="张老师")
    session.add_all([route, instructor])
    session.flush()
    session.add(RouteStop(route_id=pk(route), day=1, position=1, site_id=pk(site)))
    session.commit()

    def body(name: str) -> ClassCreate:
        booking = Booking(site=site.slug, instructor=pk(instructor))
        return ClassCreate(
            name=name,
            route="walk",
            start_date=dt.date(2030, 5, 1),
            group_size=30,
            instructors=[booking],
        )

    outcome: list[str] = []

    def second() -> None:
        with Session(engine) as other:
            user = other.exec(select(User)).one()
            try:
                create_class(other, body("二班"), user, retention_days=30)
                other.commit()
                outcome.append("booked")
            except Conflict as exc:
                outcome.append(str(exc))

    with Session(engine) as first:
        create_class(
            first, body("一班"), first.get(User, pk(teacher)) or teacher, retention_days=30
        )
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # let the second booking reach its check while the first is open
        first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert len(outcome) == 1
    assert "一班" in outcome[0]
    with Session(engine) as check:
        assert [c.name for c in check.exec(select(FieldClass)).all()] == ["一班"]
