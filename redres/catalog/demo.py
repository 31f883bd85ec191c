"""Load the bundled demo catalogue (Wuhan) as published records; running it twice changes nothing.

The files keep coordinates exactly as their sources give them, with the source's CRS, so what
is stored in the repository stays a sourced fact; conversion to WGS-84 happens here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col, select

from redres.catalog import sites as site_ops
from redres.catalog.enums import RouteKind, Status, TravelMode
from redres.catalog.models import (
    Citation,
    Event,
    EventPerson,
    EventSite,
    Person,
    Route,
    RouteStop,
    Site,
    Source,
    Story,
    StoryEvent,
    StoryPerson,
    StorySite,
    Theme,
    pk,
)
from redres.catalog.schemas import SiteCreate, SiteUpdate
from redres.catalog.site_fields import SITE_FIELDS
from redres.geo import to_wgs84

log = logging.getLogger(__name__)

M = TypeVar("M", bound=SQLModel)

ACTOR = "demo"


@dataclass(frozen=True, slots=True)
class DemoCounts:
    """How many records of each kind the demo data holds after loading."""

    sites: int
    stories: int
    themes: int
    people: int
    events: int
    routes: int
    sources: int


def load_demo(session: Session, directory: Path) -> DemoCounts:
    """Load or refresh every record of the demo data in `directory`, all published."""
    data = {
        name: _read(directory / f"{name}.json")
        for name in ("sources", "themes", "people", "events", "sites", "stories", "routes")
    }
    sources = {
        s["key"]: _upsert(
            session, Source, {"key": s["key"]}, {"title": s["title"], "url": s.get("url")}
        )
        for s in data["sources"]
    }
    for t in data["themes"]:
        _upsert(
            session,
            Theme,
            {"slug": t["slug"]},
            {"name": t["name"], "name_en": t.get("name_en"), "description": t.get("description")},
        )
    people = {
        p["slug"]: _upsert(
            session,
            Person,
            {"slug": p["slug"]},
            {
                "name": p["name"],
                "name_en": p.get("name_en"),
                "born": _str(p.get("born")),
                "died": _str(p.get("died")),
                "summary": p.get("summary"),
            },
        )
        for p in data["people"]
    }
    for p in data["people"]:
        _cite(session, "person", people[p["slug"]].id, p.get("sources", []), sources)
    sites = {row["code"]: _load_site(session, row, sources) for row in data["sites"]}
    for row in data["sites"]:
        _cite(session, "site", sites[row["code"]].id, row.get("sources", []), sources)
    for e in data["events"]:
        event = _upsert(
            session,
            Event,
            {"slug": e["slug"]},
            {
                "name": e["name"],
                "name_en": e.get("name_en"),
                "date": _str(e.get("date")),
                "end_date": _str(e.get("end_date")),
                "summary": e.get("summary"),
            },
        )
        _link(
            session,
            EventSite,
            "event_id",
            event.id,
            "site_id",
            [sites[c].id for c in e.get("sites", [])],
        )
        _link(
            session,
            EventPerson,
            "event_id",
            event.id,
            "person_id",
            [people[p].id for p in e.get("people", [])],
        )
        _cite(session, "event", event.id, e.get("sources", []), sources)
    events = {e.slug: e for e in session.exec(select(Event))}
    for s in data["stories"]:
        story = _upsert(
            session,
            Story,
            {"slug": s["slug"]},
            {
                "title": s["title"],
                "title_en": s.get("title_en"),
                "summary": s.get("summary"),
                "summary_en": s.get("summary_en"),
                "body": s.get("body", ""),
                "audience": s.get("audience", "general"),
                "language": s.get("language", "zh"),
                "status": Status.published,
            },
        )
        _link(
            session,
            StorySite,
            "story_id",
            story.id,
            "site_id",
            [sites[c].id for c in s.get("sites", [])],
        )
        _link(
            session,
            StoryPerson,
            "story_id",
            story.id,
            "person_id",
            [people[p].id for p in s.get("people", [])],
        )
        _link(
            session,
            StoryEvent,
            "story_id",
            story.id,
            "event_id",
            [events[e].id for e in s.get("events", [])],
        )
        _cite(session, "story", story.id, s.get("sources", []), sources)
    for site in sites.values():
        site_ops.reindex_site(session, site)  # story titles are searchable
    themes = {t.slug: t for t in session.exec(select(Theme))}
    for r in data["routes"]:
        _load_route(session, r, sites, themes)
    return DemoCounts(
        sites=len(sites),
        stories=len(data["stories"]),
        themes=len(data["themes"]),
        people=len(people),
        events=len(data["events"]),
        routes=len(data["routes"]),
        sources=len(sources),
    )


def _load_site(session: Session, row: dict[str, Any], sources: dict[str, Source]) -> Site:
    fields = {k: row[k] for k in ("slug", *SITE_FIELDS) if k in row}
    fields["code"] = row["code"]
    fields["aliases"] = row.get("aliases") or []
    fields["designations"] = row.get("designations") or []
    fields["themes"] = row.get("themes") or None
    loc = row.get("location")
    fields["lon"], fields["lat"] = (None, None)
    fields["point_source"] = fields["point_crs"] = None
    fields["point_note"] = row.get("location_note")
    if loc:
        point = to_wgs84(float(loc["lon"]), float(loc["lat"]), loc["crs"])
        fields["lon"], fields["lat"] = round(point.lon, 7), round(point.lat, 7)
        source = sources.get(loc.get("source") or "")
        fields["point_source"] = source.title[:300] if source else loc.get("source")
        fields["point_crs"] = loc["crs"]
        fields["point_note"] = loc.get("note") or row.get("location_note")
    existing = session.exec(select(Site).where(Site.code == row["code"])).first()
    if existing is None:
        return site_ops.create_site(
            session, SiteCreate(**fields, status=Status.published), actor=ACTOR
        )
    site = site_ops.update_site(session, existing, SiteUpdate(**fields), actor=ACTOR)
    return site_ops.set_status(session, site, Status.published, actor=ACTOR)


def _load_route(
    session: Session, r: dict[str, Any], sites: dict[str, Site], themes: dict[str, Theme]
) -> Route:
    theme = themes.get(r["theme"]) if r.get("theme") else None
    route = _upsert(
        session,
        Route,
        {"slug": r["slug"]},
        {
            "name": r["name"],
            "name_en": r.get("name_en"),
            "description": r.get("description"),
            "description_en": r.get("description_en"),
            "kind": RouteKind.curated,
            "theme_id": theme.id if theme else None,
            "days": int(r.get("days", 1)),
            "mode": TravelMode(r.get("mode", "walk")),
            "status": Status.published,
        },
    )
    session.exec(delete(RouteStop).where(col(RouteStop.route_id) == route.id))
    for stop in r["stops"]:
        session.add(
            RouteStop(
                route_id=pk(route),
                day=int(stop.get("day", 1)),
                position=int(stop["order"]),
                site_id=pk(sites[stop["site"]]),
                minutes=stop.get("minutes"),
                note=stop.get("note"),
                note_en=stop.get("note_en"),
            )
        )
    session.flush()
    return route


def _upsert(session: Session, model: type[M], key: dict[str, Any], values: dict[str, Any]) -> M:
    stmt = select(model)
    for name, value in key.items():
        stmt = stmt.where(getattr(model, name) == value)
    record = session.exec(stmt).first()
    if record is None:
        record = model(**key, **values)
    else:
        for name, value in values.items():
            setattr(record, name, value)
    session.add(record)
    session.flush()
    return record


def _link(
    session: Session,
    model: type[SQLModel],
    left: str,
    left_id: int | None,
    right: str,
    right_ids: list[int | None],
) -> None:
    session.exec(delete(model).where(getattr(model, left) == left_id))
    for rid in dict.fromkeys(right_ids):
        session.add(model(**{left: left_id, right: rid}))
    session.flush()


def _cite(
    session: Session,
    entity: str,
    entity_id: int | None,
    keys: list[str],
    sources: dict[str, Source],
) -> None:
    assert entity_id is not None
    session.exec(
        delete(Citation).where(col(Citation.entity) == entity, col(Citation.entity_id) == entity_id)
    )
    for key in dict.fromkeys(keys):
        session.add(Citation(source_id=pk(sources[key]), entity=entity, entity_id=entity_id))
    session.flush()


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, list):
        msg = f"{path} must hold a JSON list"
        raise ValueError(msg)
    return data


def _str(value: object) -> str | None:
    return None if value is None else str(value)
