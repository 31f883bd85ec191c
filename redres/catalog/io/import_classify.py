"""Import, step 3: each row checked, then sorted into a new site, a match of a registered site,
a duplicate of an earlier row, or errors.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from redres.catalog.io.duplicates import (
    DuplicateIndex,
    Match,
    SiteKey,
    match_reason,
    reason_values,
)
from redres.catalog.io.import_index import RegistryIndex
from redres.catalog.io.import_open import OpenedFile
from redres.catalog.io.import_options import ImportOptions, OnDuplicate
from redres.catalog.io.row_spill import RowSpill, SpilledRows, spilled_rows
from redres.catalog.io.rows import ParsedRow, RowContext, RowError
from redres.catalog.io.validate import parse_row
from redres.messages import Message


@dataclass(frozen=True, slots=True)
class MatchedRow:
    """A valid row that names a registered site (same code, slug, or name close by)."""

    row: ParsedRow
    match: Match

    @property
    def site_id(self) -> int:
        """The registered site the row matches."""
        return int(self.match.ref)


@dataclass(frozen=True, slots=True)
class Classified:
    """The file's rows sorted, each keyed by its row number, in file order."""

    new: SpilledRows[ParsedRow]
    """Rows that match no registered site nor an earlier row (kept on disk: `row_spill`)."""
    matched: SpilledRows[MatchedRow]
    rows: int
    """How many rows the file had."""
    skipped: int
    """Rows left out as duplicates of an earlier row (`--on-duplicate skip` or `update`)."""
    errors: list[RowError]
    spill: RowSpill | None = None
    """Where `new` and `matched` keep their rows; `close` deletes it."""

    def close(self) -> None:
        """Delete the rows kept on disk (the plan and the writer read them until then)."""
        if self.spill is not None:
            self.spill.close()


def classify(opened: OpenedFile, registry: RegistryIndex, *, options: ImportOptions) -> Classified:
    """Check every row and match it against the registry and the rows before it.

    With `--on-duplicate update` the later of two duplicate rows wins; with `error` the later
    one is an error, with `skip` it is left out.
    """
    ctx = RowContext(
        columns=opened.columns, crs=opened.crs, themes=registry.themes, status=options.status
    )
    in_file = DuplicateIndex(options.duplicate_radius_m)
    spill = RowSpill()
    new = spilled_rows(spill)
    matched: SpilledRows[MatchedRow] = SpilledRows(spill, _kept_match, _rebuilt_match)
    errors: list[RowError] = []
    try:
        rows, skipped = _sort_rows(opened, registry, options, ctx, in_file, new, matched, errors)
    except BaseException:
        spill.close()
        raise
    return Classified(
        new=new, matched=matched, rows=rows, skipped=skipped, errors=errors, spill=spill
    )


def _sort_rows(
    opened: OpenedFile,
    registry: RegistryIndex,
    options: ImportOptions,
    ctx: RowContext,
    in_file: DuplicateIndex,
    new: MutableMapping[int, ParsedRow],
    matched: MutableMapping[int, MatchedRow],
    errors: list[RowError],
) -> tuple[int, int]:
    """Each row read, checked and put where it belongs; returns the rows and rows skipped."""
    rows = skipped = 0
    for raw in opened.table.rows:
        rows += 1
        parsed = parse_row(raw, ctx)
        if isinstance(parsed, list):
            errors.extend(parsed)
            continue
        key = site_key(parsed)
        dup = in_file.find(key)
        if dup is not None:
            if options.on_duplicate == OnDuplicate.error:
                earlier = Message("dup_row", row=dup.ref, why=dup.reason)
                errors.append(duplicate_error(parsed, dup, opened.header_of, earlier))
                continue
            skipped += 1
            if options.on_duplicate == OnDuplicate.update and dup.ref in new:
                new[dup.ref] = parsed
            elif options.on_duplicate == OnDuplicate.update and dup.ref in matched:
                matched[dup.ref] = MatchedRow(parsed, matched[dup.ref].match)
            continue
        in_file.add(parsed.number, key)
        hit = registry.sites.find(key)
        if hit is None:
            new[parsed.number] = parsed
        else:
            matched[parsed.number] = MatchedRow(parsed, hit)
    return rows, skipped


_KeptMatch = tuple[int, str, str | None, str | None]
"""A matched row's site id and how it matched (`duplicates.reason_values`): what memory holds
of it; the strings are the row's own, shared with the duplicate index."""


def _kept_match(m: MatchedRow) -> tuple[ParsedRow, _KeptMatch]:
    """The row goes to disk, and only the site and how it matched stay. The `Match` with its
    sentence cost ~690 bytes a row: 0.65 GB when a national register is imported again."""
    return m.row, (m.site_id, *reason_values(m.match.reason))


def _rebuilt_match(row: ParsedRow, kept: _KeptMatch) -> MatchedRow:
    site_id, how, value, metres = kept
    return MatchedRow(row, Match(site_id, match_reason(how, value, metres)))


def site_key(parsed: ParsedRow) -> SiteKey:
    """What a row is recognised by as a duplicate."""
    s = parsed.site
    return SiteKey(s.code, s.slug, s.name, s.lon, s.lat)


def duplicate_error(
    parsed: ParsedRow, match: Match, header_of: dict[str, str], reason: Message
) -> RowError:
    """A row duplicating an earlier row or a site (`reason` says which), reported under the
    column matched."""
    column = {"dup_code": "code", "dup_slug": "slug"}.get(match.reason.key, "name")
    value = getattr(parsed.site, column)
    return RowError(parsed.number, header_of.get(column, column), value, reason)
