"""Polls (问卷): a short questionnaire a teacher puts to their class, or an editor to every
class on a route, answered on the learners' phone page with the class token.

A poll is a draft (its makers only), open (learners answer) or closed (results only). Its
questions are single choice, multiple choice, a rating from 1 to 5, or free text, in order, in
Chinese with optional English. A learner answers a poll once per class: they give their name or
number, of which only a digest is stored (`PollAnswer.rater_key`), never shown and erased with
free-text answers when the class's retention ends. Questions are frozen once answers exist,
because answers refer to questions and options by position.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlmodel import Session, col, delete, func, or_, select

from redres.catalog import audit
from redres.catalog.account_tables import User
from redres.catalog.class_tables import FieldClass
from redres.catalog.classes import rater_key
from redres.catalog.errors import Conflict, InvalidChange, InvalidQuery, NotFound
from redres.catalog.models import Route, pk, utcnow
from redres.catalog.poll_tables import Poll, PollAnswer
from redres.catalog.route_access import Reader
from redres.messages import Message

MAX_OPTIONS = 12
TEXT_LIMIT = 2000


Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class QuestionKind(StrEnum):
    """What a question asks for."""

    single = "single"
    multiple = "multiple"
    rating = "rating"
    text = "text"


CHOICE = frozenset({QuestionKind.single, QuestionKind.multiple})


class PollStatus(StrEnum):
    """Who sees a poll: its makers (draft), learners too (open), results only (closed)."""

    draft = "draft"
    open = "open"
    closed = "closed"


class OptionIn(BaseModel):
    """One option of a choice question, in Chinese and optionally English."""

    model_config = ConfigDict(extra="forbid")

    text: Text200
    text_en: Text200 | None = None


class QuestionIn(BaseModel):
    """One question; choice questions list their options (2-12), others none."""

    model_config = ConfigDict(extra="forbid")

    kind: QuestionKind
    text: Text300
    text_en: Text300 | None = None
    options: list[OptionIn] = Field(default_factory=list, max_length=MAX_OPTIONS)
    required: bool = True


class PollCreate(BaseModel):
    """A new poll: a title and 1-20 questions; a draft unless `status` says otherwise."""

    model_config = ConfigDict(extra="forbid")

    title: Text200
    title_en: Text200 | None = None
    status: PollStatus = PollStatus.draft
    questions: list[QuestionIn] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _options(self) -> PollCreate:
        check_options(self.questions)
        return self


class PollUpdate(BaseModel):
    """Some fields of a poll; `questions` replaces them all (only while nobody has answered)."""

    model_config = ConfigDict(extra="forbid")

    title: Text200 | None = None
    title_en: Text200 | None = None
    status: PollStatus | None = None
    questions: list[QuestionIn] | None = Field(default=None, min_length=1, max_length=20)

    @model_validator(mode="after")
    def _options(self) -> PollUpdate:
        check_options(self.questions or [])
        return self


class AnswerCreate(BaseModel):
    """A learner's answers: `{question key: option index | [indexes] | 1-5 | text}`."""

    model_config = ConfigDict(extra="forbid")

    learner: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    answers: dict[str, int | list[int] | str] = Field(max_length=20)


def check_options(questions: list[QuestionIn]) -> None:
    """Choice questions have 2-12 options, the others none.

    Raises
    ------
    ValueError
        Naming the question (its number, from 1).
    """
    for n, q in enumerate(questions, start=1):
        if q.kind in CHOICE and not 2 <= len(q.options) <= MAX_OPTIONS:
            raise ValueError(Message("e_poll_options", n=n, limit=MAX_OPTIONS))
        if q.kind not in CHOICE and q.options:
            raise ValueError(Message("e_poll_no_options", n=n))


def create_poll(
    session: Session,
    data: PollCreate,
    user: User,
    *,
    fc: FieldClass | None = None,
    route: Route | None = None,
) -> Poll:
    """A poll on `fc` or on `route` (the caller has checked who may attach one there)."""
    if (fc is None) == (route is None):
        raise InvalidChange(Message("e_poll_place"))
    poll = Poll(
        class_id=pk(fc) if fc is not None else None,
        route_id=pk(route) if route is not None else None,
        title=data.title,
        title_en=data.title_en,
        status=data.status.value,
        questions=_stored(data.questions),
        owner_id=pk(user),
    )
    session.add(poll)
    session.flush()
    _audit(session, poll, "create", user.username)
    return poll


