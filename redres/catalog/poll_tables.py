"""The tables of polls (问卷): a short questionnaire on a class or a route, and learners'
answers to it, each answer set stored with the class it was given in.

Kept apart from `models.py` like `class_tables.py`; `redres/tables.py` lists this module so
the migrations and backups know the tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from redres.catalog import versions
from redres.catalog.models import utcnow


class Poll(SQLModel, table=True):
    """A questionnaire on one class (its teacher's) or one route (an editor's, asked of every
    class on the route).

    `questions` is the ordered list of `{key, kind, text, text_en, options: [{text, text_en}],
    required}`; answers refer to a question by `key` and to an option by its index, which is
    why questions are frozen once the poll has answers.
    """

    id: int | None = Field(default=None, primary_key=True)
    class_id: int | None = Field(
        default=None, foreign_key="fieldclass.id", ondelete="CASCADE", index=True
    )
    route_id: int | None = Field(default=None, foreign_key="route.id", index=True)
    title: str = Field(max_length=200)
    title_en: str | None = Field(default=None, max_length=200)
    status: str = Field(default="draft", sa_type=String(16))
    """draft (its makers only), open (learners answer), closed (results only)."""
    questions: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    owner_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class PollAnswer(SQLModel, table=True):
    """One learner's answers to one poll, given in one class.

    `rater_key` is a digest of the learner's normalised name or number: it keeps one answer
    set per learner, poll and class, is never shown, and is erased with free-text answers
    when the class's retention ends.
    """

    __table_args__ = (UniqueConstraint("poll_id", "class_id", "rater_key"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="poll.id", ondelete="CASCADE", index=True)
    class_id: int = Field(foreign_key="fieldclass.id", ondelete="CASCADE", index=True)
    rater_key: str | None = Field(default=None, max_length=64)
    answers: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    created_at: datetime = Field(default_factory=utcnow, index=True)


versions.count_changes((Poll,))
