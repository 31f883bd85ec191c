"""Old addresses of renamed sites: a slug an editor changed still leads to its site.

A site's slug is its address (`/sites/{slug}`), printed on plaques as a QR code and shared in
lessons, so a changed slug must not break those links. No table keeps the old ones: the audit
log already holds every change with the values before it, and it is read only when an address
names no current site.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from redres.catalog.account_tables import AuditLog
from redres.catalog.enums import PUBLIC, Status
from redres.catalog.models import Site


def renamed_site(
    session: Session, slug: str, *, visible: Collection[Status] = PUBLIC
) -> Site | None:
    """The site that last had `slug` before an edit changed it, if it is visible and no longer
    has it (its current slug is where an old link should go); None otherwise."""
    found = session.exec(
        select(AuditLog.entity_id)
        .where(AuditLog.entity == "site", col(AuditLog.before)["slug"].as_string() == slug)
        .order_by(col(AuditLog.id).desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    site = session.get(Site, found)
    if site is None or site.slug == slug or site.status not in visible:
        return None
    return site
