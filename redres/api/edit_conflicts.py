"""Editor forms carry the version they were opened at; a save from an older version shows a
conflict, with the editor's input kept, instead of overwriting someone else's change."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlmodel import Session, SQLModel

from redres.api.i18n import pick_language, translator
from redres.catalog.audit import history
from redres.catalog.models import pk
from redres.catalog.versions import StaleVersion, claim

VERSION_FIELD = "version"
"""The hidden form field that holds the version a form was opened at."""


def opened_at(form: Any) -> frozenset[int] | None:
    """The version a submitted form was opened at; None for a form without one (no check).

    A value that is not a version number matches nothing, so a mangled form never overwrites.
    """
    raw = str(form.get(VERSION_FIELD, "")).strip()
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return frozenset({int(raw)})
    return frozenset()


def save_conflict(request: Request, session: Session, record: SQLModel, form: Any) -> str | None:
    """Hold `record` for this save if it is still at the version the form was opened at.

    Returns None when the save may go on, or, when the record changed since, the message to
    show (in the reader's language); the transaction is then rolled back and `record` reads
    as stored now.
    """
    try:
        claim(session, record, opened_at(form))
    except StaleVersion:
        session.rollback()
        return conflict_message(request, session, record)
    return None


def conflict_message(request: Request, session: Session, record: SQLModel) -> str:
    """Who changed the record last and when, and that the editor's input is kept below."""
    _ = translator(pick_language(request))
    entries = history(session, entity=type(record).__name__.lower(), entity_id=pk(record))
    if not entries:
        return _("edit_conflict_plain")
    last = entries[-1]
    return _("edit_conflict", who=last.actor, when=last.at.strftime("%Y-%m-%d %H:%M"))
