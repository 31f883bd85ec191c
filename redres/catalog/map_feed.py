"""The registry as plain features for maps: one light query, popups' extras added in bulk.

Maps of the national catalogue need every visible site at once; paging `list_sites` through
ORM objects took seconds at 40,000 sites, so this reads plain columns in one query.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from redres.catalog.enums import PUBLIC, Status
from redres.catalog.features import SUMMARY_FIELDS
from redres.catalog.media_lists import covers_of
from redres.catalog.models import Site, SiteTheme, Story, StorySite, Theme, pk


def map_features(
    session: Session,
    *,
    theme: str | None = None,
    visible: Collection[Status] = PUBLIC,
    details: bool = True,
    ids: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    """Visible sites as features with what popups need: hours, theme slugs, a story excerpt,
    and the cover photo (`cover`: [media id, alt text, 1 when it has the 400 px small copy
    else 0], or None).

    `ids`: only these sites (the results of a search the map follows). Each feature's
    ``excerpt`` is in Chinese and ``excerpt_en`` in English, empty where none was written.
    """
    # One query of plain columns, not `list_sites` pages of ORM objects: for 40,000 sites,
    # paging by name took 12 s and loading full `Site` rows 3 s; this takes a fraction of that.
    fields = [*SUMMARY_FIELDS, "lon", "lat", "opening_hours"]
    stmt = select(*(getattr(Site, name) for name in fields)).where(
        col(Site.status).in_(list(visible))
    )
    if theme is not None:
        themed = (
            select(SiteTheme.site_id)
            .join(Theme, col(Theme.id) == SiteTheme.theme_id)
            .where(Theme.slug == theme)
        )
        stmt = stmt.where(col(Site.id).in_(themed))
    if ids is not None:
        stmt = stmt.where(col(Site.id).in_(list(ids)))
    features: list[dict[str, Any]] = []
    for row in session.exec(stmt.order_by(col(Site.id))):
        values = dict(zip(fields, row, strict=True))
        lon, lat = values.pop("lon"), values.pop("lat")
        point = None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]}
        features.append(
            {"type": "Feature", "id": values["id"], "geometry": point, "properties": values}
        )
    if not details:
        return features
    links = select(SiteTheme.site_id, Theme.slug).join(Theme, col(Theme.id) == SiteTheme.theme_id)
    stories = select(StorySite.site_id, Story).join(Story, col(Story.id) == StorySite.story_id)
    if ids is not None:  # a few sites of a large catalogue: not every link of every site
        links = links.where(col(SiteTheme.site_id).in_(list(ids)))
        stories = stories.where(col(StorySite.site_id).in_(list(ids)))
    themes: dict[int, list[str]] = {}
    for site_id, slug in session.exec(links):
        themes.setdefault(site_id, []).append(slug)
    excerpts: dict[int, tuple[str, str]] = {}
    for site_id, story in session.exec(
        stories.where(col(Story.status).in_(list(visible))).order_by(col(Story.id))
    ):
        if story.language == "en":  # a story written in English: its summary and body are English
            english = story.summary_en or story.summary or story.body or ""
            excerpts.setdefault(site_id, ("", english))
        else:
            excerpts.setdefault(
                site_id, (story.summary or story.body or "", story.summary_en or "")
            )
    covers = covers_of(session, "site", None if ids is None else ids, visible=visible)
    for feature in features:
        props = feature["properties"]
        cover = covers.get(props["id"])
        props["cover"] = (
            None
            if cover is None
            else [pk(cover), cover.alt or cover.caption, 1 if cover.small_key else 0]
        )
        props["themes"] = themes.get(props["id"], [])
        props["excerpt"], props["excerpt_en"] = excerpts.get(props["id"], ("", ""))
    return features


def theme_names(session: Session, lang: str = "zh") -> dict[str, str]:
    """Every theme's slug and name, in slug order (one filter each on the site map).

    English names where `lang` is ``en`` and the theme has one.
    """
    return {
        t.slug: (t.name_en if lang == "en" and t.name_en else t.name)
        for t in session.exec(select(Theme).order_by(col(Theme.slug)))
    }


def map_state(session: Session) -> tuple[Any, ...]:
    """What the map data depends on, cheaply, for caching it: a new value after any change.

    Counts and last changes of sites and stories, the theme links, and every theme's names
    (themes carry no timestamp, and a rename changes no count, so the names themselves count).
    """
    sites = session.exec(select(func.count(), func.max(Site.updated_at)).select_from(Site)).one()
    stories = session.exec(
        select(func.count(), func.max(Story.updated_at)).select_from(Story)
    ).one()
    links = session.exec(select(func.count()).select_from(SiteTheme)).one()
    themes = session.exec(
        select(Theme.slug, Theme.name, Theme.name_en).order_by(col(Theme.slug))
    ).all()
    return (*sites, *stories, links, tuple(tuple(t) for t in themes))
