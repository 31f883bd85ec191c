"""Shared pieces of stories, people and events: pages with totals, search, links by slug."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from redres.catalog.errors import Conflict
from redres.catalog.models import Event, Person, Site
from redres.catalog.schemas import SLUG_RE
from redres.messages import Message

T = TypeVar("T")

MAX_QUERY_LENGTH = 100
"""Longest `q` a list read accepts; substring search is a scan, so keep it short."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list read, with how many records match in all."""

    total: int
    items: list[T]


def page_of(
    session: Session, stmt: Any, order: Sequence[Any], *, limit: int, offset: int
) -> Page[Any]:
    """One page of `stmt` in `order`, with the total count of everything it matches."""
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    items = session.exec(stmt.order_by(*order).limit(limit).offset(offset))
    return Page(total=total, items=list(items))


def is_slug(value: str) -> bool:
    """Whether a path or filter value can be a slug at all (it can never match otherwise).

    Checked before querying, so odd input (NUL bytes, huge strings) never reaches the database.
    """
    return len(value) <= 120 and SLUG_RE.fullmatch(value) is not None


def substring(q: str, *columns: Any) -> ColumnElement[bool]:
    """A case-insensitive substring match of `q` in any of `columns`, wildcards escaped.

    Raises
    ------
    ValueError
        When `q` is too long or holds a NUL character (which PostgreSQL cannot compare).
    """
    if len(q) > MAX_QUERY_LENGTH or "\x00" in q:
        msg = f"q must be at most {MAX_QUERY_LENGTH} characters without NUL"
        raise ValueError(msg)
    needle = q.lower()
    return or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))


def ids_for_slugs(
    session: Session, model: type[Site] | type[Person] | type[Event], slugs: Sequence[str]
) -> list[int]:
    """The ids of the records with these slugs, in the given order, duplicates dropped.

    Raises
    ------
    Conflict
        When a slug is unknown, so a link to nothing is refused before anything is written.
    """
    rows = session.exec(select(model.slug, model.id).where(col(model.slug).in_(list(slugs))))
    found = {slug: i for slug, i in rows if i is not None}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        entity = Message(f"entity_{model.__name__.lower()}")
        msg = Message("e_unknown_record", entity=entity, slug=missing[0])
        raise Conflict(msg)
    return [found[slug] for slug in dict.fromkeys(slugs)]
