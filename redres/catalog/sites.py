"""Registry operations on sites: create, update, archive, restore and look-up, each audited."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from redres.catalog import audit, search_index, versions
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.errors import Conflict, InvalidChange, NotFound
from redres.catalog.media_rules import check_publishable
from redres.catalog.models import (
    Site,
    SiteTheme,
    Story,
    StorySite,
    Theme,
    pk,
    utcnow,
)
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.site_queries import search_text
from redres.catalog.slugs import free_slug, slugify
from redres.messages import Message


def get_site(session: Session, key: int | str, *, visible: Collection[Status] = PUBLIC) -> Site:
    """A site by id or slug; drafts and archived sites are NotFound to those who may not see them.

    Raises
    ------
    NotFound
        When no site has that id or slug, or its status is not in `visible`.
    """
    stmt = select(Site)
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 18:
        key = int(key)
    stmt = stmt.where(Site.id == key) if isinstance(key, int) else stmt.where(Site.slug == key)
    site = session.exec(stmt).first()
    if site is None or site.status not in visible:
        raise NotFound("site", key)  # noqa: EM101 (an entity name, not the message)
    return site


def create_site(session: Session, data: SiteCreate, *, actor: str = audit.SYSTEM_ACTOR) -> Site:
    """Add a site to the registry (a draft unless `data.status` says otherwise).

    Raises
    ------
    Conflict
        When the slug or registry code is already taken, or a theme or parent is unknown.
    """
    fields = data.model_dump(exclude={"themes", "footprint"}, exclude_none=True)
    fields["aliases"] = fields.get("aliases") or []
    fields["designations"] = fields.get("designations") or []
    fields["closures"] = fields.get("closures") or []
    if not fields.get("slug"):
        fields["slug"] = free_slug(session, Site.slug, slugify(data.name_en or data.name))
    site = Site(**fields, footprint=_footprint_text(data.footprint))
    _check_unique(session, site)
    _check_parent(session, site)
    session.add(site)
    session.flush()
    assert site.id is not None
    if data.themes:
        set_site_themes(session, site, data.themes)
    reindex_site(session, site)
    audit.record(
        session,
        entity="site",
        entity_id=site.id,
        action="create",
        actor=actor,
        before=None,
        after=_site_state(session, site),
    )
    return site


def update_site(
    session: Session,
    site: Site,
    changes: SiteUpdate,
    *,
    actor: str = audit.SYSTEM_ACTOR,
    action: str = "update",
) -> Site:
    """Apply a partial change; the audit entry keeps the values before and after.

    Raises
    ------
    Conflict
        When the new slug or registry code is taken by another site.
    """
    assert site.id is not None
    before = _site_state(session, site)
    fields = changes.model_dump(exclude_unset=True, exclude={"themes", "footprint"})
    for key in ("aliases", "designations", "closures"):
        if key in fields and fields[key] is None:
            fields[key] = []
    for key, value in fields.items():
        setattr(site, key, value)
    if "footprint" in changes.model_fields_set:
        site.footprint = _footprint_text(changes.footprint)
    _check_unique(session, site)
    _check_parent(session, site)
    if changes.themes is not None:
        set_site_themes(session, site, changes.themes)
    site.updated_at = utcnow()
    session.add(site)
    session.flush()
    reindex_site(session, site)
    after = _site_state(session, site)
    if after != before:
        versions.bump(site)  # its themes are part of the site, though not of its row
        audit.record(
            session,
            entity="site",
            entity_id=site.id,
            action=action,
            actor=actor,
            before=before,
            after=after,
        )
    return site


def version_at(session: Session, site: Site, entry_id: int) -> dict[str, Any]:
    """The site's recorded state right after audit entry `entry_id` (NotFound if not its own)."""
    return audit.state_after(session, entity="site", entity_id=pk(site), entry_id=entry_id)


def restore_version(
    session: Session, site: Site, entry_id: int, *, actor: str = audit.SYSTEM_ACTOR
) -> Site:
    """Bring a site's fields and themes back to an earlier version; its status stays as it is.

    The change is itself audited (action `revert`), so a restore can be undone the same way.
    """
    state = version_at(session, site, entry_id)
    fields = {k: state[k] for k in SiteUpdate.model_fields if k in state and k != "status"}
    if isinstance(fields.get("footprint"), str):
        fields["footprint"] = json.loads(fields["footprint"])
    return update_site(session, site, SiteUpdate(**fields), actor=actor, action="revert")


def set_status(session: Session, site: Site, status: Status, *, actor: str) -> Site:
    """Move a site through the workflow (draft -> published -> archived and back)."""
    if site.status == status:
        return site
    if status == Status.published:
        check_publishable(session, site)
    action = audit.transition(site.status, status)
    assert site.id is not None
    before = _site_state(session, site)
    site.status = status
    site.updated_at = utcnow()
    session.add(site)
    session.flush()
    audit.record(
        session,
        entity="site",
        entity_id=site.id,
        action=action,
        actor=actor,
        before=before,
        after=_site_state(session, site),
    )
    return site


