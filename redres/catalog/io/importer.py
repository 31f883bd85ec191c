"""`redres import`: a file in, a validation report out, and on success its sites in one transaction.

The pipeline is the same for every format, one step per module:

1. `import_open`: the reader for the extension opens the file; its columns are mapped to fields.
2. `import_index`: the keys of the registered sites and the themes rows may name.
3. `import_classify`: each row checked (`validate.parse_row`) and sorted into new, matching a
   registered site, or a duplicate of an earlier row.
4. `import_plan`: matches compared, slugs and parents resolved, related records checked.
5. `import_write`: only when no row is bad (or bad rows are skipped), new sites through `bulk`,
   changed ones through `sites.update_site` (both audited), all in the caller's transaction.

A full export's stories, people, events, themes and sources (`related_import`) are checked and
written around the sites, under the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session

from redres.catalog.io.import_classify import Classified, classify
from redres.catalog.io.import_index import index_registry
from redres.catalog.io.import_open import OpenedFile, open_file
from redres.catalog.io.import_options import IMPORT_ACTOR, ImportOptions, OnDuplicate
from redres.catalog.io.import_plan import ImportPlan, plan_import
from redres.catalog.io.import_write import write_plan
from redres.catalog.io.rows import RowError
from redres.messages import Message

__all__ = ["IMPORT_ACTOR", "ImportOptions", "ImportReport", "OnDuplicate", "import_file"]


@dataclass(slots=True)
class ImportReport:
    """What an import found and did; `errors` lists every bad row."""

    file: str
    format: str
    crs: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    related: dict[str, dict[str, int]] = field(default_factory=dict)
    """For a full export: per part (stories, people, ...) how many were created, updated,
    unchanged or skipped."""
    dry_run: bool = False
    written: bool = False
    """Whether changes were staged in the session (the caller's commit makes them stick)."""

    @property
    def ok(self) -> bool:
        """No bad rows."""
        return not self.errors

    @property
    def bad_rows(self) -> int:
        """How many rows are bad (a row with three bad cells counts once)."""
        return len({e.row for e in self.errors})

    def to_dict(self, say: Callable[[str], str] = str) -> dict[str, Any]:
        """A JSON-safe form for the API and `--json`: every reason and warning said by `say`
        (a translator for the reader's language), beside its English and its message key."""
        out = asdict(self)
        out["errors"] = [
            {
                **asdict(e),
                "value": _json_safe(e.value),
                "reason": say(e.reason),
                "reason_en": str(e.reason),
                "reason_key": e.reason.key if isinstance(e.reason, Message) else None,
            }
            for e in self.errors
        ]
        out["warnings"] = [say(w) for w in self.warnings]
        out["warnings_en"] = [str(w) for w in self.warnings]
        out["ok"] = self.ok
        out["bad_rows"] = self.bad_rows
        return out


def import_file(
    session: Session,
    path: Path,
    options: ImportOptions | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate `path` and, unless told not to or a row is bad, stage its sites in `session`.

    Nothing is committed here: the caller's single commit makes the whole import stick, and a
    rollback (or a killed process) leaves the registry as it was.

    Raises
    ------
    InterchangeError
        When the file as a whole cannot be imported (format, encoding, limits, no name column).
    ImportSettingsError
        For an unknown `options.crs`.
    """
    options = options or ImportOptions()
    opened = open_file(path, options)
    registry = index_registry(session, opened.table.related, radius_m=options.duplicate_radius_m)
    rows = classify(opened, registry, options=options)
    try:
        plan = plan_import(session, rows, registry=registry, opened=opened, options=options)
        report = _report(opened, rows, plan, dry_run=options.dry_run)
        if report.errors and not options.skip_invalid:
            return report
        report.created, report.updated = len(plan.creates), len(plan.updates)
        if options.dry_run or not plan.writes_anything:
            return report
        write_plan(session, plan, actor=options.actor, progress=progress)
    finally:
        rows.close()  # the valid rows waited on disk (`row_spill`) until written
    report.written = True
    return report


def _report(
    opened: OpenedFile, rows: Classified, plan: ImportPlan, *, dry_run: bool
) -> ImportReport:
    """What was found: rows, bad rows, duplicates; what is created or updated is added later."""
    return ImportReport(
        file=opened.name,
        format=opened.format,
        crs=opened.crs,
        rows=rows.rows,
        unchanged=plan.unchanged,
        skipped=plan.skipped,
        errors=plan.errors,
        warnings=list(opened.warnings),
        related={p: asdict(c) for p, c in plan.related.counts.items()} if plan.related else {},
        dry_run=dry_run,
    )


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
