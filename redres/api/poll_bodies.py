"""The JSON of polls: a poll, a list of them, an answer set as stored, and the results, as
pydantic models for /openapi.json."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class PollOption(BaseModel):
    """One option of a choice question."""

    text: str
    text_en: str | None = None


class PollQuestion(BaseModel):
    """A question as stored: its key (`q1`...), kind, texts, options and whether required."""

    key: str
    kind: str
    text: str
    text_en: str | None
    options: list[PollOption]
    required: bool


class PollBody(BaseModel):
    """A poll on a class (`class_id`) or a route (`route_id`)."""

    id: int | None
    title: str
    title_en: str | None
    status: str
    class_id: int | None
    route_id: int | None
    questions: list[PollQuestion]


class PollList(BaseModel):
    """Polls of a class or a route."""

    data: list[PollBody]
    total: int


class AnswerSaved(BaseModel):
    """A learner's answers as stored (who answered is not part of it)."""

    id: int | None
    poll: int
    answers: dict[str, Any]


class OptionCount(PollOption):
    """How many chose an option."""

    count: int


class ScoreCount(BaseModel):
    """How many gave a rating this score."""

    value: int
    count: int


class QuestionResult(BaseModel):
    """One question's tally: options with counts, a rating's mean and spread, or the texts."""

    key: str
    kind: str
    text: str
    text_en: str | None
    answered: int
    options: list[OptionCount] | None = None
    mean: float | None = None
    distribution: list[ScoreCount] | None = None
    texts: list[str] | None = None


class PollResults(BaseModel):
    """A poll's results over the answer sets of the classes asked for."""

    poll: PollBody
    answers: int
    questions: list[QuestionResult]
