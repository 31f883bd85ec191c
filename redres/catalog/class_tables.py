"""The tables of field classes (现场教学班): a class on a route, who teaches at which stop, and
what learners and staff said.

Kept apart from `models.py` so the classes room stays small; `redres.tables` lists this module
so the tables are on the one metadata the migrations are checked against.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from redres.catalog.models import utcnow


class FieldClass(SQLModel, table=True):
    """A class of learners taken along one route from `start_date` to `end_date`."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    name: str = Field(max_length=200)
    route_id: int = Field(foreign_key="route.id", index=True)
    start_date: date
    end_date: date
    """The last day: `start_date` plus the route's days, less one."""
    group_size: int
    owner_id: int = Field(foreign_key="user.id", index=True)
    checkin_token: str | None = Field(default=None, max_length=64, unique=True)
    """What the QR code carries; None once revoked. Learners need no account."""
    retention_days: int
    """Days after `end_date` that learners' names and comments are kept."""
    created_at: datetime = Field(default_factory=utcnow)


class ClassInstructor(SQLModel, table=True):
    """Who teaches a class at one stop of its route."""

    __table_args__ = (UniqueConstraint("class_id", "site_id"),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="fieldclass.id", ondelete="CASCADE", index=True)
    site_id: int = Field(foreign_key="site.id")
    instructor_id: int = Field(foreign_key="instructor.id", index=True)


class ClassEvaluation(SQLModel, table=True):
    """One rater's scores for one stop of a class.

    `rater_key` makes a rater unique per stop and role: a learner's normalised name or number,
    or the account of a staff rater; None for a learner who gave no name (never unique).
    """

    __table_args__ = (UniqueConstraint("class_id", "site_id", "rater_role", "rater_key"),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="fieldclass.id", ondelete="CASCADE", index=True)
    site_id: int = Field(foreign_key="site.id")
    rater_role: str = Field(max_length=32)
    rater_key: str | None = Field(default=None, max_length=120)
    learner: str | None = Field(default=None, max_length=100)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    scores: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    comment: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class ClassCheckin(SQLModel, table=True):
    """A learner arriving at a stop of a class."""

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="fieldclass.id", ondelete="CASCADE", index=True)
    site_id: int = Field(foreign_key="site.id")
    name: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, index=True)
