"""Import, step 2: what the registry already holds that rows are matched and resolved against."""

from __future__ import annotations

from collections.abc import Collection
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
    """The registry's sites by every key a row may match or name them by, and its themes.

    Slugs and codes are held once, in `sites`; the look-ups below read them there (a copy per
    use cost ~170 bytes a site, 160 MB on a re-import of a national register).
    """

    sites: DuplicateIndex
    """Registered sites by code, slug and name near a point; `Match.ref` is the site id."""
    themes: dict[str, str]
    """Theme slug, Chinese or English name (normalised) -> slug, with the themes the file defines."""

    @property
    def slugs(self) -> Collection[str]:
        """Slugs taken: a new site gets another."""
        return self.sites.slugs.keys()

    def id_of(self, ref: str) -> int | None:
        """The id of the site a slug or registry code names (a slug first), for rows naming
        their parent."""
        found = self.sites.slugs.get(ref)
        return found if found is not None else self.sites.codes.get(ref)

    def slug_of_id(self) -> dict[int, str]:
        """Site id -> slug, made when asked (only files with related records need it)."""
        return {sid: slug for slug, sid in self.sites.slugs.items()}


def index_registry(session: Session, related: Related | None, *, radius_m: float) -> RegistryIndex:
    """Read the keys of every registered site (not the sites: a large registry stays cheap)."""
    names: dict[str, tuple[str | None, str | None]] = {
        t.slug: (t.name, t.name_en) for t in session.exec(select(Theme))
    }
    for slug, theme in related_import.file_themes(related).items():
        names.setdefault(slug, theme)
    sites = DuplicateIndex(radius_m)
    keys = sa_select(
        col(Site.id), col(Site.slug), col(Site.code), col(Site.name), col(Site.lon), col(Site.lat)
    )
    for sid, slug, code, name, lon, lat in session.connection().execute(keys):
        sites.add(sid, SiteKey(code, slug, name, lon, lat))
    return RegistryIndex(sites=sites, themes=theme_lookup(names))
