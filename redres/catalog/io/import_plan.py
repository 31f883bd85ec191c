"""Import, step 4: decide every write before making one.

Matched rows are compared with their sites (unchanged, updated, skipped or an error, per
`--on-duplicate`); new sites get free slugs; parents are resolved to registered sites or sites
of the same file; a full export's related records are checked against the sites' final slugs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from sqlmodel import Session, col, select

import redres.catalog.io.citations as citations
import redres.catalog.io.related_import as related_import
from redres.catalog import bulk
from redres.catalog.io.import_classify import Classified, MatchedRow, duplicate_error
from redres.catalog.io.import_index import RegistryIndex
from redres.catalog.io.import_open import OpenedFile
from redres.catalog.io.import_options import ImportOptions, OnDuplicate
from redres.catalog.io.import_parents import IdOf, parent_differs, parent_loops
from redres.catalog.io.row_spill import RowHead
from redres.catalog.io.rows import ParsedRow, RowError
from redres.catalog.models import Site
from redres.catalog.sites import themes_weights
from redres.catalog.slugs import slugify
from redres.messages import Message

ParentRef = int | str
"""A parent: the id of a registered site, or the slug of a site this import creates."""

_ID_CHUNK = 5000
"""Sites read per query when comparing (keeps `IN (...)` lists within every engine's limits)."""


@dataclass(frozen=True, slots=True)
class NewSite:
    """A row that creates a site, with the slug it gets and its parent."""

    row: ParsedRow
    slug: str
    parent: ParentRef | None = None


@dataclass(frozen=True, slots=True)
class SiteChange:
    """A row that changes a registered site, and the parent it names (None: parent untouched)."""

    row: ParsedRow
    site_id: int
    parent: ParentRef | None = None


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """Everything the import would write, and what it found on the way there."""

    creates: Mapping[int, NewSite]
    """Row number -> the site it creates; each row is read from disk when looked up."""
    updates: Mapping[int, SiteChange]
    unchanged: int
    skipped: int
    """Rows left out as duplicates (of earlier rows, or of sites with `--on-duplicate skip`)."""
    errors: list[RowError]
    """Every bad row, sites' by row number, then the related records'."""
    related: related_import.RelatedPlan | None = None
    site_target: Mapping[str, str] | None = None
    """Each site slug a related record may name -> the slug that site has after the import."""
    parent_slugs: frozenset[str] = frozenset()
    """The slugs of new sites that other rows name as their parent."""

    @property
    def writes_anything(self) -> bool:
        """Whether writing would change the registry at all."""
        related = self.related is not None and any(self.related.writes.values())
        return bool(self.creates or self.updates or related)


class _Compared(NamedTuple):
    updates: Mapping[int, MatchedRow]
    unchanged: int
    skipped: int
    errors: list[RowError]


class _Parents(NamedTuple):
    of_row: dict[int, ParentRef]
    errors: list[RowError]


def plan_import(
    session: Session,
    rows: Classified,
    *,
    registry: RegistryIndex,
    opened: OpenedFile,
    options: ImportOptions,
) -> ImportPlan:
    """The plan for `rows`; reads the matched sites, writes nothing."""
    compared = _compare(
        session, rows.matched, options.on_duplicate, opened.header_of, registry.id_of
    )
    slugs = _allocate_slugs(rows.new.heads, registry.slugs)
    parents = _resolve_parents(
        rows.new.heads, compared.updates, slugs, registry.id_of, opened.header_of
    )
    loops = parent_loops(
        session, rows.new.heads, slugs, compared.updates, parents.of_row, opened.header_of
    )
    errors = [*rows.errors, *compared.errors, *parents.errors, *loops]
    errors.sort(key=lambda e: e.row)
    related = None
    site_target = None
    if opened.table.related:
        site_target = _site_targets(rows, slugs, registry.slug_of_id())
        related = related_import.check(
            session,
            opened.table.related,
            site_target=site_target,
            on_duplicate=options.on_duplicate,
            errors=errors,
        )
    return ImportPlan(
        creates=_Lazy(rows.new, lambda n, row: NewSite(row, slugs[n], parents.of_row.get(n))),
        updates=_Lazy(
            compared.updates, lambda n, m: SiteChange(m.row, m.site_id, parents.of_row.get(n))
        ),
        unchanged=compared.unchanged,
        skipped=rows.skipped + compared.skipped,
        errors=errors,
        related=related,
        site_target=site_target,
        parent_slugs=frozenset(p for p in parents.of_row.values() if isinstance(p, str)),
    )


T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")
W = TypeVar("W")


class _Lazy(Mapping[K, W], Generic[K, V, W]):
    """A mapping whose values are made from another's when looked up, so that rows kept on
    disk (`row_spill`) are read one at a time and not all held by the plan."""

    def __init__(
        self, source: Mapping[K, V], make: Callable[[K, V], W], keys: Mapping[K, None] | None = None
    ) -> None:
        self._source = source
        self._make = make
        self._keys: Mapping[K, Any] = source if keys is None else keys
        """The keys it has: all the source's, or those of `keys` (in their order)."""

    def __getitem__(self, key: K) -> W:
        if key not in self._keys:
            raise KeyError(key)
        return self._make(key, self._source[key])

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def update_fields(parsed: ParsedRow) -> list[str]:
    """The fields an update from this row sets: those its file gave, but slug and status."""
    return sorted(parsed.present - {"status", "slug", "parent", "sources"})


def _compare(
    session: Session,
    matched: Mapping[int, MatchedRow],
    on_duplicate: OnDuplicate,
    header_of: dict[str, str],
    id_of: IdOf,
) -> _Compared:
    """Sort rows that match registered sites into unchanged, skipped, updates and errors.

    The rows are compared `_ID_CHUNK` at a time, in file order, each chunk's sites read and
    let go: holding every matched `Site` at once made a re-import of a whole registry (a
    million rows that all match) grow by gigabytes."""
    changed: dict[int, None] = {}  # the matches that change their site, in file order
    unchanged = skipped = 0
    errors: list[RowError] = []
    for chunk in _chunks(matched.items(), _ID_CHUNK):
        compared = _differing(session, chunk, id_of)
        for (number, m), (differs, slug) in zip(chunk, compared, strict=True):
            if not differs:
                unchanged += 1
            elif on_duplicate == OnDuplicate.update:
                changed[number] = None
            elif on_duplicate == OnDuplicate.skip:
                skipped += 1
            else:
                reason = Message("dup_site", slug=slug, why=m.match.reason)
                errors.append(duplicate_error(m.row, m.match, header_of, reason))
    return _Compared(_Lazy(matched, lambda _n, m: m, changed), unchanged, skipped, errors)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last shorter), read as they are needed."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _differing(
    session: Session, chunk: list[tuple[int, MatchedRow]], id_of: IdOf
) -> list[tuple[bool, str]]:
    """For each matched row of `chunk`, whether it would change its site (fields, themes,
    sources or parent), and the site's slug. The sites are not kept: the session holds loaded
    objects weakly, so they go with this call."""
    ids = sorted({m.site_id for _, m in chunk})
    sites = {s.id: s for s in session.exec(select(Site).where(col(Site.id).in_(ids))) if s.id}
    weights = themes_weights(session, ids)
    with_sources = any("sources" in m.row.present for _, m in chunk)
    cited = citations.cited_refs(session, citations.SITE, ids) if with_sources else {}
    out = []
    for _, m in chunk:
        site = sites[m.site_id]
        differs = _differs(m.row, site, weights[m.site_id], cited.get(m.site_id, []))
        out.append((differs or parent_differs(m.row, site, id_of), site.slug))
    return out


