"""Import, step 2: what the registry already holds that rows are matched and resolved against."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

import redres.catalog.io.related_import as related_import
from redres.catalog.io.cells import theme_lookup
from redres.catalog.io.duplicates import DuplicateIndex, SiteKey
from redres.catalog.io.related import Related
from redres.catalog.models import Site, Theme


@dataclass(frozen=True, slots=True)
class RegistryIndex:
    """The registry's sites by every key a row may match or name them by, and its themes."""

    sites: DuplicateIndex
    """Registered sites by code, slug and name near a point; `Match.ref` is the site id."""
    slugs: frozenset[str]
    """Slugs taken: a new site gets another."""
    slug_of_id: dict[int, str]
    id_of_ref: dict[str, int]
    """A slug or registry code -> the site id, for rows naming their parent."""
    themes: dict[str, str]
    """Theme slug, Chinese or English name (normalised) -> slug, with the themes the file defines."""


def index_registry(session: Session, related: Related | None, *, radius_m: float) -> RegistryIndex:
    """Read the keys of every registered site (not the sites: a large registry stays cheap)."""
    names: dict[str, tuple[str | None, str | None]] = {
        t.slug: (t.name, t.name_en) for t in session.exec(select(Theme))
    }
    for slug, theme in related_import.file_themes(related).items():
        names.setdefault(slug, theme)
    sites = DuplicateIndex(radius_m)
    slug_of_id: dict[int, str] = {}
    id_of_ref: dict[str, int] = {}
    keys = sa_select(
        col(Site.id), col(Site.slug), col(Site.code), col(Site.name), col(Site.lon), col(Site.lat)
    )
    for sid, slug, code, name, lon, lat in session.connection().execute(keys):
        sites.add(sid, SiteKey(code, slug, name, lon, lat))
        slug_of_id[int(sid or 0)] = slug
        id_of_ref[slug] = int(sid or 0)
        if code:
            id_of_ref.setdefault(code, int(sid or 0))
    return RegistryIndex(
        sites=sites,
        slugs=frozenset(slug_of_id.values()),
        slug_of_id=slug_of_id,
        id_of_ref=id_of_ref,
        themes=theme_lookup(names),
    )
