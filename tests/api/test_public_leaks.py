"""Nothing unpublished reaches an anonymous visitor, on any public GET endpoint.

The catalogue holds a draft site, an archived site, a published site whose parent is a draft,
a draft story, a teacher's private route, an editor's draft route, courses on each of them,
an instructor who teaches only those, and approved feedback on records that were withdrawn
since; every such record carries the marker `qzx` in its name or slug. Then every GET route
of the app (walked from the app itself, so a new endpoint is covered without editing this
file) is called anonymously with its parameters filled, and no body or header may show the
marker. Each parameter is also probed with a marker record's key: the answer must be the one
a key that does not exist gets.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.attachment_tables import Feedback
from redres.catalog.enums import STAFF, FeedbackStatus, Role, Status
from redres.catalog.library import (
    CourseCreate,
    InstructorCreate,
    create_course,
    create_instructor,
)
from redres.catalog.models import Event, EventSite, Person, Site, pk
from redres.catalog.route_edits import create_route, set_route_status
from redres.catalog.schemas import SiteCreate
from redres.catalog.sites import create_site
from redres.catalog.stories import save_story
from redres.catalog.story_schemas import StoryWrite
from redres.config import Settings
from tests.factories import add_toy_sites

MARK = "qzx"
"""In the name or slug of every record an anonymous visitor must not learn of."""
MISSING = "no-such-record-k7"
"""A key that names nothing: marker keys must be answered exactly like it."""
DAY = "2025-06-10"


@dataclass(frozen=True)
class World:
    """The app and the keys to fill parameters with: public ones and marker ones by kind."""

    client: TestClient
    public: dict[str, str]
    secret: dict[str, list[str]]


def _site(session: Session, slug: str, name: str, status: Status, **extra: Any) -> int:
    data = SiteCreate(
        slug=slug,
        name=name,
        name_en=f"{name} en",
        category="memorial_hall",
        lon=114.2950,
        lat=30.5540,
        status=status,
        themes={"great-revolution": 1.0},
        **extra,
    )
    return pk(create_site(session, data, actor="ed"))


@pytest.fixture
def world(engine: Engine, session: Session) -> Iterator[World]:
    """Public toy sites beside marker records of every kind; an editor and a teacher."""
    public_sites = add_toy_sites(session)
    editor = create_user(session, "ed", "correct horse battery", Role.editor)
    teacher = create_user(session, "te", "correct horse battery", Role.teacher)
    draft = _site(session, "qzx-draft-site", "qzx草稿纪念馆", Status.draft, district="qzx区")
    archived = _site(session, "qzx-archived-site", "qzx已撤纪念馆", Status.published)
    parent = _site(session, "qzx-parent-site", "qzx草稿群体", Status.draft)
    _site(session, "public-child-site", "公开的子站点", Status.published, parent_id=parent)
    first, second = public_sites[0].slug, public_sites[1].slug
    person = Person(slug="public-person", name="公开人物", born="1899-10-01")
    event = Event(slug="public-event", name="公开事件", date="1927-08-07")
    session.add_all([person, event])
    session.flush()
    session.add_all(
        EventSite(event_id=pk(event), site_id=site) for site in (draft, pk(public_sites[0]))
    )
    story = StoryWrite(
        slug="qzx-draft-story",
        title="qzx草稿故事",
        body="qzx",
        sites=[first, "qzx-draft-site"],
        people=["public-person"],
        events=["public-event"],
    )
    save_story(session, story, actor="ed")
    told = StoryWrite(
        slug="public-story",
        title="公开故事",
        body="公开",
        status=Status.published,
        sites=[first, "qzx-draft-site", "qzx-archived-site"],
        people=["public-person"],
        events=["public-event"],
    )
    save_story(session, told, actor="ed")
    private = create_route(
        session,
        actor="te",
        name="qzx private route",
        stops=[[(first, "qzx私人备注"), (second, None)]],
        owner_id=teacher.id,
        theme="great-revolution",
    )
    drafted = create_route(
        session,
        actor="ed",
        name="qzx editor draft",
        stops=[[(first, None)]],
        owner_id=editor.id,
        theme="great-revolution",
    )
    walk = create_route(
        session,
        actor="ed",
        name="public walk",
        stops=[[(first, "讲会议经过"), ("qzx-draft-site", "qzx站点备注"), (second, None)]],
        owner_id=editor.id,
        theme="great-revolution",
        visible=STAFF,
    )
    set_route_status(session, walk, Status.published, actor="ed")
    lecturer = create_instructor(session, InstructorCreate(name="qzx讲师"), actor="ed")
    # teaches a public course, so shows to visitors, but never with the marked contact
    public_lecturer = InstructorCreate(name="公开讲师", email="qzx-contact@example.cn")
    teacher_of_all = create_instructor(session, public_lecturer, actor="ed")
    for title, target in [
        ("qzx course on draft site", {"site": "qzx-draft-site"}),
        ("qzx course on archived site", {"site": "qzx-archived-site"}),
        ("qzx course on private route", {"route": private.slug}),
        ("qzx course on draft route", {"route": drafted.slug}),
    ]:
        body = CourseCreate(title=title, instructor=lecturer.id, **target)  # type: ignore[arg-type]
        create_course(session, body, actor="ed")
    hidden = CourseCreate(title="qzx draft course", site=first, status=Status.draft)
    create_course(session, hidden, actor="ed")
    shown = CourseCreate(title="公开课程", site=first, instructor=teacher_of_all.id)
    create_course(session, shown, actor="ed")
    create_course(session, CourseCreate(title="公开路线课程", route=walk.slug, stop=2), actor="ed")
    session.add_all(
        Feedback(target=kind, target_id=i, rating=5, comment="很好", status=FeedbackStatus.approved)
        for kind, i in [("site", archived), ("route", pk(private)), ("site", pk(public_sites[0]))]
    )
    session.flush()
    # withdrawn after feedback and courses were taken: now archived
    withdrawn = session.get(Site, archived)
    assert withdrawn is not None
    withdrawn.status = Status.archived
    session.add(withdrawn)
    session.commit()
    secret_routes = [private.slug, drafted.slug]
    assert all(MARK in s for s in secret_routes)
    settings = Settings(database_url="sqlite://", secret_key="k" * 40)
    app = create_app(settings, engine=engine)
    with TestClient(app, follow_redirects=False) as client:
        yield World(
            client,
            public={
                "site": first,
                "route": walk.slug,
                "story": "public-story",
                "person": "public-person",
                "event": "public-event",
                "theme": "great-revolution",
            },
            secret={
                "site": ["qzx-draft-site", "qzx-archived-site", "qzx-parent-site"],
                "route": secret_routes,
                "story": ["qzx-draft-story"],
                "q": ["qzx草稿", "qzxcaogao", "qzx-draft"],
                "district": ["qzx区"],
            },
        )


def get_routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    """Every GET route of the app with its full path (FastAPI nests included routers)."""
    found: list[tuple[str, APIRoute]] = []

    def walk(routes: Any, prefix: str) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                if "GET" in route.methods:
                    found.append((prefix + route.path, route))
            elif hasattr(route, "original_router"):  # FastAPI >= 0.160 keeps included routers
                walk(route.original_router.routes, prefix + route.include_context.prefix)

    walk(app.routes, "")
    return found


KIND_OF_PATH = [
    ("/api/sites/", "site"),
    ("/sites/", "site"),
    ("/editor/sites/", "site"),
    ("/api/routes/", "route"),
    ("/routes/", "route"),
    ("/maps/routes/", "route"),
    ("/editor/routes/", "route"),
    ("/api/stories/", "story"),
    ("/editor/stories/", "story"),
    ("/api/people/", "person"),
    ("/people/", "person"),
    ("/editor/people/", "person"),
    ("/api/events/", "event"),
    ("/events/", "event"),
    ("/editor/events/", "event"),
    ("/api/themes/", "theme"),
    ("/themes/", "theme"),
    ("/maps/themes/", "theme"),
]
FORMATS = {
    "/api/routes/": ["gpx", "kml", "geojson", "ics", "html"],
    "/api/export": ["geojson", "csv", "xlsx", "gpkg", "kml"],
    "/plan/export": ["html", "gpx"],
    "/editor/dashboard/": ["csv"],
}
QUERY_KIND = {
    "site": "site",
    "route": "route",
    "person": "person",
    "event": "event",
    "theme": "theme",
    "q": "q",
    "district": "district",
    "must": "site",
    "exclude": "site",
    "start": "site",
    "slug": "site",
}
FIXED_QUERY: dict[str, str] = {
    "date": DAY,
    "year": "2027",
    "src": "/maps/sites.html",
    "next": "/editor",
    "days": "1",
}


def _path_kind(path: str) -> str | None:
    return next((kind for prefix, kind in KIND_OF_PATH if path.startswith(prefix)), None)


def _calls(world: World, path: str, route: APIRoute) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(url, query, probed value or "") for a route: the public call, then one per probe."""
    kind = _path_kind(path)
    names = {p.name for p in route.dependant.path_params}
    fmts = next((v for k, v in FORMATS.items() if path.startswith(k)), ["json"])
    query: dict[str, Any] = {}
    for param in route.dependant.query_params:
        alias = param.alias
        if alias == "q":
            query[alias] = "八七"
        elif alias in QUERY_KIND and alias != "district":
            query[alias] = world.public[QUERY_KIND[alias]]
        elif alias in FIXED_QUERY:
            query[alias] = FIXED_QUERY[alias]
        elif alias == "stops":
            query[alias] = "\n".join([world.public["site"]])

    def fill(key: str, fmt: str) -> str:
        url = path.replace("{fmt}", fmt).replace("{table}", "gaps").replace("{token}", "x" * 24)
        url = url.replace("{entry_id}", "1")
        for name in names & {"id_or_slug", "slug"}:
            url = url.replace("{" + name + "}", key)
        return url

    public_key = world.public.get(kind or "", "anything")
    required = {p.alias for p in route.dependant.query_params if p.field_info.is_required()}
    bare = {k: v for k, v in query.items() if k in required or k in FIXED_QUERY}
    if path.startswith(("/plan", "/maps/plan")):  # a plan needs themes and a date
        bare |= {"theme": "great-revolution", "date": DAY}
        query |= bare
    for fmt in fmts:
        yield fill(public_key, fmt), bare, ""
        if query != bare:
            yield fill(public_key, fmt), query, ""
    fmt = fmts[0]
    if kind in world.secret and names & {"id_or_slug", "slug"}:
        for key in [*world.secret[kind], MISSING]:
            yield fill(key, fmt), query, key
    for alias in list(query):
        probe_kind = QUERY_KIND.get(alias)
        for key in [*world.secret.get(probe_kind or "", []), MISSING] if probe_kind else []:
            yield fill(public_key, fmt), bare | {alias: key}, key
    if {"target", "slug"} <= {p.alias for p in route.dependant.query_params}:  # feedback
        for key in [*world.secret["route"], MISSING]:
            yield fill(public_key, fmt), bare | {"target": "route", "slug": key}, key
    if path == "/plan/check":
        for key in [*world.secret["site"], MISSING]:
            yield fill(public_key, fmt), bare | {"stops": f"{world.public['site']}\n{key}"}, key
    if any(p.alias == "district" for p in route.dependant.query_params):
        for key in [*world.secret["district"], MISSING]:
            yield fill(public_key, fmt), bare | {"district": key}, key
    if any(p.alias in ("status", "status_") for p in route.dependant.query_params):
        alias = next(p.alias for p in route.dependant.query_params if p.alias.startswith("status"))
        for status in ("draft", "archived"):
            yield fill(public_key, fmt), bare | {alias: status}, ""


