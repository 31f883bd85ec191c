"""A site's sources as one text cell (来源), and the citations they become.

Survey sheets name their sources in free text, e.g. `《武汉革命遗址》p.12; https://example.org/a`.
The rule, the same for every format:

- the cell is a list, split on `;` or `；` (a literal semicolon is written `\\;`, as in every
  list cell);
- in each item the first `http://` or `https://` address is the source's URL, and the rest,
  trimmed of spaces and the punctuation around it (`,，:：、-`), is its title; an item that is only
  an address takes the address as its title too;
- a source is the registry's `Source` with that title and URL (an existing one is reused; a new
  one gets the key `src-` + 12 hex digits of a hash of title and URL, so importing the same text
  twice makes one source), cited by the site in the cell's order.

Exported, each cited source is written back as `title url` (or `title`, or just the URL when the
title is the URL), so the cell round-trips.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from redres.catalog.io.fields import decode_list, encode_list
from redres.catalog.models import Citation, Source
from redres.messages import Message

_URL = re.compile(r"https?://[^\s;；，,<>\"'）)]+", re.I)
_TRIM = " \t,，:：、-—"
TITLE_MAX, URL_MAX = 500, 1000
"""The `Source` columns' lengths."""
SITE = "site"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A source as a cell names it: its title and, when the text has one, its URL."""

    title: str
    url: str | None = None


def parse_sources(cell: str) -> list[SourceRef]:
    """The sources a 来源 cell names, in order, without repeats.

    Raises
    ------
    ValueError
        When a title or URL is longer than the registry keeps.

    Examples
    --------
    >>> parse_sources("《武汉革命遗址》p.12；https://example.org/a")
    [SourceRef(title='《武汉革命遗址》p.12', url=None), SourceRef(title='https://example.org/a', url='https://example.org/a')]
    >>> parse_sources("湖北日报 2021-07-01: http://x.cn/1")
    [SourceRef(title='湖北日报 2021-07-01', url='http://x.cn/1')]
    """
    out: dict[SourceRef, None] = {}
    for item in decode_list(cell):
        m = _URL.search(item)
        url = m.group(0) if m else None
        title = (item[: m.start()] + " " + item[m.end() :] if m else item).strip(_TRIM)
        title = " ".join(title.split()) or (url or "")
        if len(title) > TITLE_MAX:
            raise ValueError(Message("cell_source_title", limit=TITLE_MAX))
        if url is not None and len(url) > URL_MAX:
            raise ValueError(Message("cell_source_url", limit=URL_MAX))
        out[SourceRef(title, url)] = None
    return list(out)


def format_sources(refs: Iterable[SourceRef]) -> str | None:
    """The cell for a list of sources (the inverse of `parse_sources`); None for none.

    Examples
    --------
    >>> format_sources([SourceRef("《武汉革命遗址》p.12"), SourceRef("官网", "https://x.cn/a")])
    '《武汉革命遗址》p.12;官网 https://x.cn/a'
    """
    items = [
        ref.title if not ref.url else ref.url if ref.title == ref.url else f"{ref.title} {ref.url}"
        for ref in refs
    ]
    return encode_list(items)


def source_key(ref: SourceRef) -> str:
    """The key a new source made from a cell gets: stable, so a re-import finds it again."""
    digest = hashlib.sha1(f"{ref.title}\n{ref.url or ''}".encode(), usedforsecurity=False)
    return f"src-{digest.hexdigest()[:12]}"


def cited_refs(session: Session, entity: str, ids: Sequence[int]) -> dict[int, list[SourceRef]]:
    """The sources each record of one kind cites, as refs, in citation order."""
    out: dict[int, list[SourceRef]] = defaultdict(list)
    for start in range(0, len(ids), 5000):
        stmt = (
            select(Citation.entity_id, Source.title, Source.url)
            .join(Source, col(Source.id) == Citation.source_id)
            .where(
                Citation.entity == entity, col(Citation.entity_id).in_(ids[start : start + 5000])
            )
            .order_by(col(Citation.id))
        )
        for entity_id, title, url in session.exec(stmt):
            out[entity_id].append(SourceRef(title, url))
    return out


def resolve_sources(session: Session, refs: Iterable[SourceRef]) -> dict[SourceRef, int]:
    """The id of the source each ref names, adding the ones the registry does not have."""
    wanted = set(refs)
    if not wanted:
        return {}
    known: dict[SourceRef, int] = {}
    keys: set[str] = set()
    for sid, key, title, url in session.exec(
        select(Source.id, Source.key, Source.title, Source.url).order_by(col(Source.id))
    ):
        known.setdefault(SourceRef(title, url), int(sid or 0))
        keys.add(key)
    for ref in sorted(wanted - known.keys(), key=lambda r: (r.title, r.url or "")):
        key, n = source_key(ref), 1
        while key in keys:
            n += 1
            key = f"{source_key(ref)}-{n}"
        keys.add(key)
        source = Source(key=key, title=ref.title, url=ref.url)
        session.add(source)
        session.flush()
        known[ref] = int(source.id or 0)
    return {ref: known[ref] for ref in wanted}


def cite(
    session: Session,
    entity: str,
    refs_by_id: Mapping[int, Sequence[SourceRef]],
    *,
    replace: bool,
) -> None:
    """Make each record cite its sources, in order; `replace` drops its earlier citations first."""
    if not refs_by_id:
        return
    ids = sorted(refs_by_id)
    if replace:
        for start in range(0, len(ids), 5000):
            session.exec(
                delete(Citation).where(
                    col(Citation.entity) == entity,
                    col(Citation.entity_id).in_(ids[start : start + 5000]),
                )
            )
    source_ids = resolve_sources(session, (r for refs in refs_by_id.values() for r in refs))
    rows = [
        {"source_id": sid, "entity": entity, "entity_id": entity_id, "note": None}
        for entity_id in ids
        for sid in dict.fromkeys(source_ids[r] for r in refs_by_id[entity_id])
    ]
    if rows:
        session.connection().execute(insert(Citation.__table__), rows)  # type: ignore[attr-defined]
