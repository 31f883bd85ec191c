"""The JSON of study routes as `/api/routes` answers it: the GeoJSON-like body of one route, and
the models of it and of the route list for /openapi.json."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, create_model
from sqlmodel import Session

from redres.api.site_bodies import OpenProperties, SiteFeatureBase, site_column
from redres.catalog.enums import PUBLIC, RouteKind, Status, TravelMode
from redres.catalog.features import SUMMARY_FIELDS, site_feature
from redres.catalog.models import Route
from redres.catalog.route_store import route_stops, route_theme


class RouteTheme(BaseModel):
    """The theme a route serves."""

    slug: str
    name: str


class RouteProperties(BaseModel):
    """A route's details; `plan` is the plan request a saved plan came from (None if curated).
    `description_en` is the description in English where one was written."""

    id: int | None
    slug: str
    name: str
    name_en: str | None
    description: str | None
    description_en: str | None
    kind: RouteKind
    mode: TravelMode
    days: int
    status: Status
    theme: RouteTheme | None
    plan: dict[str, Any] | None


StopProperties = create_model(
    "StopProperties",
    __base__=OpenProperties,
    __doc__="The site of a stop (its summary) and the stop: day, order, minutes, note (and in "
    "English, `note_en`).",
    **{name: site_column(name) for name in SUMMARY_FIELDS},
    day=(int, ...),
    order=(int, ...),
    minutes=(int | None, ...),
    note=(str | None, ...),
    note_en=(str | None, ...),
    site_id=(int | None, ...),
)


class StopFeature(SiteFeatureBase):
    """One stop of a route as a GeoJSON Feature of its site."""

    properties: StopProperties


class RouteBody(BaseModel):
    """A route as a GeoJSON-like FeatureCollection of its stops in day and order."""

    type: Literal["FeatureCollection"]
    id: int | None
    properties: RouteProperties
    plan: dict[str, Any] | None
    features: list[StopFeature]


class RouteListItem(BaseModel):
    """A route in a list: its details, theme slug, number of stops, and whether it is yours."""

    id: int | None
    slug: str
    name: str
    name_en: str | None
    description: str | None
    description_en: str | None
    kind: RouteKind
    mode: TravelMode
    days: int
    theme: str | None
    status: Status
    stops: int
    owned: bool


class RouteList(BaseModel):
    """The routes the caller may see, and how many."""

    data: list[RouteListItem]
    total: int


class ShareLink(BaseModel):
    """A route's share link: the token, the absolute page link, and the JSON path."""

    token: str
    url: str
    api: str


def route_body(
    session: Session, route: Route, *, visible: frozenset[Status] = PUBLIC
) -> dict[str, Any]:
    """A route as a GeoJSON-like FeatureCollection of its stops, each with its site."""
    theme = route_theme(session, route)
    features = []
    for row in route_stops(session, route, visible=visible):
        feature = site_feature(row.site)
        feature["properties"] |= {
            "day": row.stop.day,
            "order": row.stop.position,
            "minutes": row.stop.minutes,
            "note": row.stop.note,
            "note_en": row.stop.note_en,
            "site_id": row.site.id,
        }
        features.append(feature)
    return {
        "type": "FeatureCollection",
        "id": route.id,
        "properties": {
            "id": route.id,
            "slug": route.slug,
            "name": route.name,
            "name_en": route.name_en,
            "description": route.description,
            "description_en": route.description_en,
            "kind": route.kind,
            "mode": route.mode,
            "days": route.days,
            "status": route.status,
            "theme": None if theme is None else {"slug": theme.slug, "name": theme.name},
            "plan": route.plan,
        },
        "plan": route.plan,
        "features": features,
    }
