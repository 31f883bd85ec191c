"""The JSON of an import upload (`POST /api/import`): the importer's report, as a pydantic
model for /openapi.json. The same body answers 200 (checked, and written unless a dry run) and
422 (a bad row: nothing written)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class RowErrorBody(BaseModel):
    """One thing wrong with one row: where it is in the file, what it holds, and why it fails."""

    row: int
    column: str | None
    value: Any
    """The cell as read, made JSON-safe."""
    reason: str
    """Why, in the reader's language (`?lang=`, the `lang` cookie, Accept-Language; Chinese
    first)."""
    reason_en: str
    """The same in English."""
    reason_key: str | None
    """The sentence's key in the message catalogue, for programs (null for a bare text)."""


class ImportReportBody(BaseModel):
    """What an import found and did (`catalog.io.importer.ImportReport`)."""

    file: str | None
    """The uploaded file's name."""
    format: str
    crs: str
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    bad_rows: int
    """How many rows are bad (`errors` may hold several per row)."""
    errors: list[RowErrorBody]
    warnings: list[str]
    """In the reader's language, as `reason`."""
    warnings_en: list[str]
    related: dict[str, dict[str, int]]
    """For a full export: per part (stories, people, ...) how many were created, updated,
    unchanged or skipped."""
    dry_run: bool
    written: bool
    """Whether the changes were committed."""
    ok: bool
    """No bad rows."""
