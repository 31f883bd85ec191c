"""The printable handout of a plan or a route, in the reader's language, with its route image.

The planner's handout embeds the image of the very itinerary it prints (a ``data:`` URL, so
no second solve and no blank map); a saved route's handout links its PNG. Without a Chinese
font the image cannot be drawn, and the handout says so instead of printing empty boxes.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence

from fastapi import Request
from sqlmodel import Session, col, select

from redres.api.i18n import pick_language, translator
from redres.catalog.enums import Status
from redres.catalog.media import media_json
from redres.catalog.media_lists import covers_of
from redres.catalog.models import Site
from redres.maps.route_png import MissingCJKFont, cjk_family, route_png_data_url
from redres.routes.answer import Itinerary
from redres.routes.handout import render_handout

log = logging.getLogger(__name__)


def handout_html(
    request: Request,
    itinerary: Itinerary,
    *,
    title: str = "",
    map_url: str | None = None,
    lessons: Mapping[str, Sequence[str]] | None = None,
    photos: Mapping[str, tuple[str, str]] | None = None,
    instructors: Mapping[str, str] | None = None,
) -> str:
    """The handout page; without `map_url` the route image is drawn here and embedded;
    `photos` (site slug -> URL, alt) are the stops' cover photos (`stop_photos`);
    `instructors` (site slug -> line) who teaches at each stop (a class's handout)."""
    lang = pick_language(request)
    _ = translator(lang)
    map_error: str | None = None
    try:
        if map_url is None:
            map_url = route_png_data_url(itinerary, title=title or None, lang=lang)
        else:
            cjk_family()  # the linked PNG needs the font too: say so here if it is missing
    except MissingCJKFont as exc:
        log.error("handout without its route image: %s", exc)
        map_url, map_error = None, _("handout.map_no_font")
    return render_handout(
        itinerary,
        title=title,
        map_url=map_url,
        map_error=map_error,
        lessons=lessons,
        translate=_,
        lang=lang,
        photos=photos,
        instructors=instructors,
    )


def stop_photos(
    session: Session, itinerary: Itinerary, visible: Collection[Status]
) -> dict[str, tuple[str, str]]:
    """Each stop's cover photo (its site's): the address of its 400 px small copy (the handout
    prints it 8rem wide; the thumbnail for images without one) and its alt text."""
    slugs = {s.slug for s in itinerary.stops if s.slug}
    if not slugs:
        return {}
    ids = dict(session.exec(select(Site.id, Site.slug).where(col(Site.slug).in_(slugs))).all())
    covers = covers_of(session, "site", [i for i in ids if i is not None], visible=visible)
    return {
        ids[site_id]: (str(_list_size(media_json(m))), m.alt or m.caption)
        for site_id, m in covers.items()
    }


def _list_size(item: dict[str, object]) -> object:
    return item["small_url"] or item["thumb_url"]