def _text(response: Any) -> str:
    """What a visitor can read from an answer: its headers and body, unpacked if an archive."""
    head = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    content = response.content
    kind = response.headers.get("content-type", "")
    if content[:4] == b"PK\x03\x04":  # xlsx, kmz, zip
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            body = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    elif content[:16] == b"SQLite format 3\x00":  # GeoPackage
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "x.gpkg"
            file.write_bytes(content)
            conn = sqlite3.connect(file)
            body = "\n".join(conn.iterdump())
            conn.close()
    elif kind.startswith("image/png"):
        body = ""
    else:
        body = content.decode("utf-8", "replace")
        # an image embedded in a page (the handout's route map) is pixels, like a PNG answer
        body = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png", body)
    return head + "\n" + body


def _without(text: str, value: str) -> str:
    """`text` with every spelling of a value the caller sent removed (echoes are not leaks)."""
    if not value:
        return text
    spellings = {value, quote(value), quote_plus(value), json.dumps(value)[1:-1]}
    spellings |= {s.lower() for s in spellings} | {s.upper() for s in spellings}
    for spelling in sorted(spellings, key=len, reverse=True):
        text = text.replace(spelling, "")
    return text


def test_the_walk_covers_the_public_surface(world: World) -> None:
    paths = {path for path, _ in get_routes(world.client.app)}  # type: ignore[arg-type]
    for expected in (
        "/api/courses",
        "/api/instructors",
        "/api/feedback",
        "/maps/sites.json",
        "/api/export.{fmt}",
        "/api/calendar.ics",
        "/api/sites",
        "/",
        "/sites/{slug}",
    ):
        assert expected in paths
    assert len(paths) >= 50


