"""Import, step 5: stage a checked plan in the caller's session, audited, without committing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from sqlmodel import Session, select

import redres.catalog.io.citations as citations
import redres.catalog.io.related_import as related_import
from redres.catalog import bulk
from redres.catalog.io.import_plan import ImportPlan, update_fields
from redres.catalog.models import Site, Theme
from redres.catalog.schemas import SiteUpdate
from redres.catalog.sites import update_site

log = logging.getLogger(__name__)


def write_plan(
    session: Session,
    plan: ImportPlan,
    *,
    actor: str,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Sources and themes first (sites name them), then sites, then the records naming sites."""
    if plan.related is not None:
        related_import.write_before_sites(session, plan.related, actor=actor)
    if plan.creates or plan.updates:
        _write_sites(session, plan, actor=actor, progress=progress)
    if plan.related is not None:
        related_import.write_after_sites(
            session, plan.related, site_target=plan.site_target or {}, actor=actor
        )


def _write_sites(
    session: Session,
    plan: ImportPlan,
    *,
    actor: str,
    progress: Callable[[int, int], None] | None,
) -> None:
    """New sites in bulk, then the parents among them, then changes one audited update each.

    The new sites are streamed to `bulk` in row order, each read from disk as its batch is
    written; only what the later steps need (parents, sources) is noted on the way.
    """
    children: list[tuple[int, str]] = []  # (position among the new sites, its parent's slug)
    parent_at: dict[str, int] = {}  # a parent's slug -> its position
    cited_at: list[tuple[int, tuple[citations.SourceRef, ...]]] = []

    def items() -> Iterator[bulk.NewSite]:
        for at, number in enumerate(sorted(plan.creates)):
            s = plan.creates[number]
            if s.slug in plan.parent_slugs:
                parent_at[s.slug] = at
            if isinstance(s.parent, str):
                children.append((at, s.parent))
            if s.row.sources:
                cited_at.append((at, s.row.sources))
            yield bulk.NewSite(s.row.site, s.slug, s.parent if isinstance(s.parent, int) else None)

    theme_ids = {t.slug: int(t.id or 0) for t in session.exec(select(Theme))}
    ids = bulk.insert_sites(
        session,
        items(),
        theme_ids=theme_ids,
        actor=actor,
        progress=progress,
        total=len(plan.creates),
    )
    id_of_slug = {slug: ids[at] for slug, at in parent_at.items()}
    bulk.set_parents(session, {ids[at]: id_of_slug[parent] for at, parent in children})
    citations.cite(session, citations.SITE, {ids[at]: refs for at, refs in cited_at}, replace=False)
    for number in sorted(plan.updates):
        change = plan.updates[number]
        site = session.get(Site, change.site_id)
        assert site is not None
        fields = {name: getattr(change.row.site, name) for name in update_fields(change.row)}
        if change.parent is not None:
            p = change.parent
            fields["parent_id"] = p if isinstance(p, int) else id_of_slug[p]
        update_site(session, site, SiteUpdate(**fields), actor=actor)
    recited = {
        c.site_id: c.row.sources for c in plan.updates.values() if "sources" in c.row.present
    }
    citations.cite(session, citations.SITE, recited, replace=True)
    session.flush()
    log.info("import staged %d new and %d changed sites", len(ids), len(plan.updates))
