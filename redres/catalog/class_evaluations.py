"""What a field class says about its stops: check-ins and evaluations, and their summary.

Learners rate with the class's token only, as `learner`; staff rate signed in, as `teacher`,
`class_manager` or `teaching_office`. One evaluation per rater, stop and role: a learner who
gives a name or number is that rater, a staff rater is their account; a repeat is refused
(Conflict) rather than silently replacing what someone else typed under the same name.
Learners' names and comments are kept until `retention_days` after the class ends, then
erased (scores stay, anonymous); deleting the class deletes them at once.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlmodel import Session, col, func, select, update

from redres.catalog import polls
from redres.catalog.account_tables import User
from redres.catalog.class_tables import ClassCheckin, ClassEvaluation, FieldClass
from redres.catalog.classes import rater_key, stops
from redres.catalog.errors import Conflict, InvalidQuery
from redres.catalog.models import Site, pk, utcnow
from redres.catalog.poll_tables import PollAnswer
from redres.messages import Message

CRITERIA = ("theme", "accuracy", "appeal", "organisation", "conditions", "gains")
"""The default criteria of on-site teaching: 主题鲜明, 内容准确, 讲解感染力, 组织有序, 现场条件,
收获 (their labels live in the page locales, `class.criterion.<key>`)."""


class RaterRole(StrEnum):
    """Who rates: learners with the class token, the others signed in."""

    learner = "learner"
    teacher = "teacher"
    class_manager = "class_manager"
    teaching_office = "teaching_office"


STAFF_RATERS = frozenset(RaterRole) - {RaterRole.learner}

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class EvaluationCreate(BaseModel):
    """One rater's scores (1-5 per criterion, at least one) for one stop."""

    model_config = ConfigDict(extra="forbid")

    rater_role: RaterRole = RaterRole.learner
    site: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    scores: dict[str, Annotated[int, Field(ge=1, le=5, strict=False)]] = Field(min_length=1)
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    learner: Name | None = None

    @field_validator("scores")
    @classmethod
    def _known(cls, value: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(value) - set(CRITERIA))
        if unknown:
            msg = f"unknown criteria {unknown}; known: {list(CRITERIA)}"
            raise ValueError(msg)
        return value