def archive_site(session: Session, site: Site, *, actor: str = audit.SYSTEM_ACTOR) -> Site:
    """Soft-delete: the site disappears from public view but keeps its data and history."""
    return set_status(session, site, Status.archived, actor=actor)


def restore_site(
    session: Session, site: Site, *, actor: str = audit.SYSTEM_ACTOR, status: Status = Status.draft
) -> Site:
    """Bring an archived site back, as a draft by default so an editor re-checks it."""
    if site.status != Status.archived:
        msg = Message("e_site_not_archived", slug=site.slug)
        raise Conflict(msg)
    return set_status(session, site, status, actor=actor)


def set_site_themes(session: Session, site: Site, weights: Mapping[str, float]) -> None:
    """Replace a site's theme weights.

    Raises
    ------
    Conflict
        When a theme slug is unknown.
    """
    themes = {t.slug: t for t in session.exec(select(Theme).where(col(Theme.slug).in_(weights)))}
    missing = sorted(set(weights) - set(themes))
    if missing:
        raise Conflict(Message("e_route_theme", slug=missing[0]))
    session.exec(delete(SiteTheme).where(col(SiteTheme.site_id) == site.id))
    for slug, weight in weights.items():
        session.add(SiteTheme(site_id=pk(site), theme_id=pk(themes[slug]), weight=weight))
    session.flush()


def site_theme_weights(session: Session, site_id: int) -> dict[str, float]:
    """A site's themes by slug with their weights."""
    stmt = (
        select(Theme.slug, SiteTheme.weight)
        .join(SiteTheme, col(SiteTheme.theme_id) == Theme.id)
        .where(SiteTheme.site_id == site_id)
        .order_by(col(Theme.slug))
    )
    return dict(session.exec(stmt).all())


def themes_weights(session: Session, site_ids: Collection[int]) -> dict[int, dict[str, float]]:
    """Many sites' themes by slug with their weights, in one query (exports and imports read
    thousands at a time); a site with none maps to an empty dict."""
    out: dict[int, dict[str, float]] = {i: {} for i in site_ids}
    if not out:
        return out
    stmt = (
        select(SiteTheme.site_id, Theme.slug, SiteTheme.weight)
        .join(Theme, col(Theme.id) == SiteTheme.theme_id)
        .where(col(SiteTheme.site_id).in_(list(out)))
    )
    for site_id, slug, weight in session.exec(stmt):
        out[site_id][slug] = weight
    return out


def reindex_site(session: Session, site: Site) -> None:
    """Rebuild a site's search terms from its names, address and story titles."""
    assert site.id is not None
    titles = session.exec(
        select(Story.title)
        .join(StorySite, col(StorySite.story_id) == Story.id)
        .where(StorySite.site_id == site.id, Story.status == Status.published)
    ).all()
    text = search_text(site, titles)
    session.flush()
    search_index.replace(session.connection(), site.id, text)


def _site_state(session: Session, site: Site) -> dict[str, Any]:
    state = audit.snapshot(site, exclude=frozenset({"created_at", "updated_at"}))
    assert site.id is not None
    state["themes"] = site_theme_weights(session, site.id)
    return state


def _check_unique(session: Session, site: Site) -> None:
    for field in ("slug", "code"):
        value = getattr(site, field)
        if value is None:
            continue
        stmt = select(Site.name).where(getattr(Site, field) == value)
        if site.id is not None:
            stmt = stmt.where(Site.id != site.id)
        with session.no_autoflush:  # asked before the changed row is written, not by its crash
            other = session.exec(stmt.limit(1)).first()
        if other is not None:
            raise Conflict(Message(f"e_{field}_taken", value=value, other=other))


def _check_parent(session: Session, site: Site) -> None:
    if site.parent_id is None:
        return
    if site.id is not None and site.parent_id == site.id:
        raise InvalidChange(Message("e_parent_self"))
    parent = session.get(Site, site.parent_id)
    if parent is None:
        msg = Message("e_parent_missing", id=site.parent_id)
        raise Conflict(msg)
    if site.id is None:
        return  # a new site has no members yet, so it cannot close a loop
    chain = [site.name, parent.name]
    seen = {site.id}
    while parent.parent_id is not None and parent.id not in seen:
        seen.add(pk(parent))
        up = session.get(Site, parent.parent_id)
        if up is None:
            break
        chain.append(up.name)
        if up.id == site.id:
            raise InvalidChange(Message("e_parent_cycle", loop=" → ".join(chain)))
        parent = up


def _footprint_text(footprint: dict[str, Any] | None) -> str | None:
    return None if footprint is None else json.dumps(footprint, ensure_ascii=False)
