"""A sliding window of calls per key, kept in the database so every worker process counts
together: behind `redres serve --workers N` a client gets the limit once, not N times.

Each allowed call is one row (`ratehit`: key, time). A check runs in its own short
transaction, apart from the request's session, so a call counts even when the request fails.
The check is serialised per key: PostgreSQL takes a transaction-scoped advisory lock on the
key; SQLite's first write (the delete of expired calls) takes the database's write lock.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from sqlalchemy import Engine, Index, delete, func, insert, select
from sqlmodel import Field, SQLModel

SWEEP_AFTER_SECONDS = 86_400.0
"""Calls older than this are deleted for every key now and then (no window is longer)."""

_SWEEP_CHANCE = 0.001


class RateHit(SQLModel, table=True):
    """One call that a limit let through, counted while it is inside its window."""

    __table_args__ = (Index("ix_ratehit_key_at", "key", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    at: float


class RateWindow:
    """At most `limit` calls per `window` seconds for each key, across processes."""

    def __init__(
        self,
        engine: Engine,
        limit: int,
        window: float,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if limit < 1 or window <= 0 or window > SWEEP_AFTER_SECONDS:
            msg = f"rate limit {limit!r} per {window!r} s must be positive and at most a day"
            raise ValueError(msg)
        self.engine = engine
        self.limit = limit
        self.window = window
        self._clock = clock  # wall time: monotonic clocks are not shared between processes

    def check(self, key: str) -> float | None:
        """Record a call; None when allowed, else the seconds until the next one is."""
        key = key[:200]
        now = self._clock()
        table = RateHit.__table__  # type: ignore[attr-defined]
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))
            conn.execute(delete(table).where(table.c.key == key, table.c.at <= now - self.window))
            count, oldest = conn.execute(
                select(func.count(), func.min(table.c.at)).where(table.c.key == key)
            ).one()
            if count >= self.limit:
                return float(oldest) + self.window - now
            conn.execute(insert(table).values(key=key, at=now))
            if random.random() < _SWEEP_CHANCE:
                conn.execute(delete(table).where(table.c.at <= now - SWEEP_AFTER_SECONDS))
        return None