class CheckinCreate(BaseModel):
    """A learner's arrival at a stop."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    site: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


def class_site(session: Session, fc: FieldClass, slug: str) -> Site:
    """A stop of the class by site slug; anything else is refused."""
    for stop in stops(session, fc):
        if stop.site.slug == slug:
            return stop.site
    msg = f"site {slug!r} is not a stop of class {fc.slug!r}"
    raise InvalidQuery(msg)


def evaluate(
    session: Session, fc: FieldClass, data: EvaluationCreate, *, user: User | None
) -> ClassEvaluation:
    """Store one evaluation (the caller has checked who may rate as `data.rater_role`).

    Raises
    ------
    Conflict
        When this rater already evaluated this stop in this role.
    """
    site = class_site(session, fc, data.site)
    staff = data.rater_role in STAFF_RATERS
    key = f"user:{pk(user)}" if staff and user is not None else rater_key(data.learner)
    if key is not None:
        stmt = select(ClassEvaluation.id).where(
            ClassEvaluation.class_id == pk(fc),
            ClassEvaluation.site_id == pk(site),
            ClassEvaluation.rater_role == data.rater_role.value,
            ClassEvaluation.rater_key == key,
        )
        if session.exec(stmt).first() is not None:
            who = user.username if staff and user is not None else data.learner
            msg = Message(
                "e_evaluated", who=who, site=site.slug, role=Message(f"rater_{data.rater_role}")
            )
            raise Conflict(msg)
    row = ClassEvaluation(
        class_id=pk(fc),
        site_id=pk(site),
        rater_role=data.rater_role.value,
        rater_key=key,
        learner=None if staff else data.learner,
        user_id=pk(user) if staff and user is not None else None,
        scores=dict(data.scores),
        comment=data.comment or None,
    )
    session.add(row)
    session.flush()
    return row


def check_in(session: Session, fc: FieldClass, data: CheckinCreate) -> ClassCheckin:
    """Record an arrival; the same name at the same stop is one check-in."""
    site = class_site(session, fc, data.site)
    if data.name is not None:
        stmt = select(ClassCheckin).where(
            ClassCheckin.class_id == pk(fc),
            ClassCheckin.site_id == pk(site),
            ClassCheckin.name == data.name,
        )
        existing = session.exec(stmt).first()
        if existing is not None:
            return existing
    row = ClassCheckin(class_id=pk(fc), site_id=pk(site), name=data.name)
    session.add(row)
    session.flush()
    return row


def recent_submissions(session: Session, fc: FieldClass, *, within: dt.timedelta) -> int:
    """Learners' check-ins, evaluations and poll answers of the class in the last `within`: the
    per-token limit counts these in the database, so it holds across workers."""
    since = utcnow() - within
    total = 0
    for table in (ClassCheckin, ClassEvaluation, PollAnswer):
        stmt = select(func.count()).where(
            col(table.class_id) == pk(fc), col(table.created_at) >= since
        )
        if table is ClassEvaluation:
            stmt = stmt.where(ClassEvaluation.rater_role == RaterRole.learner.value)
        total += int(session.exec(stmt).one())
    return total


def summary(session: Session, fc: FieldClass) -> dict[str, Any]:
    """Per stop and criterion, the mean score and count by rater role, with the comments."""
    rows = session.exec(
        select(ClassEvaluation)
        .where(ClassEvaluation.class_id == pk(fc))
        .order_by(col(ClassEvaluation.id))
    ).all()
    checkins = dict(
        session.exec(
            select(ClassCheckin.site_id, func.count())
            .where(ClassCheckin.class_id == pk(fc))
            .group_by(col(ClassCheckin.site_id))
        ).all()
    )
    sites = []
    for stop in stops(session, fc):
        mine = [r for r in rows if r.site_id == stop.site.id]
        criteria: dict[str, dict[str, dict[str, Any]]] = {}
        for key in CRITERIA:
            criteria[key] = {}
            for role in RaterRole:
                given = [
                    int(r.scores[key]) for r in mine if r.rater_role == role and key in r.scores
                ]
                mean = round(sum(given) / len(given), 2) if given else None
                criteria[key][role.value] = {"mean": mean, "count": len(given)}
        sites.append(
            {
                "site": stop.site.slug,
                "name": stop.site.name,
                "date": stop.date.isoformat(),
                "checkins": int(checkins.get(pk(stop.site), 0)),
                "evaluations": len(mine),
                "criteria": criteria,
                "comments": [
                    {"rater_role": r.rater_role, "learner": r.learner, "comment": r.comment}
                    for r in mine
                    if r.comment
                ],
            }
        )
    return {"class": fc.slug, "sites": sites}


def purge_expired(session: Session, today: dt.date) -> None:
    """Erase learners' names and comments of classes past their retention (scores stay), and
    who answered their polls and what they wrote in free text (choices and ratings stay)."""
    expired = [
        pk(fc)
        for fc in session.exec(select(FieldClass).where(col(FieldClass.end_date) < today)).all()
        if fc.end_date + dt.timedelta(days=fc.retention_days) < today
    ]
    if not expired:
        return
    session.exec(
        update(ClassEvaluation)
        .where(col(ClassEvaluation.class_id).in_(expired))
        .where(col(ClassEvaluation.rater_role) == RaterRole.learner.value)
        .values(learner=None, rater_key=None, comment=None)
    )
    session.exec(
        update(ClassCheckin).where(col(ClassCheckin.class_id).in_(expired)).values(name=None)
    )
    polls.erase_personal(session, expired)


def evaluations_of(session: Session, fc: FieldClass) -> list[tuple[ClassEvaluation, Site]]:
    """Every evaluation of a class with its site, oldest first (for exports)."""
    stmt = (
        select(ClassEvaluation, Site)
        .join(Site, col(Site.id) == ClassEvaluation.site_id)
        .where(ClassEvaluation.class_id == pk(fc))
        .order_by(col(ClassEvaluation.id))
    )
    return [(e, s) for e, s in session.exec(stmt).all()]
