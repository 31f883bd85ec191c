"""Importing the related parts of a file (see `related`): check every record, then write them.

Each record is validated by its part's schema, its links must name a site, person, event or
source that is in the file or the registry, and a record whose slug (key, for sources) is already
in the registry is unchanged when it says the same, and otherwise follows `--on-duplicate`
(error, skip or update), as site rows do. Problems are `RowError`s numbered within their part
(`stories` record 2 is row 2, column `stories.sites`), so they land in the same row report.
Writing happens in two steps around the sites: sources and themes first (sites name them),
then people, events, stories, their links and citations, all audited, in the import's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import delete, insert
from sqlmodel import Session, SQLModel, col, select

from redres.catalog import audit
from redres.catalog.enums import Status
from redres.catalog.io.reasons import check_reason
from redres.catalog.io.related import (
    ENTITY,
    FIELDS,
    KEY,
    LINK_FIELDS,
    MODELS,
    PARTS,
    SCHEMAS,
    Related,
)
from redres.catalog.io.rows import RowError
from redres.catalog.media_rules import publish_refused
from redres.catalog.models import (
    Citation,
    EventPerson,
    EventSite,
    Site,
    Source,
    StoryEvent,
    StoryPerson,
    StorySite,
    pk,
    utcnow,
)
from redres.catalog.sites import reindex_site
from redres.messages import Message

LINK_TABLES: dict[tuple[str, str], tuple[type[SQLModel], str, str]] = {
    ("events", "sites"): (EventSite, "event_id", "site_id"),
    ("events", "people"): (EventPerson, "event_id", "person_id"),
    ("stories", "sites"): (StorySite, "story_id", "site_id"),
    ("stories", "people"): (StoryPerson, "story_id", "person_id"),
    ("stories", "events"): (StoryEvent, "story_id", "event_id"),
}
"""(part, link field) -> the link table, its column for the record and for the linked one."""
TARGET = {"sites": None, "people": "people", "events": "events", "sources": "sources"}
"""A link field -> the part it names (None: sites)."""


@dataclass(slots=True)
class Counts:
    """What happened to the records of one part."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0


