"""Plain features and itineraries for map tests: no database, since maps render plain data."""

from __future__ import annotations

from typing import Any

import pytest

HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`</script>"
"""A site name that would run script if any path pasted it into HTML or JavaScript."""


def point_feature(name: str, lon: float, lat: float, **props: Any) -> dict[str, Any]:
    """A site feature as `redres.catalog.features.site_feature` makes it, plus popup extras."""
    base = {"slug": None, "category": "former_site", "period": None, "protection": None}
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {**base, "name": name, **props},
    }


@pytest.fixture
def features() -> list[dict[str, Any]]:
    """Four Wuhan sites (WGS-84 points from Wikidata), one with a hostile name, one unsurveyed."""
    return [
        point_feature(
            "八七会议会址",
            114.2944,
            30.58899,
            slug="aug7-site",
            period="great_revolution",
            protection="national",
            district="江岸区",
            opening_hours="Tu-Su 09:00-17:00; PH open",
            themes=["great-revolution"],
            stories=[{"summary": "1927年8月7日，中共中央在此召开紧急会议。", "body": ""}],
        ),
        point_feature(
            HOSTILE,
            114.29302,
            30.55339,
            slug="hostile",
            category="memorial_hall",
            district="武昌区",
            themes=["martyrs"],
            excerpt=HOSTILE,
        ),
        point_feature(
            "施洋烈士墓", 114.33583, 30.53972, category="martyrs_cemetery", district="洪山区"
        ),
        {"type": "Feature", "geometry": None, "properties": {"name": "武汉革命博物馆"}},
    ]


@pytest.fixture
def themes() -> dict[str, str]:
    """Theme filters, one with a hostile name."""
    return {"great-revolution": "大革命", "martyrs": HOSTILE}


@pytest.fixture
def itinerary() -> dict[str, Any]:
    """Two days in the DESIGN.md itinerary shape, day 1 with a road geometry and a start point."""
    return {
        "name": "武昌红巷",
        "score": 3.0,
        "start": {"lon": 114.3, "lat": 30.55, "name": "学校"},
        "days": [
            {
                "date": "2026-05-01",
                "stops": [
                    {
                        "site_id": 1,
                        "slug": "aug7-site",
                        "name": "八七会议会址",
                        "arrive": "09:00",
                        "start": "09:00",
                        "leave": "10:00",
                        "lon": 114.2944,
                        "lat": 30.58899,
                    },
                    {
                        "site_id": 2,
                        "slug": "hostile",
                        "name": HOSTILE,
                        "arrive": "10:20",
                        "start": "10:20",
                        "leave": "11:00",
                        "lon": 114.29302,
                        "lat": 30.55339,
                        "note": HOSTILE,
                    },
                ],
                "legs": [
                    {"minutes": 20, "metres": 4000, "geometry": None},
                    {
                        "minutes": 20,
                        "metres": 4200,
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [
                                [114.2944, 30.58899],
                                [114.2990, 30.5700],
                                [114.29302, 30.55339],
                            ],
                        },
                    },
                ],
            },
            {
                "date": "2026-05-02",
                "stops": [
                    {
                        "site_id": 3,
                        "slug": "shi-yang",
                        "name": "施洋烈士墓",
                        "arrive": "09:30",
                        "start": "09:30",
                        "leave": "10:15",
                        "lon": 114.33583,
                        "lat": 30.53972,
                    },
                ],
                "legs": [],
            },
        ],
    }
