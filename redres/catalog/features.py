"""Sites as GeoJSON-like features: the plain form the API, exports and maps share."""

from __future__ import annotations

import json
from typing import Any

from redres.catalog.detail import SiteDetail
from redres.catalog.media import media_list
from redres.catalog.models import Site, Source

SUMMARY_FIELDS = (
    "id",
    "slug",
    "code",
    "name",
    "name_en",
    "category",
    "period",
    "district",
    "protection",
    "status",
)
DETAIL_FIELDS = (
    "summary",
    "summary_en",
    "aliases",
    "years",
    "designations",
    "address",
    "opening_hours",
    "hours_note",
    "hours_note_en",
    "closures",
    "last_entry_minutes",
    "reservation",
    "reservation_days",
    "capacity",
    "visit_minutes",
    "admission",
    "accessibility",
    "contact",
    "parent_id",
)
STAFF_FIELDS = ("condition", "survey_date", "surveyor", "ownership", "created_at", "updated_at")


def site_feature(site: Site, *, distance_m: float | None = None) -> dict[str, Any]:
    """A site as a GeoJSON Feature with its summary properties (null geometry if unsurveyed)."""
    props: dict[str, Any] = {name: _plain(getattr(site, name)) for name in SUMMARY_FIELDS}
    if distance_m is not None:
        props["distance_m"] = round(distance_m, 1)
    return {"type": "Feature", "id": site.id, "geometry": _point(site), "properties": props}


def site_detail_feature(detail: SiteDetail, *, staff: bool = False) -> dict[str, Any]:
    """A site with its stories (and their sources), themes, people and events."""
    feature = site_feature(detail.site)
    props = feature["properties"]
    fields = DETAIL_FIELDS + STAFF_FIELDS if staff else DETAIL_FIELDS
    props.update({name: _plain(getattr(detail.site, name)) for name in fields})
    props["footprint"] = json.loads(detail.site.footprint) if detail.site.footprint else None
    props["sources"] = [source_dict(s) for s in detail.sources]
    props["stories"] = [
        {
            "slug": v.story.slug,
            "title": v.story.title,
            "title_en": v.story.title_en,
            "summary": v.story.summary,
            "body": v.story.body,
            "language": v.story.language,
            "audience": v.story.audience,
            "sources": [source_dict(s) for s in v.sources],
        }
        for v in detail.stories
    ]
    props["themes"] = [
        {"slug": t.theme.slug, "name": t.theme.name, "name_en": t.theme.name_en, "weight": t.weight}
        for t in detail.themes
    ]
    props["people"] = [
        {
            "slug": p.slug,
            "name": p.name,
            "name_en": p.name_en,
            "born": p.born,
            "died": p.died,
            "summary": p.summary,
        }
        for p in detail.people
    ]
    props["events"] = [
        {
            "slug": e.slug,
            "name": e.name,
            "name_en": e.name_en,
            "date": e.date,
            "end_date": e.end_date,
            "summary": e.summary,
        }
        for e in detail.events
    ]
    props["media"] = media_list(detail.media)
    return feature


def source_dict(source: Source) -> dict[str, Any]:
    """A citation as readers see it."""
    return {"key": source.key, "title": source.title, "url": source.url}


def _point(site: Site) -> dict[str, Any] | None:
    if site.lon is None or site.lat is None:
        return None
    return {"type": "Point", "coordinates": [site.lon, site.lat]}


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