@dataclass(slots=True)
class _Item:
    number: int
    record: BaseModel
    existing_id: int | None
    old_links: Mapping[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class RelatedPlan:
    """The records to write, per part, after every check passed."""

    writes: dict[str, list[_Item]] = field(default_factory=lambda: {p: [] for p in PARTS})
    counts: dict[str, Counts] = field(default_factory=dict)


def file_themes(related: Related | None) -> dict[str, tuple[str | None, str | None]]:
    """Themes a file defines (slug -> name, English name), so its sites may name them."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for raw in related.parts.get("themes", []) if related else []:
        slug = raw.get("slug") if isinstance(raw, Mapping) else None
        if isinstance(slug, str) and slug.strip():
            out[slug.strip()] = (raw.get("name"), raw.get("name_en"))
    return out


def check(
    session: Session,
    related: Related,
    *,
    site_target: Mapping[str, str],
    on_duplicate: str,
    errors: list[RowError],
) -> RelatedPlan:
    """Validate the parts and decide, record by record, what to write; problems go to `errors`.

    `site_target` maps every site slug a link may name (the file's and the registry's) to the
    slug of the site it will be once the sites are written. A record with a problem is left out
    of the plan, and so is every record linking to it (with `--skip-invalid` the rest is written).
    """
    plan = RelatedPlan()
    known: dict[str, set[str]] = {}
    for part in PARTS:
        model = MODELS[part]
        key = KEY[part]
        existing = {getattr(r, key): r for r in session.exec(select(model))}
        links = _existing_links(session, part, existing)
        counts = plan.counts.setdefault(part, Counts())
        good: list[tuple[int, BaseModel]] = []
        seen: set[str] = set()
        for number, raw in enumerate(related.parts.get(part, []), start=1):
            record = _validate(part, number, raw, errors)
            if record is None:
                continue
            slug = getattr(record, key)
            if slug in seen:
                reason = Message("related_twice", field=key, value=slug)
                errors.append(_error(part, number, key, slug, reason))
                continue
            seen.add(slug)
            bad = _unknown_links(part, number, record, known, site_target)
            if bad:
                errors.extend(bad)
                continue
            good.append((number, record))
        known[part] = {getattr(r, key) for _, r in good} | set(existing)
        for number, record in good:
            slug = getattr(record, key)
            old = existing.get(slug)
            if old is None:
                plan.writes[part].append(_Item(number, record, None))
                counts.created += 1
            elif _same(part, record, old, links.get(pk(old), {}), site_target):
                counts.unchanged += 1
            elif on_duplicate == "update":
                refused = part == "stories" and publish_refused(
                    session, old, getattr(record, "status", "")
                )
                if refused:
                    errors.append(_error(part, number, "status", "published", refused))
                    continue
                plan.writes[part].append(_Item(number, record, pk(old), links.get(pk(old), {})))
                counts.updated += 1
            elif on_duplicate == "skip":
                counts.skipped += 1
            else:
                entity = Message(f"entity_{ENTITY[part]}")
                reason = Message("related_differs", entity=entity, slug=slug)
                errors.append(_error(part, number, key, slug, reason))
    return plan


def _validate(part: str, number: int, raw: Any, errors: list[RowError]) -> BaseModel | None:
    if not isinstance(raw, Mapping):
        errors.append(_error(part, number, None, raw, Message("related_not_record")))
        return None
    data = {k: v for k, v in raw.items() if v is not None}
    try:
        return SCHEMAS[part].model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err["loc"] else None
            reason = check_reason(err)
            if err["type"] == "missing":
                reason = Message("related_required", field=name)
            errors.append(_error(part, number, name, raw.get(name) if name else None, reason))
        return None


def _unknown_links(
    part: str,
    number: int,
    record: BaseModel,
    known: Mapping[str, set[str]],
    site_target: Mapping[str, str],
) -> list[RowError]:
    out: list[RowError] = []
    for name in LINK_FIELDS[part]:
        target = TARGET[name]
        for ref in getattr(record, name):
            found = ref in site_target if target is None else ref in known.get(target, set())
            if not found:
                what = "site" if target is None else ENTITY[target]
                reason = Message(
                    "related_unknown_link",
                    entity=Message(f"entity_{ENTITY[part]}"),
                    name=getattr(record, KEY[part]),
                    target=Message(f"entity_{what}"),
                    ref=ref,
                )
                out.append(_error(part, number, name, ref, reason))
    return out


def _error(part: str, number: int, name: str | None, value: Any, reason: Message) -> RowError:
    return RowError(number, f"{part}.{name}" if name else part, value, reason)


def _plain(value: Any) -> Any:
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def _same(
    part: str,
    record: BaseModel,
    old: Any,
    links: Mapping[str, list[str]],
    site_target: Mapping[str, str],
) -> bool:
    for name in FIELDS[part]:
        if _plain(getattr(record, name)) != _plain(getattr(old, name)):
            return False
    for name in LINK_FIELDS[part]:
        new = [site_target[r] if name == "sites" else r for r in getattr(record, name)]
        if name != "sources":
            new = sorted(set(new))
        if new != links.get(name, []):
            return False
    return True


def _existing_links(
    session: Session, part: str, existing: Mapping[str, Any]
) -> dict[int, dict[str, list[str]]]:
    """Per registry record of `part`: its link lists as slugs (sorted) and source keys (cited order)."""
    out: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if not LINK_FIELDS[part] or not existing:
        return out
    for name in LINK_FIELDS[part]:
        if name == "sources":
            stmt = (
                select(Citation.entity_id, Source.key)
                .join(Source, col(Source.id) == Citation.source_id)
                .where(Citation.entity == ENTITY[part])
                .order_by(col(Citation.id))
            )
            for rid, key in session.exec(stmt):
                out[rid][name].append(key)
            continue
        table, left, right = LINK_TABLES[(part, name)]
        other = Site if name == "sites" else MODELS[name]
        stmt2 = select(getattr(table, left), other.slug).join(
            other, col(other.id) == getattr(table, right)
        )
        for rid, slug in session.exec(stmt2):
            out[rid][name].append(slug)
        for lists in out.values():
            lists[name].sort()
    return out


def write_before_sites(session: Session, plan: RelatedPlan, *, actor: str) -> None:
    """Sources and themes: the site rows of the same file name them."""
    for part in ("sources", "themes"):
        _write_part(session, plan, part, actor)


def write_after_sites(
    session: Session, plan: RelatedPlan, *, site_target: Mapping[str, str], actor: str
) -> None:
    """People, events and stories, then every link and citation; sites' search terms follow."""
    for part in ("people", "events", "stories"):
        _write_part(session, plan, part, actor)
    ids = _ids(session, plan, site_target)
    reindex: set[int] = set()
    for part in ("people", "events", "stories"):
        for item in plan.writes[part]:
            rid = item.existing_id or _id_of(session, part, item.record)
            for name in LINK_FIELDS[part]:
                refs = [
                    site_target[r] if name == "sites" else r for r in getattr(item.record, name)
                ]
                targets = [ids[name][r] for r in dict.fromkeys(refs)]
                if name == "sources":
                    _replace_citations(session, ENTITY[part], rid, targets)
                    continue
                table, left, right = LINK_TABLES[(part, name)]
                if (part, name) == ("stories", "sites"):  # story titles are searchable
                    reindex.update(
                        session.exec(select(StorySite.site_id).where(StorySite.story_id == rid))
                    )
                    reindex.update(targets)
                session.exec(delete(table).where(col(getattr(table, left)) == rid))
                if targets:
                    session.connection().execute(
                        insert(table.__table__),  # type: ignore[attr-defined]
                        [{left: rid, right: t} for t in targets],
                    )
    session.flush()
    for site_id in sorted(reindex):
        site = session.get(Site, site_id)
        if site is not None:
            reindex_site(session, site)


def _ids(
    session: Session, plan: RelatedPlan, site_target: Mapping[str, str]
) -> dict[str, dict[str, int]]:
    """Slug (key) -> id of what the written records link to."""
    ids: dict[str, dict[str, int]] = {}
    for part in ("sources", "people", "events"):
        model = MODELS[part]
        ids[part] = {getattr(r, KEY[part]): pk(r) for r in session.exec(select(model))}
    wanted = sorted(
        {
            site_target[s]
            for items in plan.writes.values()
            for item in items
            for s in getattr(item.record, "sites", [])
        }
    )
    ids["sites"] = {}
    for start in range(0, len(wanted), 5000):
        stmt = select(Site.id, Site.slug).where(col(Site.slug).in_(wanted[start : start + 5000]))
        ids["sites"].update((slug, int(sid or 0)) for sid, slug in session.exec(stmt))
    return ids


def _replace_citations(session: Session, entity: str, entity_id: int, sources: list[int]) -> None:
    session.exec(
        delete(Citation).where(col(Citation.entity) == entity, col(Citation.entity_id) == entity_id)
    )
    if sources:
        session.connection().execute(
            insert(Citation.__table__),  # type: ignore[attr-defined]
            [{"source_id": s, "entity": entity, "entity_id": entity_id} for s in sources],
        )


def _lists(links: Mapping[str, list[str]], part: str) -> dict[str, list[str]]:
    return {name: list(links.get(name, [])) for name in LINK_FIELDS[part]}


def _id_of(session: Session, part: str, record: BaseModel) -> int:
    model = MODELS[part]
    found = session.exec(
        select(model).where(getattr(model, KEY[part]) == getattr(record, KEY[part]))
    ).one()
    return pk(found)


def _write_part(session: Session, plan: RelatedPlan, part: str, actor: str) -> None:
    model = MODELS[part]
    for item in plan.writes[part]:
        values = {name: getattr(item.record, name) for name in FIELDS[part]}
        if part == "stories":
            values["status"] = Status(values["status"])
        if item.existing_id is None:
            row = model(**values)
            before = None
            action = "create"
        else:
            row = session.get(model, item.existing_id)
            assert row is not None
            before = _state(row)
            for name, value in values.items():
                setattr(row, name, value)
            if hasattr(row, "updated_at"):
                row.updated_at = utcnow()
            action = "update"
        session.add(row)
        session.flush()
        links = {name: list(getattr(item.record, name)) for name in LINK_FIELDS[part]}
        audit.record(
            session,
            entity=ENTITY[part],
            entity_id=pk(row),
            action=action,
            actor=actor,
            before=None if before is None else {**before, **_lists(item.old_links, part)},
            after={**_state(row), **links},
        )


def _state(row: SQLModel) -> dict[str, Any]:
    return audit.snapshot(row, exclude=frozenset({"created_at", "updated_at"}))
