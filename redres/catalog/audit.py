"""The audit trail: every write to the registry records who, when, what, before and after."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, col, func, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.enums import Status
from redres.catalog.errors import NotFound

SYSTEM_ACTOR = "system"

BOOKKEEPING = frozenset({"version"})
"""Columns that count changes rather than hold data: never audited, never restored."""


def snapshot(record: SQLModel, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A JSON-safe copy of a record's columns, for the before/after of an audit entry."""
    skip = exclude | BOOKKEEPING
    names = [attr.key for attr in inspect(type(record)).column_attrs if attr.key not in skip]
    return {name: _jsonable(getattr(record, name)) for name in names}


def record(
    session: Session,
    *,
    entity: str,
    entity_id: int,
    action: str,
    actor: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditLog:
    """Add an audit entry in the caller's transaction, so it commits or fails with the change.

    Only the fields that changed are kept in before/after, which keeps the log readable.
    """
    if before is not None and after is not None:
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        changed.discard("updated_at")
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after.get(k) for k in sorted(changed)}
    entry = AuditLog(
        entity=entity, entity_id=entity_id, action=action, actor=actor, before=before, after=after
    )
    session.add(entry)
    return entry


def history(session: Session, *, entity: str, entity_id: int) -> list[AuditLog]:
    """A record's audit entries, oldest first."""
    stmt = (
        select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(col(AuditLog.at), col(AuditLog.id))
    )
    return list(session.exec(stmt))


def history_entries(
    session: Session, *, entity: str, entity_id: int, limit: int, offset: int
) -> tuple[list[AuditLog], int]:
    """One page of a record's audit entries, newest first, and how many there are in all."""
    where = (col(AuditLog.entity) == entity, col(AuditLog.entity_id) == entity_id)
    total = session.exec(select(func.count()).select_from(AuditLog).where(*where)).one()
    stmt = (
        select(AuditLog)
        .where(*where)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.exec(stmt)), int(total)


def as_json(entries: list[AuditLog]) -> list[dict[str, Any]]:
    """Audit entries as every history endpoint shows them: who, when, action, before, after."""
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "before": e.before,
            "after": e.after,
        }
        for e in entries
    ]


def transition(old: Status, new: Status) -> str:
    """The audit action for a workflow move: publish, unpublish, archive, or restore from archive.

    >>> transition(Status.draft, Status.published), transition(Status.archived, Status.draft)
    ('publish', 'restore')
    """
    if old == Status.archived:
        return "restore"
    return {Status.archived: "archive", Status.published: "publish"}.get(new, "unpublish")


def state_after(session: Session, *, entity: str, entity_id: int, entry_id: int) -> dict[str, Any]:
    """A record's recorded state right after audit entry `entry_id`, replayed from its first entry.

    Entries keep only the fields that changed, so the state is the sum of every `after` so far.

    Raises
    ------
    NotFound
        When the entry is not one of this record's.
    """
    state: dict[str, Any] = {}
    for entry in history(session, entity=entity, entity_id=entity_id):
        state.update(entry.after or {})
        if entry.id == entry_id:
            return state
    raise NotFound("history entry", entry_id)  # noqa: EM101 (an entity name)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
