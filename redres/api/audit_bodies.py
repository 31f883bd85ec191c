"""The JSON of a record's audit history, as every `GET /api/{kind}/{key}/history` answers it:
one model, so /openapi.json shows what an entry holds."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from redres.catalog.account_tables import AuditLog
from redres.catalog.audit import as_json


class HistoryEntry(BaseModel):
    """One change: who, when, what kind of change, and the record's values before and after."""

    id: int | None
    at: str
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def history_entries(entries: list[AuditLog]) -> list[HistoryEntry]:
    """Audit rows as the history endpoints show them, oldest first."""
    return [HistoryEntry.model_validate(e) for e in as_json(entries)]


class SiteHistory(BaseModel):
    """A site's slug and its audit entries, oldest first."""

    site: str
    entries: list[HistoryEntry]


class RouteHistory(BaseModel):
    """A route's slug and its audit entries, oldest first."""

    route: str
    entries: list[HistoryEntry]


class StoryHistory(BaseModel):
    """A story's slug and its audit entries, oldest first."""

    story: str
    entries: list[HistoryEntry]


class PersonHistory(BaseModel):
    """A person's slug and their audit entries, oldest first."""

    person: str
    entries: list[HistoryEntry]


class EventHistory(BaseModel):
    """An event's slug and its audit entries, oldest first."""

    event: str
    entries: list[HistoryEntry]


class ThemeHistory(BaseModel):
    """A theme's slug and its audit entries, oldest first."""

    theme: str
    entries: list[HistoryEntry]
