"""Optimistic concurrency for the records editors change: a save made from an old version fails.

Every versioned record (`models.VERSIONED`) counts its changes in `version` (moved on at each
UPDATE by the hook in `models`). A writer that knows which version it started from calls
`claim` before changing anything: one conditional UPDATE both checks the version and takes the
row for the rest of the transaction, so of two saves made from the same version exactly one
succeeds, on SQLite (one writer at a time) and on PostgreSQL (row lock, re-checked after the
first commits) alike.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel

from redres.catalog.errors import CatalogError
from redres.catalog.models import pk


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


def claim(session: Session, record: SQLModel, expected: Collection[int] | None) -> None:
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
    table: Any = type(record).__table__  # type: ignore[attr-defined]
    held = session.connection().execute(
        update(table)
        .where(table.c.id == pk(record), table.c.version.in_(sorted(expected) or [-1]))
        .values(version=table.c.version)
    )
    session.refresh(record)
    if held.rowcount != 1:
        key = getattr(record, "slug", None) or pk(record)
        raise StaleVersion(type(record).__name__.lower(), key, current_version(record))


def bump(record: SQLModel) -> None:
    """Count a change the row's own columns do not show (links to other records replaced)."""
    record.version = current_version(record) + 1


def current_version(record: SQLModel) -> int:
    """The version of a versioned record as loaded (1 before its first flush)."""
    return int(getattr(record, "version", None) or 1)
