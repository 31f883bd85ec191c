"""The GeoJSON of sites as `/api/sites` answers it, as pydantic models for /openapi.json.

The features themselves are built by `catalog.features` (exports and maps share them); the
models here are derived from the same field lists and the `Site` columns, so the documented
schema follows the code that builds the answer. Properties allow more keys than declared
(`distance_m` in searches near a point), so a model never drops what the catalogue adds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model

from redres.api.media_bodies import MediaBody
from redres.api.record_bodies import SourceBody
from redres.catalog.features import DETAIL_FIELDS, STAFF_FIELDS, SUMMARY_FIELDS
from redres.catalog.models import Site


class Point(BaseModel):
    """A GeoJSON point: `[lon, lat]` in WGS-84."""

    type: Literal["Point"]
    coordinates: list[float]


class OpenProperties(BaseModel):
    """Properties that may hold more than they declare: a model must not drop them."""

    model_config = ConfigDict(extra="allow")


class SiteStory(BaseModel):
    """A story told at a site, with its text and sources."""

    slug: str
    title: str
    title_en: str | None
    summary: str | None
    body: str
    language: str
    audience: str
    sources: list[SourceBody]


class SiteTheme(BaseModel):
    """A theme a site belongs to, with its weight there."""

    slug: str
    name: str
    name_en: str | None
    weight: float


class SitePerson(BaseModel):
    """A person linked to a site."""

    slug: str
    name: str
    name_en: str | None
    born: str | None
    died: str | None
    summary: str | None


class SiteEvent(BaseModel):
    """An event at a site."""

    slug: str
    name: str
    name_en: str | None
    date: str | None
    end_date: str | None
    summary: str | None


def site_column(name: str, *, required: bool = True) -> Any:
    """A site column as the features show it: dates and times as ISO text."""
    annotation: Any = Site.model_fields[name].annotation
    if annotation in (dt.date, dt.datetime):
        annotation = str
    elif annotation in (dt.date | None, dt.datetime | None):
        annotation = str | None
    return (annotation, ... if required else None)


_LINKS: dict[str, Any] = {
    "footprint": (dict[str, Any] | None, ...),
    "sources": (list[SourceBody], ...),
    "stories": (list[SiteStory], ...),
    "themes": (list[SiteTheme], ...),
    "people": (list[SitePerson], ...),
    "events": (list[SiteEvent], ...),
    "media": (list[MediaBody], ...),
}

SiteProperties = create_model(
    "SiteProperties",
    __base__=OpenProperties,
    __doc__="A site's summary; `distance_m` too in searches near a point.",
    **{name: site_column(name) for name in SUMMARY_FIELDS},
)
SiteDetailProperties = create_model(
    "SiteDetailProperties",
    __base__=OpenProperties,
    __doc__="A site in full, with what links to it; the survey fields for staff only.",
    **{name: site_column(name) for name in SUMMARY_FIELDS + DETAIL_FIELDS},
    **{name: site_column(name, required=False) for name in STAFF_FIELDS},
    **_LINKS,
)
StaffSiteProperties = create_model(
    "StaffSiteProperties",
    __base__=OpenProperties,
    __doc__="A site in full as staff see it, survey fields included.",
    **{name: site_column(name) for name in SUMMARY_FIELDS + DETAIL_FIELDS + STAFF_FIELDS},
    **_LINKS,
)


class SiteFeatureBase(BaseModel):
    """A GeoJSON Feature of a site (geometry null while unsurveyed)."""

    type: Literal["Feature"]
    id: int | None
    geometry: Point | None


class SiteFeature(SiteFeatureBase):
    """A site as a GeoJSON Feature with its summary."""

    properties: SiteProperties


class SiteDetailFeature(SiteFeatureBase):
    """One site as a GeoJSON Feature with its stories, themes, people, events and media."""

    properties: SiteDetailProperties


class StaffSiteFeature(SiteFeatureBase):
    """One site as staff read it, which is how every write answers."""

    properties: StaffSiteProperties


class SiteCollection(BaseModel):
    """A page of sites as a GeoJSON FeatureCollection, with how many match in all."""

    type: Literal["FeatureCollection"]
    total: int
    total_approximate: bool = False
    """True when more sites match than are counted (`redres.catalog.listing.COUNT_CAP`):
    `total` is then a lower bound and the pages are ranked approximately."""
    limit: int
    offset: int
    features: list[SiteFeature]
