"""What a listing of the registry is asked and answers, and the light rows it ranks.

Shared by `listing` (filters, ranked searches) and `large_search` (searches too large to rank
hit by hit).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from redres.catalog.enums import Category, Period, Protection, Status
from redres.catalog.errors import InvalidQuery
from redres.catalog.models import Site, Story, StorySite
from redres.catalog.search import SearchText
from redres.geo import BBox, LonLat

MAX_RADIUS_M = 2_000_000.0


@dataclass(frozen=True, slots=True)
class SiteQuery:
    """What a caller asks of the registry; every field narrows the result."""

    q: str | None = None
    theme: str | None = None
    category: Category | None = None
    period: Period | None = None
    district: str | None = None
    protection: Protection | None = None
    status: Status | None = None
    bbox: BBox | None = None
    near: LonLat | None = None
    radius_m: float | None = None
    located: bool | None = None
    """True: only sites with a known point; False: only those without (位置待考)."""
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= 1000:
            msg = f"limit {self.limit!r} must be between 1 and 1000"
            raise InvalidQuery(msg)
        if self.offset < 0:
            msg = f"offset {self.offset!r} must not be negative"
            raise InvalidQuery(msg)
        if self.bbox is not None:
            b = self.bbox
            if not (-180 <= b.min_lon <= b.max_lon <= 180 and -90 <= b.min_lat <= b.max_lat <= 90):
                msg = f"bbox {tuple(b)!r} must be minlon,minlat,maxlon,maxlat within -180..180/-90..90"
                raise InvalidQuery(msg)
        if self.radius_m is not None:
            if self.near is None:
                msg = "radius_m needs near=lon,lat"
                raise InvalidQuery(msg)
            if not (math.isfinite(self.radius_m) and 0 < self.radius_m <= MAX_RADIUS_M):
                msg = f"radius_m {self.radius_m!r} must be between 0 and {MAX_RADIUS_M:.0f}"
                raise InvalidQuery(msg)
        if self.near is not None and not (
            -180 <= self.near.lon <= 180 and -90 <= self.near.lat <= 90
        ):
            msg = f"near {tuple(self.near)!r} is not a lon,lat point"
            raise InvalidQuery(msg)


@dataclass(frozen=True, slots=True)
class SiteHit:
    """One site in a result, with its distance when the query had a `near` point."""

    site: Site
    distance_m: float | None = None


@dataclass(frozen=True, slots=True)
class SitePage:
    """One page of a result and the size of the whole result.

    `total_approximate`: the result is larger than `listing.COUNT_CAP` and `total` is that cap (a lower
    bound); a search's pages are then ranked approximately (`large_search`), a filtered list's
    are still in name order.
    """

    items: list[SiteHit]
    total: int
    total_approximate: bool = False


def hydrate(session: Session, hits: Sequence[tuple[int, float | None]]) -> list[SiteHit]:
    """Full `Site` objects for a page of (id, distance), in the page's order."""
    full = {
        s.id: s for s in session.exec(select(Site).where(col(Site.id).in_([i for i, _ in hits])))
    }
    return [SiteHit(full[i], d) for i, d in hits]


LIGHT_COLUMNS: tuple[Any, ...] = (
    Site.id,
    Site.name,
    Site.aliases,
    Site.name_en,
    Site.address,
    Site.code,
    Site.lon,
    Site.lat,
)


def story_titles(session: Session, site_ids: Any) -> dict[int, list[str]]:
    """Published story titles of the candidate sites (a subquery, never a list of ids)."""
    out: dict[int, list[str]] = defaultdict(list)
    stmt = (
        select(StorySite.site_id, Story.title)
        .join(Story, col(Story.id) == StorySite.story_id)
        .where(col(StorySite.site_id).in_(site_ids), Story.status == Status.published)
    )
    for site_id, title in session.exec(stmt):
        out[site_id].append(title)
    return out


def search_text(site: Any, titles: Sequence[str]) -> SearchText:
    """What `rank` looks at, from a row of `LIGHT_COLUMNS` and the site's story titles."""
    return SearchText(
        name=site.name,
        aliases=tuple(site.aliases),
        name_en=site.name_en,
        address=site.address,
        code=site.code,
        story_titles=tuple(titles),
    )
