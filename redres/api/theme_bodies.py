"""The JSON of themes as `/api/themes` answers it: one model per shape, built in one place."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from redres.catalog.enums import Status
from redres.catalog.models import Theme
from redres.catalog.route_store import theme_counts


class ThemeBody(BaseModel):
    """A theme of study as the API shows it."""

    slug: str
    name: str
    name_en: str | None
    description: str | None


class ThemeWithSites(ThemeBody):
    """A theme with how many sites the reader may see under it."""

    sites: int


class ThemeList(BaseModel):
    """Every theme, by slug, each with its site count."""

    data: list[ThemeWithSites]
    total: int


def theme_body(theme: Theme) -> ThemeBody:
    """A theme as the API shows it."""
    return ThemeBody(
        slug=theme.slug, name=theme.name, name_en=theme.name_en, description=theme.description
    )


def theme_list(session: Session, visible: frozenset[Status]) -> ThemeList:
    """Every theme with the count of sites the reader may see under it."""
    data = [
        ThemeWithSites(**theme_body(c.theme).model_dump(), sites=c.sites)
        for c in theme_counts(session, visible=visible)
    ]
    return ThemeList(data=data, total=len(data))


def theme_with_sites(session: Session, theme: Theme, visible: frozenset[Status]) -> ThemeWithSites:
    """A theme as one-theme reads show it: with how many sites the reader sees under it."""
    counts = {c.theme.id: c.sites for c in theme_counts(session, visible=visible)}
    return ThemeWithSites(**theme_body(theme).model_dump(), sites=counts.get(theme.id, 0))
