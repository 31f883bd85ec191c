"""`redres import`: a file in, a validation report out, and on success its sites in one transaction.

The pipeline is the same for every format: a reader yields numbered raw rows, `validate.parse_row`
turns each into a `SiteCreate` or a list of `RowError`s, duplicates are matched against the
registry and earlier rows, and only then is anything written: new sites through `bulk`, changed
ones through `sites.update_site` (both audited), all in the caller's transaction. A full export's
stories, people, events, themes and sources (`related`) are checked and written by
`related_import` around the sites, under the same rules.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from redres.catalog import bulk
from redres.catalog.enums import Status
from redres.catalog.io import citations, related_import
from redres.catalog.io.cells import theme_lookup
from redres.catalog.io.duplicates import DUPLICATE_RADIUS_M, DuplicateIndex, Match, SiteKey
from redres.catalog.io.errors import InterchangeError
from redres.catalog.io.fields import map_headers
from redres.catalog.io.formats import format_for
from redres.catalog.io.limits import ImportLimits, check_file_size
from redres.catalog.io.rows import ParsedRow, RowContext, RowError
from redres.catalog.io.validate import parse_row
from redres.catalog.models import Site, SiteTheme, Theme
from redres.catalog.schemas import SiteUpdate
from redres.catalog.sites import update_site
from redres.catalog.slugs import slugify
from redres.geo import normalise_crs

log = logging.getLogger(__name__)

IMPORT_ACTOR = "import"


class OnDuplicate(StrEnum):
    """What to do with a row that duplicates a site (or an earlier row) and differs from it."""

    error = "error"
    skip = "skip"
    update = "update"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to import: CRS of the coordinates, what to do with bad and duplicate rows, limits."""

    crs: str | None = None
    """Coordinates' CRS; None means what the file declares, else WGS-84."""
    dry_run: bool = False
    skip_invalid: bool = False
    on_duplicate: OnDuplicate = OnDuplicate.error
    status: Status = Status.draft
    actor: str = IMPORT_ACTOR
    limits: ImportLimits = field(default_factory=ImportLimits)
    duplicate_radius_m: float = DUPLICATE_RADIUS_M

    def __post_init__(self) -> None:
        if self.status not in (Status.draft, Status.published):
            msg = f"imported sites are draft or published, not {self.status.value!r}"
            raise ValueError(msg)


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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form for the API and `--json`."""
        out = asdict(self)
        out["errors"] = [{**asdict(e), "value": _json_safe(e.value)} for e in self.errors]
        out["ok"] = self.ok
        return out


@dataclass(slots=True)
class _Plan:
    creates: dict[int, ParsedRow] = field(default_factory=dict)
    updates: dict[int, tuple[ParsedRow, int]] = field(default_factory=dict)


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
    ValueError
        For an unknown `options.crs`.
    """
    options = options or ImportOptions()
    fmt = format_for(path)
    forced_crs = normalise_crs(options.crs) if options.crs else None
    check_file_size(path, options.limits)
    table = fmt.read(path, options.limits)
    crs = forced_crs or table.crs or "wgs84"
    report = ImportReport(file=path.name, format=fmt.name, crs=crs, dry_run=options.dry_run)
    report.warnings.extend(table.warnings)
    columns = map_headers(table.headers)
    _check_columns(path, table.headers, columns, report)
    themes: dict[str, tuple[str | None, str | None]] = {
        t.slug: (t.name, t.name_en) for t in session.exec(select(Theme))
    }
    for slug, names in related_import.file_themes(table.related).items():
        themes.setdefault(slug, names)
    ctx = RowContext(columns=columns, crs=crs, themes=theme_lookup(themes), status=options.status)
    header_of: dict[str, str] = {}
    for h, f in columns.items():
        header_of.setdefault(f, h)

    existing, in_file = (
        DuplicateIndex(options.duplicate_radius_m),
        DuplicateIndex(options.duplicate_radius_m),
    )
    site_slugs: set[str] = set()
    slug_of_id: dict[int, str] = {}
    ref_to_id: dict[str, int] = {}
    keys = sa_select(
        col(Site.id), col(Site.slug), col(Site.code), col(Site.name), col(Site.lon), col(Site.lat)
    )
    for sid, slug, code, name, lon, lat in session.connection().execute(keys):
        existing.add(sid, SiteKey(code, slug, name, lon, lat))
        site_slugs.add(slug)
        slug_of_id[int(sid or 0)] = slug
        ref_to_id[slug] = int(sid or 0)
        if code:
            ref_to_id.setdefault(code, int(sid or 0))

    plan = _Plan()
    matched: dict[int, tuple[ParsedRow, Match]] = {}
    for raw in table.rows:
        report.rows += 1
        parsed = parse_row(raw, ctx)
        if isinstance(parsed, list):
            report.errors.extend(parsed)
            continue
        s = parsed.site
        key = SiteKey(s.code, s.slug, s.name, s.lon, s.lat)
        dup = in_file.find(key)
        if dup is not None:
            if options.on_duplicate == OnDuplicate.error:
                report.errors.append(_dup_error(parsed, dup, header_of, f"row {dup.ref}"))
            elif options.on_duplicate == OnDuplicate.update and dup.ref in plan.creates:
                plan.creates[dup.ref] = parsed  # the later row wins
                report.skipped += 1
            elif options.on_duplicate == OnDuplicate.update and dup.ref in matched:
                matched[dup.ref] = (parsed, matched[dup.ref][1])
                report.skipped += 1
            else:
                report.skipped += 1
            continue
        in_file.add(parsed.number, key)
        hit = existing.find(key)
        if hit is None:
            plan.creates[parsed.number] = parsed
        else:
            matched[parsed.number] = (parsed, hit)

    _plan_matches(session, matched, plan, options, report, header_of)
    slugs = _allocate_slugs(plan, site_slugs)
    parents = _resolve_parents(plan, slugs, ref_to_id, report, header_of)
    report.errors.sort(key=lambda e: e.row)
    related_plan = None
    site_target: dict[str, str] = {}
    if table.related:
        site_target = _site_targets(plan, slugs, matched, slug_of_id)
        related_plan = related_import.check(
            session,
            table.related,
            site_target=site_target,
            on_duplicate=options.on_duplicate,
            errors=report.errors,
        )
        report.related = {p: asdict(c) for p, c in related_plan.counts.items()}
    if report.errors and not options.skip_invalid:
        return report
    report.created, report.updated = len(plan.creates), len(plan.updates)
    related_writes = related_plan is not None and any(related_plan.writes.values())
    if options.dry_run or not (plan.creates or plan.updates or related_writes):
        return report
    if related_plan is not None:
        related_import.write_before_sites(session, related_plan, actor=options.actor)
    if plan.creates or plan.updates:
        _write(session, plan, slugs, parents, options, progress)
    if related_plan is not None:
        related_import.write_after_sites(
            session, related_plan, site_target=site_target, actor=options.actor
        )
    report.written = True
    return report


