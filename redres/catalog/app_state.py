"""Facts about this installation kept in the database, so every worker and command sees them."""

from __future__ import annotations

from sqlmodel import Session

from redres.catalog.models import utcnow
from redres.catalog.state_tables import AppState

DEMO_LOADED = "demo_loaded"
"""Set by `redres demo`: the catalogue holds the bundled Wuhan demo (so its road network applies)."""


def set_fact(session: Session, key: str, value: str) -> None:
    """Record (or overwrite) one fact; the caller commits."""
    row = session.get(AppState, key)
    if row is None:
        session.add(AppState(key=key, value=value))
    else:
        row.value, row.updated_at = value, utcnow()
        session.add(row)


def get_fact(session: Session, key: str) -> str | None:
    """The recorded value of `key`, or None."""
    row = session.get(AppState, key)
    return None if row is None else row.value


def mark_demo_loaded(session: Session, directory: str) -> None:
    """Remember that the demo catalogue from `directory` was loaded."""
    set_fact(session, DEMO_LOADED, directory)


def demo_loaded(session: Session) -> bool:
    """Whether `redres demo` loaded the bundled demo into this catalogue."""
    return get_fact(session, DEMO_LOADED) is not None