def _differs(
    parsed: ParsedRow,
    site: Site,
    weights: dict[str, float],
    sources: list[citations.SourceRef],
) -> bool:
    """Whether the row would change the site in any field it gives (themes and sources too)."""
    if "sources" in parsed.present and list(parsed.sources) != sources:
        return True
    for name in update_fields(parsed):
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


def _allocate_slugs(new: Mapping[int, RowHead], taken: Collection[str]) -> dict[int, str]:
    """A free slug for each new site: its own if given, else from its name, as create_site does."""
    out: dict[int, str] = {}
    used: set[str] = set()  # this file's; the registry's are read in `taken`, not copied
    for number, head in new.items():
        if head.slug:
            out[number] = head.slug
            used.add(head.slug)
    for number, head in new.items():
        if number in out:
            continue
        text = head.name_en or head.name
        base = bulk.pinyin_slug(text) or slugify(text)
        slug, n = base, 1
        while slug in used or slug in taken:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        out[number] = slug
    return out


def _resolve_parents(
    new: Mapping[int, RowHead],
    updates: Mapping[int, MatchedRow],
    slugs: dict[int, str],
    id_of: IdOf,
    header_of: dict[str, str],
) -> _Parents:
    """Row number -> parent (a registered site's id, or the slug of a site this import creates)."""
    in_file: dict[str, str] = {}
    for number, head in new.items():
        in_file[slugs[number]] = slugs[number]
        if head.code:
            in_file.setdefault(head.code, slugs[number])
    out: dict[int, ParentRef] = {}
    errors: list[RowError] = []
    refs = [
        *((n, h.parent) for n, h in new.items()),
        *((n, m.row.parent) for n, m in updates.items()),
    ]
    for number, ref in refs:
        if not ref:
            continue
        target: ParentRef | None = in_file.get(ref) or id_of(ref)
        if target is None or target == slugs.get(number):
            reason = Message("e_parent_self" if target is not None else "e_parent_unknown")
            column = header_of.get("parent", "parent")
            errors.append(RowError(number, column, ref, reason))
            continue
        out[number] = target
    return _Parents(out, errors)


def _site_targets(
    rows: Classified, slugs: dict[int, str], slug_of_id: dict[int, str]
) -> dict[str, str]:
    """Each site slug a related record may name -> the slug that site has after the import.

    The registry's slugs name themselves; a file's slug names the site its row creates, or
    the registry site its row matched (which may have another slug).
    """
    out = {slug: slug for slug in slug_of_id.values()}
    for number, slug in slugs.items():
        out[slug] = slug
        given = rows.new.heads[number].slug
        if given:
            out[given] = slug
    for m in rows.matched.values():
        if m.row.site.slug:
            out.setdefault(m.row.site.slug, slug_of_id[m.site_id])
    return out
