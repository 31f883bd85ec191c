"""Field classes (现场教学班): a teacher takes a class along a route on given dates.

A class is made by a teacher or an editor on a route the maker may read (published, or their
own draft). Each stop may have an instructor; an instructor cannot be booked at two classes
whose date spans overlap. Learners reach the class with its check-in token (a QR code), with
no account; the owner may revoke that token or issue a new one. Only the owner and staff read
the class itself.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session, col, delete, select, update

from redres.catalog import audit
from redres.catalog.account_tables import User
from redres.catalog.class_tables import ClassCheckin, ClassEvaluation, ClassInstructor, FieldClass
from redres.catalog.errors import Conflict, InvalidQuery, NotFound
from redres.catalog.models import Instructor, Route, RouteStop, Site, pk
from redres.catalog.poll_tables import Poll, PollAnswer
from redres.catalog.route_access import Reader, find_route
from redres.catalog.slugs import free_slug, slugify
from redres.messages import Message

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Booking(BaseModel):
    """Who teaches at one stop: a site slug and an instructor's id (or name)."""

    model_config = ConfigDict(extra="forbid")

    site: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    instructor: (
        int | Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    )


class ClassCreate(BaseModel):
    """A new class; `retention_days` defaults to the deployment's setting."""

    model_config = ConfigDict(extra="forbid")

    name: Text
    route: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    start_date: dt.date
    group_size: int = Field(ge=1, le=500)
    instructors: list[Booking] = Field(default_factory=list, max_length=200)
    retention_days: int | None = Field(default=None, ge=0, le=3650)


@dataclass(frozen=True, slots=True)
class Stop:
    """One stop of a class: its day's date, the site, and the instructor booked there."""

    day: int
    date: dt.date
    site: Site
    instructor: Instructor | None


def create_class(
    session: Session, data: ClassCreate, user: User, *, retention_days: int
) -> FieldClass:
    """Make a class owned by `user`, its instructors booked; a clash with another class is a
    Conflict naming that class.

    Raises
    ------
    NotFound
        When the route is not readable by `user`.
    InvalidQuery
        When a booking names a site not on the route or an unknown instructor.
    Conflict
        When an instructor already teaches another class on an overlapping date.
    """
    route = find_route(session, data.route, Reader.of(user))
    end = data.start_date + dt.timedelta(days=max(route.days, _last_day(session, route)) - 1)
    on_route = {s.slug: s for s in _route_sites(session, route)}
    bookings: list[tuple[Site, Instructor]] = []
    for b in data.instructors:
        site = on_route.get(b.site)
        if site is None:
            msg = f"site {b.site!r} is not a stop of route {route.slug!r}"
            raise InvalidQuery(msg)
        bookings.append((site, _instructor(session, b.instructor)))
    if len({s.id for s, _ in bookings}) < len(bookings):
        raise InvalidQuery("each stop takes one instructor")  # noqa: EM101
    for instructor in {pk(i): i for _, i in bookings}.values():
        _check_free(session, instructor, data.start_date, end)
    fc = FieldClass(
        slug=free_slug(session, FieldClass.slug, slugify(data.name) or "class"),
        name=data.name,
        route_id=pk(route),
        start_date=data.start_date,
        end_date=end,
        group_size=data.group_size,
        owner_id=pk(user),
        checkin_token=new_token(),
        retention_days=retention_days if data.retention_days is None else data.retention_days,
    )
    session.add(fc)
    session.flush()
    for site, instructor in bookings:
        session.add(
            ClassInstructor(class_id=pk(fc), site_id=pk(site), instructor_id=pk(instructor))
        )
    _audit(session, fc, "create", user.username)
    session.flush()
    return fc


def new_token() -> str:
    """An unguessable check-in token (what the QR code carries)."""
    return secrets.token_urlsafe(18)


def rater_key(name: str | None) -> str | None:
    """The same learner however they spaced or cased their name or number."""
    return " ".join(name.split()).casefold() if name else None


def _last_day(session: Session, route: Route) -> int:
    days = session.exec(select(RouteStop.day).where(RouteStop.route_id == pk(route))).all()
    return max(days, default=1)


def _route_sites(session: Session, route: Route) -> list[Site]:
    stmt = (
        select(Site)
        .join(RouteStop, col(RouteStop.site_id) == Site.id)
        .where(RouteStop.route_id == pk(route))
    )
    return list(session.exec(stmt).all())


def _instructor(session: Session, key: int | str) -> Instructor:
    """An instructor by id, or by name or the slug of the name (one match only)."""
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18:
        key = int(key)
    if isinstance(key, int):
        found = session.get(Instructor, key)
        if found is None:
            msg = f"no instructor with id {key}"
            raise InvalidQuery(msg)
        return found
    matches = [
        i for i in session.exec(select(Instructor)).all() if key in (i.name, slugify(i.name))
    ]
    if len(matches) != 1:
        what = "no instructor" if not matches else "several instructors"
        msg = f"{what} named {key!r}; give the instructor's id"
        raise InvalidQuery(msg)
    return matches[0]


