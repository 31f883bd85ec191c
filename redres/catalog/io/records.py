"""Sites as flat export records: one dict per site, keyed by `EXPORT_FIELDS`, plain values only.

Every format writer takes these, so what a site exports as is decided once. Lists and themes are
encoded as in `fields` (writers of structured formats may expand them again). Sites are read in
pages so a registry of any size exports in bounded memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from redres.catalog.enums import Status
from redres.catalog.io.citations import SITE, SourceRef, cited_refs, format_sources
from redres.catalog.io.fields import EXPORT_FIELDS, encode_list, encode_themes
from redres.catalog.models import Site, SiteTheme, Theme
from redres.catalog.sites import themes_weights
from redres.geo import from_wgs84
from redres.hours.closures import closures_text

PAGE = 5000


def site_records(
    session: Session,
    *,
    statuses: Collection[Status] = (Status.draft, Status.published),
    theme: str | None = None,
    crs: str = "wgs84",
) -> Iterator[dict[str, Any]]:
    """Export records of the sites with one of `statuses` (and `theme`), by id, in `crs`."""
    last = 0
    parent = aliased(Site)
    while True:
        stmt = (
            select(Site, parent.slug)
            .outerjoin(  # a parent left out of the export is not named either
                parent,
                (col(parent.id) == Site.parent_id) & col(parent.status).in_(list(statuses)),
            )
            .where(col(Site.status).in_(list(statuses)), col(Site.id) > last)
            .order_by(col(Site.id))
            .limit(PAGE)
        )
        if theme is not None:
            themed = (
                select(SiteTheme.site_id)
                .join(Theme, col(Theme.id) == SiteTheme.theme_id)
                .where(Theme.slug == theme)
            )
            stmt = stmt.where(col(Site.id).in_(themed))
        page = list(session.exec(stmt))
        if not page:
            return
        ids = [s.id for s, _ in page if s.id is not None]
        weights = themes_weights(session, ids)
        sources = cited_refs(session, SITE, ids)
        for site, parent_slug in page:
            assert site.id is not None
            yield record(
                site, weights.get(site.id, {}), parent_slug, sources.get(site.id, []), crs=crs
            )
        last = page[-1][0].id or last  # pages are not kept: the identity map holds weak refs


def record(
    site: Site,
    themes: dict[str, float],
    parent_slug: str | None,
    sources: list[SourceRef] | None = None,
    *,
    crs: str = "wgs84",
) -> dict[str, Any]:
    """One site as an export record; coordinates converted to `crs`."""
    out: dict[str, Any] = {}
    for name in EXPORT_FIELDS:
        if name == "themes":
            out[name] = encode_themes(themes)
        elif name == "sources":
            out[name] = format_sources(sources or [])
        elif name == "parent":
            out[name] = parent_slug
        elif name == "closures":
            out[name] = closures_text(site.closures)
        elif name in ("aliases", "designations"):
            out[name] = encode_list(getattr(site, name) or [])
        else:
            value = getattr(site, name)
            out[name] = value.isoformat() if hasattr(value, "isoformat") else _plain(value)
    if site.lon is not None and site.lat is not None and crs != "wgs84":
        p = from_wgs84(site.lon, site.lat, crs)
        out["lon"], out["lat"] = round(p.lon, 7), round(p.lat, 7)
    return out


class Counted(Iterator[dict[str, Any]]):
    """Records passed through, counted: a writer that streams text says how many it wrote."""

    def __init__(self, records: Iterable[Mapping[str, Any]]) -> None:
        self._records = iter(records)
        self.n = 0

    def __next__(self) -> Any:
        record = next(self._records)
        self.n += 1
        return record


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value