def _site_targets(
    plan: _Plan,
    slugs: dict[int, str],
    matched: dict[int, tuple[ParsedRow, Match]],
    slug_of_id: dict[int, str],
) -> dict[str, str]:
    """Each site slug a related record may name -> the slug that site has after the import.

    The registry's slugs name themselves; a file's slug names the site its row creates, or
    the registry site its row matched (which may have another slug).
    """
    out = {slug: slug for slug in slug_of_id.values()}
    for number, slug in slugs.items():
        out[slug] = slug
        given = plan.creates[number].site.slug
        if given:
            out[given] = slug
    for parsed, match in matched.values():
        if parsed.site.slug:
            out.setdefault(parsed.site.slug, slug_of_id[int(match.ref)])
    return out


def _check_columns(
    path: Path, headers: list[str], columns: dict[str, str], report: ImportReport
) -> None:
    fields = set(columns.values())
    for required, zh in (("name", "名称"), ("category", "类别")):
        if required not in fields:
            msg = (
                f"{path.name!r} has no {required} column ({required} or {zh}); "
                f"its headers are {headers!r}"
            )
            raise InterchangeError(msg)
    for header in headers:
        if columns.get(header) is None:
            report.warnings.append(f"column {header!r} is not a registry field; ignored")


def _plan_matches(
    session: Session,
    matched: dict[int, tuple[ParsedRow, Match]],
    plan: _Plan,
    options: ImportOptions,
    report: ImportReport,
    header_of: dict[str, str],
) -> None:
    """Sort rows that match existing sites into unchanged, skipped, updates and errors."""
    ids = sorted({int(m.ref) for _, m in matched.values()})
    with_sources = any("sources" in p.present for p, _ in matched.values())
    cited = citations.cited_refs(session, citations.SITE, ids) if with_sources else {}
    sites: dict[int, Site] = {}
    weights: dict[int, dict[str, float]] = {i: {} for i in ids}
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        sites.update(
            (s.id, s) for s in session.exec(select(Site).where(col(Site.id).in_(part))) if s.id
        )
        stmt = (
            select(SiteTheme.site_id, Theme.slug, SiteTheme.weight)
            .join(Theme, col(Theme.id) == SiteTheme.theme_id)
            .where(col(SiteTheme.site_id).in_(part))
        )
        for sid, slug, w in session.exec(stmt):
            weights[sid][slug] = w
    for number, (parsed, match) in matched.items():
        site = sites[int(match.ref)]
        old_sources = cited.get(int(match.ref), [])
        if not _differs(parsed, site, weights[int(match.ref)], old_sources):
            report.unchanged += 1
        elif options.on_duplicate == OnDuplicate.update:
            plan.updates[number] = (parsed, int(match.ref))
        elif options.on_duplicate == OnDuplicate.skip:
            report.skipped += 1
        else:
            report.errors.append(_dup_error(parsed, match, header_of, f"site {site.slug!r}"))