@pytest.mark.slow
def test_no_unpublished_record_reaches_an_anonymous_visitor(world: World) -> None:
    leaks: list[str] = []
    calls = 0
    for path, route in get_routes(world.client.app):  # type: ignore[arg-type]
        answers: dict[tuple[str, str], tuple[int, str]] = {}
        for url, query, probe in _calls(world, path, route):
            calls += 1
            r = world.client.get(url, params=query)
            assert r.status_code < 500, (url, query, r.text[:300])
            text = _without(_text(r), probe)
            if MARK in text.lower():
                at = text.lower().index(MARK)
                leaks.append(f"{url} {query}: …{text[max(0, at - 80) : at + 80]}…")
            if probe:
                shape = url.replace(probe, "§") + json.dumps(
                    {k: str(v).replace(probe, "§") for k, v in query.items()}, sort_keys=True
                )
                answers[(shape, probe)] = (r.status_code, _json_shape(r, probe))
        by_shape: dict[str, set[tuple[int, str]]] = {}
        for (shape, _probe), answer in answers.items():
            by_shape.setdefault(shape, set()).add(answer)
        leaks.extend(
            f"{shape} is answered differently for hidden and missing keys: {sorted(seen)}"
            for shape, seen in by_shape.items()
            if len(seen) > 1
        )
    assert calls > 200
    assert not leaks, "\n".join(leaks)


def _json_shape(response: Any, probe: str) -> str:
    """A JSON body with the probed key blanked out (other bodies compare by status only)."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return ""
    return response.text.replace(probe, "§").replace(quote(probe), "§")
