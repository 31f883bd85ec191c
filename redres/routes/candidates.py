"""Catalogue sites as planner candidates: the one place the route room reads `Site` rows for
planning.

The planner sees only `Candidate` values; this module scores each visible site from its theme
weights (site weight x request weight, summed over the requested themes), parses its opening
hours, and fills the visit length from `DEFAULT_VISIT_MINUTES` when the registry has none.
A site that requires reservation without saying how far ahead is taken to need one day.
Unreadable opening hours are logged and treated as unknown (never as open). Stored routes and
hand-arranged stops are timed over the same candidates in `redres.routes.stored_routes`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, func, select

from redres.catalog.enums import PUBLIC, Category, Status
from redres.catalog.models import Event, EventSite, Site, SiteTheme, Story, StorySite, Theme
from redres.hours.closures import Closure, closures_of
from redres.hours.opening import HolidayLookup, OpeningHoursError, parse_opening_hours
from redres.messages import Message
from redres.routes.answer import Itinerary
from redres.routes.errors import InvalidPlanRequest
from redres.routes.model import Candidate, EventNote, Place, PlanRequest
from redres.routes.model import Story as StoryNote
from redres.routes.place_names import resolve_place_names
from redres.routes.planner import PlannerParams, plan
from redres.routes.travel import TravelModel

log = logging.getLogger(__name__)

DEFAULT_VISIT_MINUTES: Mapping[str, int] = {
    Category.memorial_hall: 60,
    Category.museum: 90,
    Category.former_site: 45,
    Category.former_residence: 40,
    Category.martyrs_cemetery: 40,
    Category.monument: 20,
    Category.education_base: 60,
    Category.other: 30,
}
"""Visit minutes when a site records none: halls and museums take a guided hour or more,
a monument a short ceremony; the stop carries a warning that the length was assumed."""


LIST_ALL_UP_TO = 2000
"""Catalogues up to this many visible sites are planned over whole, and every site outside the
requested themes is listed in `omitted` (low_relevance). Beyond it only the sites that can
score (or that the request names) are read and the rest are counted (`Itinerary.unlisted`), so
a plan at a million sites reads and answers what matters, not a megabyte of non-matches."""


def load_candidates(
    session: Session,
    themes: Mapping[str, float],
    *,
    visible: Collection[Status] = PUBLIC,
    scoring_or: Collection[str] | None = None,
) -> list[Candidate]:
    """Every site the caller may see, as a scored `Candidate`; with `scoring_or`, only those
    tagged with a requested theme plus the slugs it names (must, exclude, start, end).

    Raises
    ------
    InvalidPlanRequest
        When a requested theme slug is unknown (the message lists the known ones).
    """
    known = {t.slug: t for t in session.exec(select(Theme))}
    unknown = sorted(set(themes) - set(known))
    if unknown:
        msg = Message("e_theme_unknown", slug=unknown[0], known=tuple(sorted(known)))
        raise InvalidPlanRequest(msg)
    query = select(Site).where(col(Site.status).in_(list(visible)))
    if scoring_or is not None:
        wanted = [known[slug].id for slug, weight in themes.items() if weight > 0]
        tagged = select(SiteTheme.site_id).where(
            col(SiteTheme.theme_id).in_(wanted), col(SiteTheme.weight) > 0
        )
        query = query.where(col(Site.id).in_(tagged) | col(Site.slug).in_(list(scoring_or)))
    sites = list(session.exec(query.order_by(col(Site.id))))
    ids = [s.id for s in sites if s.id is not None]
    weights: dict[int, dict[str, float]] = defaultdict(dict)
    theme_rows = select(SiteTheme.site_id, Theme.slug, SiteTheme.weight).join(
        Theme, col(Theme.id) == SiteTheme.theme_id
    )
    if scoring_or is not None:
        theme_rows = theme_rows.where(col(SiteTheme.site_id).in_(ids))
    for site_id, slug, weight in session.exec(theme_rows):
        weights[site_id][slug] = weight
    notes = notes_of(session, ids)
    return [candidate_of(s, weights[s.id or 0], themes, notes) for s in sites if s.id is not None]


def plan_catalog(
    session: Session,
    request: PlanRequest,
    *,
    calendar: HolidayLookup,
    travel: TravelModel | None = None,
    today: dt.date | None = None,
    params: PlannerParams | None = None,
    visible: Collection[Status] = PUBLIC,
) -> Itinerary:
    """Plan over the catalogue: what the CLI and `POST /api/plan` call.

    Raises
    ------
    InvalidPlanRequest
        As `load_candidates` and `redres.routes.planner.plan` do, and when a start or end
        given by name matches no site or several (`redres.routes.place_names`).
    """
    request = resolve_place_names(session, request, visible=visible)
    total = session.exec(
        select(func.count()).select_from(Site).where(col(Site.status).in_(list(visible)))
    ).one()
    named = None
    if total > LIST_ALL_UP_TO and any(w > 0 for w in request.themes.values()):
        places = [p for p in (request.start, request.end) if isinstance(p, str)]
        named = {*request.must, *request.exclude, *places}
    candidates = load_candidates(session, request.themes, visible=visible, scoring_or=named)
    itinerary = plan(
        request, candidates, travel=travel, calendar=calendar, today=today, params=params
    )
    return dataclasses.replace(itinerary, unlisted=total - len(candidates))


def candidate_from_site(site: Site, site_weights: Mapping[str, float] | None = None) -> Candidate:
    """One site as a candidate with no request scoring (used for curated routes)."""
    return candidate_of(site, site_weights or {}, {}, SiteNotes())


def score(site_weights: Mapping[str, float], request_weights: Mapping[str, float]) -> float:
    """The relevance of a site: site weight x request weight, summed over requested themes.

    Examples
    --------
    >>> score({"martyrs": 1.0, "great-revolution": 0.5}, {"great-revolution": 2.0})
    1.0
    """
    return sum(w * site_weights.get(slug, 0.0) for slug, w in request_weights.items())


def candidate_of(
    site: Site,
    site_weights: Mapping[str, float],
    request_weights: Mapping[str, float],
    notes: SiteNotes,
) -> Candidate:
    """One site as the planner sees it, scored for `request_weights`."""
    sid = site.id or 0
    hours = None
    if site.opening_hours:
        try:
            hours = parse_opening_hours(site.opening_hours)
        except OpeningHoursError:
            log.warning("site %s has unreadable opening_hours %r", site.slug, site.opening_hours)
    visit = site.visit_minutes
    return Candidate(
        id=sid,
        slug=site.slug,
        name=site.name,
        lon=site.lon,
        lat=site.lat,
        score=score(site_weights, request_weights),
        visit_minutes=visit if visit else DEFAULT_VISIT_MINUTES.get(site.category, 30),
        visit_minutes_assumed=not visit,
        hours=hours,
        last_entry_minutes=site.last_entry_minutes or 0,
        capacity=site.capacity,
        reservation=(site.reservation or "none"),  # type: ignore[arg-type]
        reservation_days=site.reservation_days or (1 if site.reservation == "required" else 0),
        name_en=site.name_en,
        address=site.address,
        hours_note=site.hours_note,
        hours_note_en=site.hours_note_en,
        closures=_closures(site),
        themes=dict(site_weights),
        stories=tuple(notes.stories.get(sid, [])),
        category=str(site.category),
        ticket_price=site.ticket_price,
        event=notes.events.get(sid),
    )


def _closures(site: Site) -> tuple[Closure, ...]:
    """The site's stored closures; an unreadable entry (written around the API) is logged and
    skipped rather than failing the whole plan."""
    try:
        return closures_of(site.closures)
    except ValueError:
        log.warning("site %s has unreadable closures %r", site.slug, site.closures)
        return ()


def site_place(session: Session, slug: str, visible: Collection[Status] = PUBLIC) -> Place | None:
    """A site as a start or end: its own point, as the planner takes it (None when the site
    is unknown, hidden from the caller, or has no location)."""
    site = session.exec(
        select(Site).where(Site.slug == slug, col(Site.status).in_(list(visible)))
    ).first()
    if site is None or site.lon is None or site.lat is None:
        return None
    return Place(site.lon, site.lat, site.name, site.slug)


@dataclass(frozen=True, slots=True)
class SiteNotes:
    """What a stop tells beside the site itself: its stories and the earliest event it is tied to."""

    stories: Mapping[int, list[StoryNote]] = field(default_factory=dict)
    events: Mapping[int, EventNote] = field(default_factory=dict)


def notes_of(session: Session, ids: Sequence[int]) -> SiteNotes:
    """The stories and events of the sites `ids`, for their stops."""
    return SiteNotes(_stories(session, ids), events_of(session, ids))


def events_of(session: Session, ids: Sequence[int]) -> dict[int, EventNote]:
    """Each site's earliest dated event (what a chronological plan orders the site by).

    Events have no workflow status (`catalog.events`), so every linked event counts; an event
    with no date cannot be placed in time and is skipped.
    """
    out: dict[int, EventNote] = {}
    if not ids:
        return out
    rows = session.exec(
        select(EventSite.site_id, Event)
        .join(Event, col(Event.id) == EventSite.event_id)
        .where(col(EventSite.site_id).in_(ids), col(Event.date).is_not(None))
    )
    for site_id, event in rows:
        note = EventNote(event.name, event.date or "", event.name_en, event.slug)
        known = out.get(site_id)
        if known is None or (note.date, note.slug) < (known.date, known.slug):
            out[site_id] = note
    return out


def _stories(session: Session, ids: Sequence[int]) -> dict[int, list[StoryNote]]:
    """Each site's published stories, the notes a stop shows."""
    stories: dict[int, list[StoryNote]] = defaultdict(list)
    if not ids:
        return stories
    rows = session.exec(
        select(StorySite.site_id, Story)
        .join(Story, col(Story.id) == StorySite.story_id)
        .where(col(StorySite.site_id).in_(ids), Story.status == Status.published)
        .order_by(col(Story.id))
    )
    for site_id, story in rows:
        stories[site_id].append(
            StoryNote(story.title, story.summary, story.title_en, _excerpt(story.body))
        )
    return stories


def _excerpt(body: str | None, limit: int = 160) -> str | None:
    """The first paragraph of a story's body, cut at `limit` characters (for handouts)."""
    first = next((p.strip() for p in (body or "").split("\n\n") if p.strip()), "")
    if not first:
        return None
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
