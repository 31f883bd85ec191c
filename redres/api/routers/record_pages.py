"""Visitor pages of people and events: their portrait or picture, gallery, recordings and
documents, and the stories, sites, people and events linked to them that the reader may see.

People and events have no draft state (they are public once saved), but what links to them
does: a draft story or site never shows here, nor an archived photo, to anyone but staff.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from redres.api.deps import SessionDep, VisibleDep
from redres.api.i18n import pick_language
from redres.api.links import absolute
from redres.api.list_pages import ListFilterDep, pager
from redres.api.templating import render
from redres.catalog.enums import Status
from redres.catalog.events import event_detail, find_events, get_event
from redres.catalog.media import media_json, media_of
from redres.catalog.media_lists import covers_of
from redres.catalog.models import Event, Person, Site, Source, Story, pk
from redres.catalog.people import find_people, get_person, person_detail
from redres.catalog.stories import story_places

router = APIRouter(include_in_schema=False)


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request, session: SessionDep, visible: VisibleDep, f: ListFilterDep
) -> HTMLResponse:
    """Everyone in the registry by name, with their portraits, a page at a time."""
    found = find_people(session, q=f.q or None, limit=f.size, offset=f.offset)
    return _list_page(request, session, "person", found.items, found.total, visible, f)


@router.get("/events", response_class=HTMLResponse)
def events_page(
    request: Request, session: SessionDep, visible: VisibleDep, f: ListFilterDep
) -> HTMLResponse:
    """Every event in date order, with its picture, a page at a time."""
    found = find_events(session, q=f.q or None, visible=visible, limit=f.size, offset=f.offset)
    return _list_page(request, session, "event", found.items, found.total, visible, f)


@router.get("/people/{slug}", response_class=HTMLResponse)
def person_page(
    request: Request, slug: str, session: SessionDep, visible: VisibleDep
) -> HTMLResponse:
    """A person: portrait, life dates, summary, pictures and documents, what tells of them."""
    person = get_person(session, slug)
    d = person_detail(session, person, visible=visible)
    links: dict[str, list[Any]] = {
        "stories": d.stories,
        "sites": d.sites,
        "events": d.events,
        "people": [],
    }
    return _record_page(request, session, "person", person, visible, links, d.sources)


@router.get("/events/{slug}", response_class=HTMLResponse)
def event_page(
    request: Request, slug: str, session: SessionDep, visible: VisibleDep
) -> HTMLResponse:
    """An event: its dates, places and people, pictures and documents, what tells of it."""
    event = get_event(session, slug)
    d = event_detail(session, event, visible=visible)
    links: dict[str, list[Any]] = {
        "stories": d.stories,
        "sites": d.sites,
        "events": [],
        "people": d.people,
    }
    return _record_page(request, session, "event", event, visible, links, d.sources)


def _list_page(
    request: Request,
    session: Session,
    kind: str,
    records: list[Any],
    total: int,
    visible: frozenset[Status],
    f: Any,
) -> HTMLResponse:
    covers = covers_of(session, kind, [pk(r) for r in records], visible=visible)
    return render(
        request,
        "records.html",
        {
            "kind": kind,
            "records": records,
            "covers": {i: media_json(m) for i, m in covers.items()},
            "f": f,
            "pager": pager(request, f, total),
        },
    )


def _record_page(
    request: Request,
    session: Session,
    kind: str,
    record: Person | Event,
    visible: frozenset[Status],
    links: dict[str, list[Any]],
    sources: list[Source],
) -> HTMLResponse:
    live = visible - {Status.archived}  # staff preview drafts' links, never deleted files
    items = [media_json(m) for m in media_of(session, kind, pk(record), visible=live)]
    images = [m for m in items if m["kind"] == "image"]
    cover = next((m for m in images if m["is_cover"]), images[0] if images else None)
    stories: list[Story] = links["stories"]
    lang = pick_language(request)
    title = record.name_en if lang == "en" and record.name_en else record.name
    og = {"title": title, "description": " ".join((record.summary or "").split())[:160]}
    if cover is not None:
        og["image"] = absolute(request, str(cover["url"]))
    sites: list[Site] = links["sites"]
    return render(
        request,
        "record.html",
        {
            "kind": kind,
            "record": record,
            "cover": cover,
            "gallery": [m for m in items if m["kind"] != "pdf" and m is not cover],
            "documents": [m for m in items if m["kind"] == "pdf"],
            "stories": stories,
            "story_places": story_places(session, stories, visible=visible),
            "sites": sites,
            "site_covers": {
                i: media_json(m)
                for i, m in covers_of(
                    session, "site", [pk(s) for s in sites], visible=visible
                ).items()
            },
            "events": links["events"],
            "people": links["people"],
            "sources": sources,
            "og": og,
        },
    )