def _differs(
    parsed: ParsedRow,
    site: Site,
    weights: dict[str, float],
    sources: list[citations.SourceRef],
) -> bool:
    if "sources" in parsed.present and list(parsed.sources) != sources:
        return True
    for name in _update_fields(parsed):
        new = getattr(parsed.site, name)
        if name == "themes":
            if (new or {}) != weights:
                return True
            continue
        old = getattr(site, name)
        if name == "footprint":
            old = json.loads(old) if old else None
        if name in ("aliases", "designations"):
            old, new = old or [], new or []
        if name == "closures":
            old, new = old or [], [c.as_json() for c in new or []]
        if old != new:
            return True
    return False


def _update_fields(parsed: ParsedRow) -> list[str]:
    return sorted(parsed.present - {"status", "slug", "parent", "sources"})


def _dup_error(parsed: ParsedRow, match: Match, header_of: dict[str, str], what: str) -> RowError:
    column = "code" if match.reason.startswith("same registry code") else "name"
    if match.reason.startswith("same slug"):
        column = "slug"
    value = getattr(parsed.site, column)
    reason = f"duplicate of {what} ({match.reason}); use --on-duplicate update or skip"
    return RowError(parsed.number, header_of.get(column, column), value, reason)


def _allocate_slugs(plan: _Plan, taken: set[str]) -> dict[int, str]:
    """A free slug for each new site: its own if given, else from its name, as create_site does."""
    out: dict[int, str] = {}
    used = set(taken)
    for number, parsed in plan.creates.items():
        if parsed.site.slug:
            out[number] = parsed.site.slug
            used.add(parsed.site.slug)
    for number, parsed in plan.creates.items():
        if number in out:
            continue
        text = parsed.site.name_en or parsed.site.name
        base = bulk.pinyin_slug(text) or slugify(text)
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        out[number] = slug
    return out


def _resolve_parents(
    plan: _Plan,
    slugs: dict[int, str],
    ref_to_id: dict[str, int],
    report: ImportReport,
    header_of: dict[str, str],
) -> dict[int, str | int]:
    """Row number -> parent (an existing site id, or the slug of a site created by this import)."""
    in_file: dict[str, str] = {}
    for number, parsed in plan.creates.items():
        in_file[slugs[number]] = slugs[number]
        if parsed.site.code:
            in_file.setdefault(parsed.site.code, slugs[number])
    out: dict[int, str | int] = {}
    rows = [*plan.creates.items(), *((n, p) for n, (p, _) in plan.updates.items())]
    for number, parsed in rows:
        ref = parsed.parent
        if not ref:
            continue
        target: str | int | None = in_file.get(ref, ref_to_id.get(ref))
        if target is None or target == slugs.get(number):
            reason = (
                "is the site itself"
                if target is not None
                else "names no site in the registry or file"
            )
            report.errors.append(
                RowError(number, header_of.get("parent", "parent"), ref, f"parent {reason}")
            )
            continue
        out[number] = target
    return out


def _write(
    session: Session,
    plan: _Plan,
    slugs: dict[int, str],
    parents: dict[int, str | int],
    options: ImportOptions,
    progress: Callable[[int, int], None] | None,
) -> None:
    numbers = sorted(plan.creates)
    items = [
        bulk.NewSite(
            plan.creates[n].site,
            slugs[n],
            parents[n] if isinstance(parents.get(n), int) else None,  # type: ignore[arg-type]
        )
        for n in numbers
    ]
    theme_ids = {t.slug: int(t.id or 0) for t in session.exec(select(Theme))}
    ids = bulk.insert_sites(
        session, items, theme_ids=theme_ids, actor=options.actor, progress=progress
    )
    id_of_slug = {slugs[n]: sid for n, sid in zip(numbers, ids, strict=True)}
    late = {
        id_of_slug[slugs[n]]: id_of_slug[p]
        for n, p in parents.items()
        if n in plan.creates and isinstance(p, str)
    }
    bulk.set_parents(session, late)
    cited = {
        sid: plan.creates[n].sources
        for n, sid in zip(numbers, ids, strict=True)
        if plan.creates[n].sources
    }
    citations.cite(session, citations.SITE, cited, replace=False)
    for number in sorted(plan.updates):
        parsed, site_id = plan.updates[number]
        site = session.get(Site, site_id)
        assert site is not None
        fields = {name: getattr(parsed.site, name) for name in _update_fields(parsed)}
        if number in parents:
            p = parents[number]
            fields["parent_id"] = p if isinstance(p, int) else id_of_slug[p]
        update_site(session, site, SiteUpdate(**fields), actor=options.actor)
    recited = {
        site_id: parsed.sources
        for parsed, site_id in plan.updates.values()
        if "sources" in parsed.present
    }
    citations.cite(session, citations.SITE, recited, replace=True)
    session.flush()
    log.info("import staged %d new and %d changed sites", len(items), len(plan.updates))


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