def _check_free(session: Session, instructor: Instructor, start: dt.date, end: dt.date) -> None:
    """Conflict when `instructor` teaches a class whose dates overlap `start`..`end`.

    The instructor's row is written first (to itself), which takes its row lock on PostgreSQL
    and the database's write lock on SQLite before the check reads anything: two workers booking
    the same person at once are checked one after the other, never both let through.
    """
    session.exec(
        update(Instructor).where(col(Instructor.id) == pk(instructor)).values(id=Instructor.id)
    )
    stmt = (
        select(FieldClass)
        .join(ClassInstructor, col(ClassInstructor.class_id) == FieldClass.id)
        .where(
            ClassInstructor.instructor_id == pk(instructor),
            col(FieldClass.start_date) <= end,
            col(FieldClass.end_date) >= start,
        )
    )
    other = session.exec(stmt).first()
    if other is not None:
        msg = Message(
            "e_instructor_booked",
            name=instructor.name,
            other=other.name,
            slug=other.slug,
            start=other.start_date.isoformat(),
            end=other.end_date.isoformat(),
        )
        raise Conflict(msg)


def get_class(session: Session, slug: str) -> FieldClass:
    """A class by slug, whoever asks (callers check access)."""
    fc = session.exec(select(FieldClass).where(FieldClass.slug == slug)).first()
    if fc is None:
        raise NotFound("class", slug)  # noqa: EM101 (an entity name)
    return fc


def class_for(session: Session, slug: str, reader: Reader) -> FieldClass:
    """A class its owner or staff may manage; anyone else is told it does not exist."""
    fc = get_class(session, slug)
    if not (reader.staff or (reader.user_id is not None and fc.owner_id == reader.user_id)):
        raise NotFound("class", slug)  # noqa: EM101 (an entity name)
    return fc


def list_classes(session: Session, reader: Reader) -> list[FieldClass]:
    """The classes a reader manages: their own, or every class for staff; newest dates first."""
    stmt = select(FieldClass).order_by(col(FieldClass.start_date).desc(), col(FieldClass.id))
    if not reader.staff:
        stmt = stmt.where(FieldClass.owner_id == reader.user_id)
    return list(session.exec(stmt).all())


def class_by_token(session: Session, slug: str, token: str) -> FieldClass:
    """The class a learner's token opens; a wrong or revoked token is not told apart from no
    class at all."""
    fc = session.exec(select(FieldClass).where(FieldClass.slug == slug)).first()
    if (
        fc is None
        or fc.checkin_token is None
        or not secrets.compare_digest(fc.checkin_token.encode(), token.encode())
    ):
        raise NotFound("class", slug)  # noqa: EM101 (an entity name)
    return fc


def stops(session: Session, fc: FieldClass) -> list[Stop]:
    """The class's stops in order, each with its date and instructor."""
    booked = {
        b.site_id: session.get(Instructor, b.instructor_id)
        for b in session.exec(select(ClassInstructor).where(ClassInstructor.class_id == pk(fc)))
    }
    stmt = (
        select(RouteStop, Site)
        .join(Site, col(Site.id) == RouteStop.site_id)
        .where(RouteStop.route_id == fc.route_id)
        .order_by(col(RouteStop.day), col(RouteStop.position))
    )
    return [
        Stop(stop.day, fc.start_date + dt.timedelta(days=stop.day - 1), site, booked.get(pk(site)))
        for stop, site in session.exec(stmt).all()
    ]


def class_brief(session: Session, fc: FieldClass) -> dict[str, Any]:
    """A class in a list: what it is, where and when."""
    route = session.get(Route, fc.route_id)
    return {
        "slug": fc.slug,
        "name": fc.name,
        "route": route.slug if route else None,
        "start_date": fc.start_date.isoformat(),
        "end_date": fc.end_date.isoformat(),
        "group_size": fc.group_size,
    }


def class_dict(session: Session, fc: FieldClass) -> dict[str, Any]:
    """A class as its owner and staff read it (the token included)."""
    return class_brief(session, fc) | {
        "checkin_token": fc.checkin_token,
        "retention_days": fc.retention_days,
        "stops": [
            {
                "day": s.day,
                "date": s.date.isoformat(),
                "site": s.site.slug,
                "name": s.site.name,
                "instructor": (
                    {"id": s.instructor.id, "name": s.instructor.name} if s.instructor else None
                ),
            }
            for s in stops(session, fc)
        ],
    }


def set_token(session: Session, fc: FieldClass, *, revoke: bool, actor: str) -> str | None:
    """Revoke the check-in token, or replace it with a new one; the old one stops at once."""
    fc.checkin_token = None if revoke else new_token()
    session.add(fc)
    _audit(session, fc, "revoke_token" if revoke else "new_token", actor)
    session.flush()
    return fc.checkin_token


def delete_class(session: Session, fc: FieldClass, *, actor: str) -> None:
    """Delete a class with everything learners left in it (names, comments, check-ins, poll
    answers, also to its route's polls) and its own polls."""
    for table in (PollAnswer, Poll, ClassEvaluation, ClassCheckin, ClassInstructor):
        session.exec(delete(table).where(col(table.class_id) == pk(fc)))
    _audit(session, fc, "delete", actor)
    session.delete(fc)
    session.flush()


def _audit(session: Session, fc: FieldClass, action: str, actor: str) -> None:
    snap = audit.snapshot(fc, exclude=frozenset({"checkin_token"}))
    audit.record(
        session,
        entity="class",
        entity_id=pk(fc),
        action=action,
        actor=actor,
        before=None,
        after=snap,
    )
