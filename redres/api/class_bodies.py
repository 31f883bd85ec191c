"""The JSON of a field class's small answers: its check-in token, an evaluation, a check-in."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


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
