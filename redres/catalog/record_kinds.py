"""People and events are one kind of record: this module is that kind, each declares its own.

Neither has a workflow status: they are public, but what links to them is filtered by what the
caller may see. A kind declares its table, its name in the audit log, the pair of partial dates
that must be in order, its list order, and the links it owns (link rows replaced when a write
gives them, and kept in its audit state). Finding, reading by slug, creating and changing (all
audited) are written once, here.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from pydantic import ConfigDict, StringConstraints, model_validator
from sqlalchemy import delete
from sqlmodel import Session, col, select

from redres.catalog import audit, versions
from redres.catalog.enums import Status
from redres.catalog.errors import Conflict, InvalidQuery, NotFound
from redres.catalog.models import Event, EventPerson, EventSite, Person, Site, pk
from redres.catalog.paging import Page, ids_for_slugs, is_slug, page_of, substring
from redres.catalog.partial_dates import not_before
from redres.catalog.slugs import free_slug, slugify
from redres.messages import Message
from redres.plain_text import PlainTextModel

Record = TypeVar("Record", Person, Event)

RecordName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class DatedPatch(PlainTextModel):
    """A partial change of a record whose two partial dates (`DATES`, earlier first) are in order."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    DATES: ClassVar[tuple[str, str]]

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        first, last = self.DATES
        if not not_before(getattr(self, first), getattr(self, last)):
            raise ValueError(dates_error(self.DATES))
        return self


@dataclass(frozen=True, slots=True)
class Link:
    """Links a record owns: the input `field` (slugs of `other`), stored as rows of `table`."""

    field: str
    table: type[EventSite] | type[EventPerson]
    own: str
    other: type[Site] | type[Person]
    other_id: str


@dataclass(frozen=True, slots=True)
class RecordKind(Generic[Record]):
    """What sets one kind of record apart from the others."""

    entity: str
    model: type[Record]
    dates: tuple[str, str]
    order: tuple[Any, ...]
    links: tuple[Link, ...] = ()

    @property
    def link_fields(self) -> set[str]:
        """The input fields that are links, not columns."""
        return {link.field for link in self.links}


def dates_error(dates: tuple[str, str]) -> str:
    """The words of a refusal of dates out of order.

    >>> dates_error(("born", "died"))
    'died must not be before born'
    """
    return f"{dates[1]} must not be before {dates[0]}"


def find_records(
    session: Session,
    kind: RecordKind[Record],
    *,
    q: str | None = None,
    where: Sequence[Any] = (),
    limit: int = 50,
    offset: int = 0,
) -> Page[Record]:
    """Records by name (Chinese or English substring) and the kind's own filters, with the total.

    Raises
    ------
    InvalidQuery
        When `q` is too long or unusable.
    """
    stmt = select(kind.model)
    for clause in where:
        stmt = stmt.where(clause)
    if q:
        try:
            stmt = stmt.where(substring(q, col(kind.model.name), col(kind.model.name_en)))
        except ValueError as exc:
            raise InvalidQuery(str(exc)) from exc
    return page_of(session, stmt, kind.order, limit=limit, offset=offset)


def linked_to(
    kind: RecordKind[Record],
    link: Link,
    slug: str,
    *,
    visible: Collection[Status] | None = None,
) -> Any:
    """A filter for `find_records`: records linked to the `other` record with this slug (a
    visible one only, given `visible`: for links to sites)."""
    other_id = getattr(link.table, link.other_id)
    ids = (
        select(getattr(link.table, link.own))
        .join(link.other, col(link.other.id) == other_id)
        .where(link.other.slug == (slug if is_slug(slug) else ""))
    )
    if visible is not None:
        if link.other is not Site:
            msg = "only links to sites filter by status"
            raise TypeError(msg)
        ids = ids.where(col(Site.status).in_(list(visible)))
    return col(kind.model.id).in_(ids)


