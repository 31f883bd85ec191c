"""Optimistic concurrency for the records editors change: a save made from an old version fails.

Every versioned record (`models.VERSIONED`) counts its changes in `version`, once per
transaction that changes it: a flush hook counts changes of the row's own columns (on every
write path: API, forms, imports, restores), and writers that replace a record's links call
`bump`. Saving the same values again, or only touching `updated_at`, counts nothing, so it
cannot make another editor's save fail.

A writer that knows which version it started from calls `claim` before changing anything: one
conditional UPDATE both checks the version and takes the row for the rest of the transaction,
so of two saves made from the same version exactly one succeeds, on SQLite (one writer at a
time) and on PostgreSQL (row lock, re-checked after the first commits) alike.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session, object_session

from redres.catalog.errors import CatalogError

BOOKKEEPING = frozenset({"version", "updated_at"})
"""Columns whose change alone is not a change of the record."""

_MOVED = "redres.versions.moved"
"""`Session.info` key: the records whose version this transaction has already moved on."""


class StaleVersion(CatalogError):
    """The record changed since the version a writer started from (HTTP 412)."""

    def __init__(self, entity: str, key: object, current: int) -> None:
        self.entity = entity
        self.key = key
        self.current = current
        super().__init__(
            f"{entity} {key!r} was changed by someone else since you read it "
            f"(now at version {current}); read it again and reapply your change"
        )


def claim(session: Session, record: Any, expected: Collection[int] | None) -> None:
    """Check that `record` is still at one of the `expected` versions and hold it until commit.

    `None` means no precondition (a client that sent no If-Match, or `*`): nothing is checked.
    On success the record is reloaded under the hold, so the write starts from what is stored
    now, not from what was read before the check.

    Raises
    ------
    StaleVersion
        When the stored version is none of `expected` (an empty collection never matches).
    """
    if expected is None:
        return
    table: Any = type(record).__table__
    held = session.connection().execute(
        update(table)
        .where(table.c.id == record.id, table.c.version.in_(sorted(expected) or [-1]))
        .values(version=table.c.version)
    )
    session.refresh(record)
    if held.rowcount != 1:
        key = getattr(record, "slug", None) or record.id
        raise StaleVersion(type(record).__name__.lower(), key, current_version(record))


def bump(record: Any) -> None:
    """Count a change the row's own columns do not show (its links to other records replaced);
    a no-op when this transaction has already counted a change of the record."""
    session = object_session(record)
    if session is None or _first_move(session, record):
        record.version = current_version(record) + 1


def current_version(record: Any) -> int:
    """The version of a versioned record as loaded (1 before its first flush)."""
    return int(getattr(record, "version", None) or 1)


def count_changes(models: Iterable[type[Any]]) -> None:
    """Make every UPDATE of these tables that changes a column of content move the version on."""
    for model in models:
        event.listen(model, "before_update", _count_update)


def _count_update(_mapper: Any, _connection: Any, target: Any) -> None:
    state = inspect(target)
    changed = any(
        state.attrs[attr.key].history.has_changes()
        for attr in state.mapper.column_attrs
        if attr.key not in BOOKKEEPING
    )
    session = object_session(target)
    if changed and session is not None and _first_move(session, target):
        target.version = current_version(target) + 1


def _first_move(session: Session, record: Any) -> bool:
    """Whether this is the transaction's first change of `record` (and note that it is)."""
    moved: set[tuple[str, Any]] = session.info.setdefault(_MOVED, set())
    key = (type(record).__name__, record.id)
    if key in moved:
        return False
    moved.add(key)
    return True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_moves(session: Session) -> None:
    session.info.pop(_MOVED, None)
