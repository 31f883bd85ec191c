"""The JSON of field classes: a class, the list, its evaluation form, its check-in token, an
evaluation and a check-in, as pydantic models for /openapi.json."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CheckinToken(BaseModel):
    """The class's new check-in token (the old one stops working)."""

    checkin_token: str


class EvaluationSaved(BaseModel):
    """An evaluation of one stop, as stored: who rated it and the scores given."""

    id: int | None
    site: str
    rater_role: str
    scores: dict[str, Any]


class CheckinSaved(BaseModel):
    """A learner's check-in at a stop."""

    id: int | None
    site: str
    name: str | None


class ClassBrief(BaseModel):
    """A class in a list: what it is, on which route, when, and for how many."""

    slug: str
    name: str
    route: str | None
    start_date: str
    end_date: str
    group_size: int


class ClassList(BaseModel):
    """The caller's classes (every class for editors), without their tokens."""

    data: list[ClassBrief]
    total: int


class StopInstructor(BaseModel):
    """The instructor booked at a stop."""

    id: int | None
    name: str


class ClassStop(BaseModel):
    """One stop of a class: its day and date, the site, and who teaches there."""

    day: int
    date: str
    site: str
    name: str
    instructor: StopInstructor | None


class ClassBody(ClassBrief):
    """A class as its owner and staff read it, with its check-in token and stops."""

    checkin_token: str | None
    retention_days: int
    stops: list[ClassStop]


class ClassName(BaseModel):
    """Which class a form is for."""

    slug: str
    name: str


class Criterion(BaseModel):
    """One criterion of the evaluation, labelled in the reader's language and in both."""

    key: str
    label: str
    label_zh: str
    label_en: str


class Scale(BaseModel):
    """The range of a score."""

    min: int
    max: int


class FormSite(BaseModel):
    """A stop to evaluate."""

    slug: str
    name: str
    date: str


class EvaluationForm(BaseModel):
    """The evaluation form: criteria, who may rate, the scale and the stops."""

    model_config = ConfigDict(populate_by_name=True)

    class_: ClassName = Field(alias="class")
    criteria: list[Criterion]
    roles: list[str]
    scale: Scale
    sites: list[FormSite]


class RoleScore(BaseModel):
    """The mean score of one criterion given by one rater role, and how many gave it."""

    mean: float | None
    count: int


class StopComment(BaseModel):
    """A comment left with an evaluation of a stop."""

    rater_role: str
    learner: str | None
    comment: str


class StopSummary(BaseModel):
    """The evaluations of one stop: check-ins, scores by criterion and role, comments."""

    site: str
    name: str
    date: str
    checkins: int
    evaluations: int
    criteria: dict[str, dict[str, RoleScore]]
    """Criterion key, then rater role (learner, teacher, class_manager, ...)."""
    comments: list[StopComment]


class EvaluationSummary(BaseModel):
    """A class's evaluations per stop, for its owner and staff."""

    model_config = ConfigDict(populate_by_name=True)

    class_: str = Field(alias="class")
    """The class's slug."""
    sites: list[StopSummary]
