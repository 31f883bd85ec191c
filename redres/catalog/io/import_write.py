"""Import, step 5: stage a checked plan in the caller's session, audited, without committing."""

from __future__ import annotations

import logging
from collections.abc import Callable

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
    """New sites in bulk, then the parents among them, then changes one audited update each."""
    new = [plan.creates[n] for n in sorted(plan.creates)]
    items = [
        bulk.NewSite(s.row.site, s.slug, s.parent if isinstance(s.parent, int) else None)
        for s in new
    ]
    theme_ids = {t.slug: int(t.id or 0) for t in session.exec(select(Theme))}
    ids = bulk.insert_sites(session, items, theme_ids=theme_ids, actor=actor, progress=progress)
    id_of_slug = {s.slug: sid for s, sid in zip(new, ids, strict=True)}
    bulk.set_parents(
        session,
        {id_of_slug[s.slug]: id_of_slug[s.parent] for s in new if isinstance(s.parent, str)},
    )
    cited = {sid: s.row.sources for s, sid in zip(new, ids, strict=True) if s.row.sources}
    citations.cite(session, citations.SITE, cited, replace=False)
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
    log.info("import staged %d new and %d changed sites", len(items), len(plan.updates))
