"""The home page's search as one query string, read the same way by the list and its map.

The home page lists the sites a search finds and its map must show exactly those: the page
hands its search parameters to the map page, which hands them to ``/maps/sites.json``; all
three build the same :class:`~redres.catalog.listing.SiteQuery` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from redres.catalog.enums import Category, Period, Protection
from redres.catalog.errors import InvalidQuery
from redres.catalog.listing import SiteQuery
from redres.geo import parse_bbox, parse_lon_lat

SEARCH_KEYS = (
    "q",
    "theme",
    "category",
    "period",
    "district",
    "protection",
    "near",
    "radius_m",
    "bbox",
    "located",
)
"""The parameters of a site search, in the order they are written into links."""
MAX_VALUE = 100
DEFAULT_RADIUS_M = 5000.0


def search_params(params: Mapping[str, str]) -> dict[str, str]:
    """The search parameters present (and not empty) in a query string.

    Examples
    --------
    >>> search_params({"q": "八七", "lang": "en", "theme": ""})
    {'q': '八七'}
    """
    found = {k: str(params[k]).strip() for k in SEARCH_KEYS if params.get(k)}
    too_long = [k for k, v in found.items() if len(v) > MAX_VALUE]
    if too_long:
        msg = f"{too_long[0]} must be at most {MAX_VALUE} characters"
        raise InvalidQuery(msg)
    return {k: v for k, v in found.items() if v}


def site_query(params: Mapping[str, str], *, limit: int) -> SiteQuery:
    """The query those parameters ask for; a bad value is an `InvalidQuery` (422)."""
    p = search_params(params)
    try:
        near = parse_lon_lat(p["near"]) if "near" in p else None
        radius = float(p["radius_m"]) if "radius_m" in p else None
        if radius is not None and not 0 < radius <= 200_000:
            msg = f"radius_m {radius!r} must be above 0 and at most 200000"
            raise ValueError(msg)
        located = {"1": True, "0": False}.get(p.get("located", ""))
        if "located" in p and located is None:
            msg = f"located {p['located']!r} must be 1 or 0"
            raise ValueError(msg)
        return SiteQuery(
            q=p.get("q"),
            theme=p.get("theme"),
            category=Category(p["category"]) if "category" in p else None,
            period=Period(p["period"]) if "period" in p else None,
            district=p.get("district"),
            protection=Protection(p["protection"]) if "protection" in p else None,
            near=near,
            radius_m=(radius or DEFAULT_RADIUS_M) if near else None,
            bbox=parse_bbox(p["bbox"]) if "bbox" in p else None,
            located=located,
            limit=limit,
        )
    except ValueError as exc:
        raise InvalidQuery(str(exc)) from exc


def query_string(params: Mapping[str, str], **extra: str) -> str:
    """The search parameters (and `extra` ones) as a query string, ``?`` included when any."""
    items = {**search_params(params), **{k: v for k, v in extra.items() if v}}
    return f"?{urlencode(items)}" if items else ""