def update_poll(session: Session, poll: Poll, data: PollUpdate, *, actor: str) -> Poll:
    """Change a poll's title or status; its questions only while it has no answers.

    Raises
    ------
    Conflict
        When new questions are given for a poll that has answers.
    """
    if data.questions is not None:
        if answer_count(session, poll) and _stored(data.questions) != poll.questions:
            raise Conflict(Message("e_poll_answered"))
        poll.questions = _stored(data.questions)
    for name in ("title", "title_en", "status"):
        if name in data.model_fields_set:
            value = getattr(data, name)
            if value is None and name != "title_en":
                continue
            setattr(poll, name, value.value if isinstance(value, StrEnum) else value)
    poll.updated_at = utcnow()
    session.add(poll)
    session.flush()
    _audit(session, poll, "update", actor)
    return poll


def delete_poll(session: Session, poll: Poll, *, actor: str) -> None:
    """Delete a poll with its answers."""
    session.exec(delete(PollAnswer).where(col(PollAnswer.poll_id) == pk(poll)))
    _audit(session, poll, "delete", actor)
    session.delete(poll)
    session.flush()


def can_manage(session: Session, poll: Poll, reader: Reader) -> bool:
    """Staff manage every poll; a teacher the polls of their own classes."""
    if reader.staff:
        return True
    if poll.class_id is None or reader.user_id is None:
        return False
    fc = session.get(FieldClass, poll.class_id)
    return fc is not None and fc.owner_id == reader.user_id


def poll_for(session: Session, poll_id: int, reader: Reader) -> Poll:
    """A poll its reader may manage; anyone else is told it does not exist."""
    poll = session.get(Poll, poll_id)
    if poll is None or not can_manage(session, poll, reader):
        raise NotFound("poll", poll_id)  # noqa: EM101 (an entity name)
    return poll


def class_polls(
    session: Session, fc: FieldClass, *, learner: bool, staff: bool = False
) -> list[Poll]:
    """The polls a class is asked: its own and its route's, in the order they were made.

    Learners see open polls only; the class's teacher also sees their drafts and the route's
    open and closed polls; staff see everything.
    """
    stmt = (
        select(Poll)
        .where(or_(col(Poll.class_id) == pk(fc), col(Poll.route_id) == fc.route_id))
        .order_by(col(Poll.id))
    )
    polls = list(session.exec(stmt).all())
    if learner:
        return [p for p in polls if p.status == PollStatus.open]
    if staff:
        return polls
    return [p for p in polls if p.class_id is not None or p.status != PollStatus.draft]


def route_polls(session: Session, route: Route) -> list[Poll]:
    """The polls on a route (for editors)."""
    return list(
        session.exec(select(Poll).where(Poll.route_id == pk(route)).order_by(col(Poll.id))).all()
    )


def answer(session: Session, fc: FieldClass, poll_id: int, data: AnswerCreate) -> PollAnswer:
    """Store a learner's answers to an open poll of their class, once per learner.

    Raises
    ------
    NotFound
        When the poll is not open to this class.
    InvalidQuery
        When an answer does not fit its question, or a required one is missing.
    Conflict
        When this learner (the same name or number) already answered this poll in this class.
    """
    poll = next((p for p in class_polls(session, fc, learner=True) if p.id == poll_id), None)
    if poll is None:
        raise NotFound("poll", poll_id)  # noqa: EM101 (an entity name)
    values = checked_answers(poll, data.answers)
    key = learner_digest(poll, fc, data.learner)
    stmt = select(PollAnswer.id).where(
        PollAnswer.poll_id == pk(poll),
        PollAnswer.class_id == pk(fc),
        PollAnswer.rater_key == key,
    )
    if session.exec(stmt).first() is not None:
        msg = Message("e_poll_answered_by", learner=data.learner, poll=poll.id)
        raise Conflict(msg)
    row = PollAnswer(poll_id=pk(poll), class_id=pk(fc), rater_key=key, answers=values)
    session.add(row)
    session.flush()
    return row


