"""Import, parents: whether a row changes a registered site's parent, and loops refused.

A row naming a parent changes the site when the parent it names is not the one the site has,
so a re-import that only moves a site to another ensemble is an update, not "unchanged". The
parents the import would leave (the registry's, with the file's changes and new sites) must
not make a loop: a row that closes one is a row error with the message the site form gives
(`e_parent_cycle`, naming the loop), so nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlmodel import Session, select

from redres.catalog.io.import_classify import MatchedRow
from redres.catalog.io.row_spill import RowHead
from redres.catalog.io.rows import ParsedRow, RowError
from redres.catalog.models import Site
from redres.messages import Message

Node = int | str
"""A site in the import's parent graph: a registered site's id, or a new site's slug."""


IdOf = Callable[[str], int | None]
"""The registered site a slug or registry code names (`RegistryIndex.id_of`)."""


def parent_differs(parsed: ParsedRow, site: Site, id_of: IdOf) -> bool:
    """Whether the row names a parent other than the site's (an unknown one counts, so the
    row goes on to be checked and reported)."""
    if not parsed.parent:
        return False
    target = id_of(parsed.parent)
    return target is None or target != site.parent_id


def parent_loops(
    session: Session,
    new: Mapping[int, RowHead],
    slugs: Mapping[int, str],
    updates: Mapping[int, MatchedRow],
    of_row: dict[int, Node],
    header_of: Mapping[str, str],
) -> list[RowError]:
    """A row error for each row whose parent would close a loop; its parent is dropped from
    `of_row`, so a `--skip-invalid` import writes the row without it."""
    if not of_row:
        return []
    registered = {
        int(sid or 0): (parent, name)
        for sid, parent, name in session.exec(select(Site.id, Site.parent_id, Site.name))
    }
    row_node: dict[int, Node] = {n: slugs[n] for n in new}
    row_node |= {n: m.site_id for n, m in updates.items()}
    parent: dict[Node, Node | None] = {sid: p for sid, (p, _name) in registered.items()}
    names: dict[Node, str] = {sid: name for sid, (_p, name) in registered.items()}
    for number, node in row_node.items():
        if isinstance(node, str):
            names[node] = new[number].name
            parent[node] = None
        if number in of_row:
            parent[node] = of_row[number]
    errors = []
    for number in sorted(of_row):
        start = row_node[number]
        loop = _loop_from(start, parent, names)
        if loop is None:
            continue
        ref = new[number].parent if number in new else updates[number].row.parent
        column = header_of.get("parent", "parent")
        reason = Message("e_parent_cycle", loop=" → ".join(loop))
        errors.append(RowError(number, column, ref, reason))
    for error in errors:
        of_row.pop(error.row, None)
    return errors


def _loop_from(
    start: Node, parent: Mapping[Node, Node | None], names: Mapping[Node, str]
) -> list[str] | None:
    """The names round the loop that leads from `start` back to it, or None."""
    chain = [names.get(start, str(start))]
    seen = {start}
    node = parent.get(start)
    while node is not None:
        chain.append(names.get(node, str(node)))
        if node == start:
            return chain
        if node in seen:
            return None  # a loop further up, not through this row's site
        seen.add(node)
        node = parent.get(node)
    return None
