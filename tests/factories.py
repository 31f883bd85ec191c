"""Small hand-made sites for tests: real Wuhan names and sourced WGS-84 points."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.models import Site, Theme
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site

# Points are the Wikidata P625 values recorded in ../shared/data/wuhan/sites-facts.csv.
TOY_SITES: list[dict[str, Any]] = [
    {
        "name": "八七会议会址",
        "name_en": "Site of the August 7 Conference",
        "code": "WH19",
        "category": "former_site",
        "period": "great_revolution",
        "district": "江岸区",
        "protection": "national",
        "lon": 114.2944,
        "lat": 30.58899,
        "address": "武汉市江岸区鄱阳街139号",
        "aliases": ["八七会议会址纪念馆"],
        "opening_hours": "Tu-Su 09:00-17:00",
        "themes": {"great-revolution": 1.0},
    },
    {
        "name": "中共五大会址纪念馆",
        "name_en": "Site of the 5th National Congress of the CPC",
        "code": "WH01",
        "category": "former_site",
        "period": "great_revolution",
        "district": "武昌区",
        "protection": "national",
        "lon": 114.29302,
        "lat": 30.55339,
        "address": "武汉市武昌区都府堤20号",
        "themes": {"great-revolution": 1.0},
    },
    {
        "name": "中央农民运动讲习所旧址",
        "name_en": "Site of the Central Peasant Movement Institute",
        "code": "WH03",
        "category": "former_site",
        "period": "great_revolution",
        "district": "武昌区",
        "lon": 114.29562,
        "lat": 30.5536,
        "themes": {"great-revolution": 0.8},
    },
    {
        "name": "施洋烈士墓",
        "name_en": "Tomb of Martyr Shi Yang",
        "code": "WH14",
        "category": "martyrs_cemetery",
        "period": "founding",
        "district": "洪山区",
        "lon": 114.33583,
        "lat": 30.53972,
        "themes": {"martyrs": 1.0},
    },
    {
        "name": "武汉革命博物馆",
        "name_en": "Wuhan Revolutionary Museum",
        "code": "WH04",
        "category": "museum",
        "district": "武昌区",
    },
]


def add_themes(session: Session) -> None:
    """The two themes the toy sites use."""
    session.add(Theme(slug="great-revolution", name="大革命"))
    session.add(Theme(slug="martyrs", name="英烈纪念"))
    session.flush()


def add_toy_sites(session: Session, *, status: Status = Status.published) -> list[Site]:
    """Five sites, four with a location, all with the given status."""
    add_themes(session)
    sites = [create_site(session, SiteCreate(**row, status=status)) for row in TOY_SITES]
    session.commit()
    return sites