def get_record(session: Session, kind: RecordKind[Record], slug: str) -> Record:
    """A record by slug.

    Raises
    ------
    NotFound
        For an unknown slug.
    """
    record = None
    if is_slug(slug):
        record = session.exec(select(kind.model).where(kind.model.slug == slug)).first()
    if record is None:
        raise NotFound(kind.entity, slug)
    return record


def create_record(
    session: Session, kind: RecordKind[Record], data: DatedPatch, *, actor: str
) -> Record:
    """Add a record with its links, audited; the slug comes from the English or Chinese name if
    not given.

    Raises
    ------
    Conflict
        When the slug is taken or a linked slug is unknown.
    """
    fields = data.model_dump(exclude_none=True, exclude=kind.link_fields)
    if not fields.get("slug"):
        name = fields.get("name_en") or fields["name"]
        fields["slug"] = free_slug(session, kind.model.slug, slugify(name))
    record = kind.model(**fields)
    _check_slug(session, kind, record)
    session.add(record)
    session.flush()
    if kind.links:
        _set_links(session, kind, record, data)
    audit.record(
        session,
        entity=kind.entity,
        entity_id=pk(record),
        action="create",
        actor=actor,
        before=None,
        after=record_state(session, kind, record),
    )
    return record


def update_record(
    session: Session, kind: RecordKind[Record], record: Record, patch: DatedPatch, *, actor: str
) -> Record:
    """Change some fields or links of a record, audited with the values before and after.

    Raises
    ------
    Conflict
        When the new slug is taken, a link is unknown, or the dates would be out of order.
    """
    before = record_state(session, kind, record)
    fields = patch.model_dump(exclude_unset=True, exclude=kind.link_fields)
    for key in ("name", "slug"):
        if fields.get(key) is None:
            fields.pop(key, None)  # required columns cannot be emptied
    for key, value in fields.items():
        setattr(record, key, value)
    first, last = kind.dates
    if not not_before(getattr(record, first), getattr(record, last)):
        earlier, later = (Message(f"date_{d}") for d in kind.dates)
        raise Conflict(Message("e_dates_order", earlier=earlier, later=later))
    _check_slug(session, kind, record)
    session.add(record)
    session.flush()
    if any(getattr(patch, link.field) is not None for link in kind.links):
        _set_links(session, kind, record, patch)
    after = record_state(session, kind, record)
    if after != before:
        if kind.links:
            versions.bump(record)  # its links are part of the record, though not of its row
        audit.record(
            session,
            entity=kind.entity,
            entity_id=pk(record),
            action="update",
            actor=actor,
            before=before,
            after=after,
        )
    return record


def record_state(session: Session, kind: RecordKind[Record], record: Record) -> dict[str, Any]:
    """A record's columns and the slugs it links to, as its audit entries keep them."""
    state = audit.snapshot(record)
    for link in kind.links:
        state[link.field] = list(
            session.exec(
                select(link.other.slug)
                .join(link.table, col(link.other.id) == getattr(link.table, link.other_id))
                .where(getattr(link.table, link.own) == pk(record))
                .order_by(col(link.other.slug))
            )
        )
    return state


def _set_links(
    session: Session, kind: RecordKind[Record], record: Record, data: DatedPatch
) -> None:
    """Replace the links the input gives (a field left out, None, keeps its links)."""
    record_id = pk(record)
    for link in kind.links:
        slugs: Sequence[str] | None = getattr(data, link.field)
        if slugs is None:
            continue
        other_ids = ids_for_slugs(session, link.other, slugs)
        own = getattr(link.table, link.own)
        session.exec(delete(link.table).where(own == record_id))
        session.add_all(link.table(**{link.own: record_id, link.other_id: i}) for i in other_ids)
    session.flush()


def _check_slug(session: Session, kind: RecordKind[Record], record: Record) -> None:
    stmt = select(kind.model.id).where(kind.model.slug == record.slug)
    if record.id is not None:
        stmt = stmt.where(kind.model.id != record.id)
    if session.exec(stmt).first() is not None:
        msg = Message("e_slug_used", entity=Message(f"entity_{kind.entity}"), slug=record.slug)
        raise Conflict(msg)