def checked_answers(poll: Poll, given: dict[str, Any]) -> dict[str, Any]:
    """The answers as stored, each checked against its question.

    Raises
    ------
    InvalidQuery
        Naming the question (its Chinese text) an answer does not fit.
    """
    questions = {q["key"]: q for q in poll.questions}
    for key in given:
        if key not in questions:
            raise InvalidQuery(Message("e_poll_unknown_question", name=key))
    out: dict[str, Any] = {}
    for key, q in questions.items():
        value = given.get(key)
        if isinstance(value, str) and q["kind"] != QuestionKind.text:
            value = int(value) if value.strip().isdigit() and len(value) < 6 else value
        if value in (None, "", []):
            if q.get("required", True):
                raise InvalidQuery(Message("e_poll_required", question=q["text"]))
            continue
        out[key] = _checked(q, value)
    return out


def _checked(q: dict[str, Any], value: Any) -> Any:
    kind, n = q["kind"], len(q.get("options", []))
    if kind == QuestionKind.single:
        if type(value) is int and 0 <= value < n:
            return value
        raise InvalidQuery(Message("e_poll_choice", question=q["text"]))
    if kind == QuestionKind.multiple:
        values = value if isinstance(value, list) else [value]
        if all(type(v) is int and 0 <= v < n for v in values):
            return sorted(set(values))
        raise InvalidQuery(Message("e_poll_choice", question=q["text"]))
    if kind == QuestionKind.rating:
        if type(value) is int and 1 <= value <= 5:
            return value
        raise InvalidQuery(Message("e_poll_rating", question=q["text"]))
    text = str(value).strip() if not isinstance(value, list) else ""
    if not text or len(text) > TEXT_LIMIT:
        raise InvalidQuery(Message("e_poll_text", question=q["text"], limit=TEXT_LIMIT))
    return text


def learner_digest(poll: Poll, fc: FieldClass, learner: str) -> str:
    """What stands for a learner in their answer: the same for the same name or number however
    spaced or cased, different per poll and class, and not the name itself."""
    seed = f"{pk(poll)}:{pk(fc)}:{rater_key(learner)}"
    return hashlib.sha256(seed.encode()).hexdigest()[:40]


def answer_count(session: Session, poll: Poll, class_ids: list[int] | None = None) -> int:
    """How many answer sets a poll has (in the given classes)."""
    stmt = select(func.count()).where(PollAnswer.poll_id == pk(poll))
    if class_ids is not None:
        stmt = stmt.where(col(PollAnswer.class_id).in_(class_ids))
    return int(session.exec(stmt).one())


def erase_personal(session: Session, class_ids: list[int]) -> None:
    """Past a class's retention: forget who answered and what they wrote in free text."""
    rows = session.exec(
        select(PollAnswer).where(
            col(PollAnswer.class_id).in_(class_ids), col(PollAnswer.rater_key).is_not(None)
        )
    ).all()
    kinds: dict[int, dict[str, str]] = {}
    for row in rows:
        if row.poll_id not in kinds:
            poll = session.get(Poll, row.poll_id)
            kinds[row.poll_id] = {q["key"]: q["kind"] for q in poll.questions} if poll else {}
        row.rater_key = None
        row.answers = {
            k: v for k, v in row.answers.items() if kinds[row.poll_id].get(k) != QuestionKind.text
        }
        session.add(row)


def poll_dict(poll: Poll) -> dict[str, Any]:
    """A poll as its makers and the learner form read it."""
    return {
        "id": poll.id,
        "title": poll.title,
        "title_en": poll.title_en,
        "status": poll.status,
        "class_id": poll.class_id,
        "route_id": poll.route_id,
        "questions": poll.questions,
    }


def _stored(questions: list[QuestionIn]) -> list[dict[str, Any]]:
    """Questions as stored: keyed q1, q2... in the order given."""
    return [
        {
            "key": f"q{n}",
            "kind": q.kind.value,
            "text": q.text,
            "text_en": q.text_en,
            "options": [o.model_dump() for o in q.options],
            "required": q.required,
        }
        for n, q in enumerate(questions, start=1)
    ]


def _audit(session: Session, poll: Poll, action: str, actor: str) -> None:
    audit.record(
        session,
        entity="poll",
        entity_id=pk(poll),
        action=action,
        actor=actor,
        before=None,
        after=audit.snapshot(poll),
    )
