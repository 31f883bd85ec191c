"""Cache headers by audience, over every GET route of the app: what a signed-in reader (bearer
token or page session) is sent is never `public`, and every answer varies on Authorization and
Cookie, so no cache hands one reader's answer to another."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from redres.api.app import create_app
from redres.api.cache_headers import cache_policy
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.models import Event, Person, Site, Story, Theme
from redres.config import Settings
from tests.api.forms import PASSWORD, sign_in

ROUTE = "hankou-1927-great-revolution-walk"
DATE = "2026-06-02"


def _examples(session: Session, *, draft: str, token: str) -> dict[str, list[str]]:
    """A real address for every GET route: path parameters (and needed queries) from the demo
    catalogue, a teacher's draft route and its share link."""
    site = session.exec(select(Site.slug).order_by(col(Site.id))).first()
    story = session.exec(select(Story.slug).order_by(col(Story.id))).first()
    person = session.exec(select(Person.slug).order_by(col(Person.id))).first()
    event = session.exec(select(Event.slug).order_by(col(Event.id))).first()
    theme = "great-revolution"
    assert session.exec(select(Theme).where(Theme.slug == theme)).first() is not None
    plan = f"theme={theme}&date={DATE}&start={site}"
    return {
        "/api/map/clusters": ["/api/map/clusters?z=3&x=6&y=3"],
        "/api/sites/{id_or_slug}": [f"/api/sites/{site}"],
        "/api/sites/{id_or_slug}/history": [f"/api/sites/{site}/history"],
        "/api/themes/{slug}": [f"/api/themes/{theme}"],
        "/api/themes/{slug}/history": [f"/api/themes/{theme}/history"],
        "/api/routes/{id_or_slug}.{fmt}": [
            f"/api/routes/{ROUTE}.gpx?date={DATE}",
            f"/api/routes/{draft}.geojson?date={DATE}",
            f"/api/routes/{draft}.ics?date={DATE}&share={token}",
        ],
        "/api/routes/{id_or_slug}/schedule": [
            f"/api/routes/{ROUTE}/schedule?date={DATE}",
            f"/api/routes/{draft}/schedule?date={DATE}",
        ],
        "/api/routes/shared/{token}": [f"/api/routes/shared/{token}"],
        "/api/routes/{id_or_slug}": [f"/api/routes/{ROUTE}", f"/api/routes/{draft}"],
        "/api/routes/{id_or_slug}/history": [f"/api/routes/{draft}/history"],
        "/routes/{slug}/qr.svg": [f"/routes/{ROUTE}/qr.svg", f"/routes/{draft}/qr.svg"],
        "/routes/{slug}/stops/{day}-{n}/qr.svg": [f"/routes/{ROUTE}/stops/1-1/qr.svg"],
        "/maps/themes/{slug}.html": [f"/maps/themes/{theme}.html"],
        "/maps/routes/{slug}.html": [f"/maps/routes/{ROUTE}.html?date={DATE}"],
        "/maps/routes/{slug}.png": [f"/maps/routes/{ROUTE}.png?date={DATE}"],
        "/maps/embed": ["/maps/embed?path=/maps/sites.html"],
        "/api/feedback": [f"/api/feedback?target=site&slug={site}"],
        "/api/export.{fmt}": ["/api/export.geojson"],
        "/api/import/jobs/{job_id}": ["/api/import/jobs/1"],  # none: 404 to editors
        "/editor/import/jobs/{job_id}": ["/editor/import/jobs/1"],
        "/editor/sites/{slug}": [f"/editor/sites/{site}"],
        "/editor/sites/{slug}/history": [f"/editor/sites/{site}/history"],
        "/editor/stories/{slug}": [f"/editor/stories/{story}"],
        "/editor/stories/{slug}/history": [f"/editor/stories/{story}/history"],
        "/editor/routes/{slug}": [f"/editor/routes/{ROUTE}"],
        "/editor/routes/{slug}/history": [f"/editor/routes/{ROUTE}/history"],
        "/editor/dashboard/{table}.{fmt}": ["/editor/dashboard/by_category.csv"],
        "/api/stories/{slug}": [f"/api/stories/{story}"],
        "/api/stories/{slug}/history": [f"/api/stories/{story}/history"],
        "/api/people/{slug}": [f"/api/people/{person}"],
        "/api/people/{slug}/history": [f"/api/people/{person}/history"],
        "/api/events/{slug}": [f"/api/events/{event}"],
        "/api/events/{slug}/history": [f"/api/events/{event}/history"],
        "/api/sites/{slug}/media": [f"/api/sites/{site}/media"],
        "/api/stories/{slug}/media": [f"/api/stories/{story}/media"],
        "/api/people/{slug}/media": [f"/api/people/{person}/media"],
        "/api/events/{slug}/media": [f"/api/events/{event}/media"],
        "/api/routes/{slug}/media": [f"/api/routes/{ROUTE}/media", f"/api/routes/{draft}/media"],
        "/routes/{slug}/manifest.webmanifest": [f"/routes/{ROUTE}/manifest.webmanifest"],
        "/password/{token}": ["/password/not-a-link-anyone-was-given"],
        "/media/{media_id}/{name}": ["/media/1/thumb.webp"],
        "/plan/export.{fmt}": [f"/plan/export.gpx?{plan}"],  # one real plan (the pages
        # without a query answer at once; each solve takes about a second)
        "/plan/check": [f"/plan/check?stops={site}&date={DATE}"],
        "/plan/saved/{slug}": [f"/plan/saved/{draft}"],
        "/sites/{slug}": [f"/sites/{site}"],
        "/sites/{slug}/qr.svg": [f"/sites/{site}/qr.svg"],
        "/people/{slug}": [f"/people/{person}"],
        "/events/{slug}": [f"/events/{event}"],
        "/editor/people/{slug}": [f"/editor/people/{person}", "/editor/people/new"],
        "/editor/events/{slug}": [f"/editor/events/{event}", "/editor/events/new"],
        "/themes/{slug}": [f"/themes/{theme}"],
        "/routes/{slug}": [f"/routes/{ROUTE}"],
        "/routes/shared/{token}": [f"/routes/shared/{token}"],
    }


def _problems(r: Any, *, signed_in: bool) -> list[str]:
    control = r.headers.get("cache-control", "")
    directives = {d.strip().split("=")[0].lower() for d in control.split(",") if d.strip()}
    vary = {v.strip().lower() for v in r.headers.get("vary", "").split(",")}
    found = []
    if not directives:
        found.append("no Cache-Control")
    if not {"authorization", "cookie"} <= vary:
        found.append(f"Vary {r.headers.get('vary')!r}")
    personal = signed_in or "set-cookie" in r.headers
    if personal and ("public" in directives or not {"private", "no-store"} & directives):
        found.append(f"Cache-Control {control!r} for a personal answer")
    return found


@pytest.mark.slow
def test_every_get_route_varies_by_audience(
    engine: Engine, session: Session, demo_copy: None
) -> None:
    create_user(session, "editor", PASSWORD, Role.editor)
    create_user(session, "teacher", PASSWORD, Role.teacher)
    session.commit()
    app = create_app(Settings(database_url="sqlite://", secret_key="x" * 40), engine=engine)
    with (
        TestClient(app, follow_redirects=False) as anonymous,
        TestClient(app, follow_redirects=False) as teacher_page,
        TestClient(app, follow_redirects=False) as editor_page,
    ):
        bearer = {}
        for name in ("teacher", "editor"):
            r = anonymous.post("/api/auth/token", data={"username": name, "password": PASSWORD})
            bearer[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        sign_in(teacher_page, "teacher")
        sign_in(editor_page, "editor")
        days = [[{"site": session.exec(select(Site.slug).order_by(col(Site.id))).first()}]]
        made = anonymous.post(
            "/api/routes", json={"name": "我的草稿", "days": days}, headers=bearer["teacher"]
        )
        assert made.status_code == 201, made.text
        draft = made.json()["properties"]["slug"]
        shared = anonymous.post(f"/api/routes/{draft}/share", headers=bearer["teacher"])
        examples = _examples(session, draft=draft, token=shared.json()["token"])
        fc = anonymous.post(
            "/api/classes",
            json={"name": "班", "route": draft, "start_date": DATE, "group_size": 30},
            headers=bearer["teacher"],
        ).json()
        slug, learn = fc["slug"], f"token={fc['checkin_token']}"
        examples |= {
            "/api/classes/{slug}": [f"/api/classes/{slug}"],
            "/api/classes/{slug}/evaluation": [f"/api/classes/{slug}/evaluation?{learn}"],
            "/api/classes/{slug}/evaluations/summary": [f"/api/classes/{slug}/evaluations/summary"],
            "/classes/{slug}": [f"/classes/{slug}"],
            "/classes/{slug}/qr.svg": [f"/classes/{slug}/qr.svg"],
            "/classes/{slug}/handout": [f"/classes/{slug}/handout"],
            "/classes/{slug}/learn": [f"/classes/{slug}/learn?{learn}"],
            "/classes/new": ["/classes/new", f"/classes/new?route={draft}"],
            "/api/classes/{slug}/evaluations.xlsx": [f"/api/classes/{slug}/evaluations.xlsx"],
        }
        question = {"kind": "rating", "text": "满意度"}
        poll = anonymous.post(
            f"/api/classes/{slug}/polls",
            json={"title": "问卷", "status": "open", "questions": [question]},
            headers=bearer["teacher"],
        ).json()["id"]
        examples |= {
            "/api/classes/{slug}/polls": [
                f"/api/classes/{slug}/polls",
                f"/api/classes/{slug}/polls?{learn}",
            ],
            "/api/routes/{slug}/polls": [f"/api/routes/{draft}/polls"],
            "/api/polls/{poll_id}": [f"/api/polls/{poll}"],
            "/api/polls/{poll_id}/results": [f"/api/polls/{poll}/results"],
            "/api/polls/{poll_id}/results.xlsx": [f"/api/polls/{poll}/results.xlsx"],
            "/classes/{slug}/polls/new": [f"/classes/{slug}/polls/new"],
            "/editor/routes/{slug}/polls/new": [f"/editor/routes/{draft}/polls/new"],
            "/polls/{poll_id}/edit": [f"/polls/{poll}/edit"],
        }
        site = examples["/sites/{slug}"][0].rsplit("/", 1)[1]
        lecturer = anonymous.post(
            "/api/instructors", json={"name": "王老师"}, headers=bearer["editor"]
        ).json()["id"]
        lesson = {"title": "课", "site": site, "instructors": [lecturer]}
        course = anonymous.post("/api/courses", json=lesson, headers=bearer["editor"]).json()["id"]
        examples |= {
            "/api/courses/{course_id}": [f"/api/courses/{course}"],
            "/api/instructors/{instructor_id}": [f"/api/instructors/{lecturer}"],
            "/editor/courses/{key}": [f"/editor/courses/{course}", "/editor/courses/new"],
            "/editor/instructors/{key}": [f"/editor/instructors/{lecturer}"],
        }

        problems: list[str] = []
        seen = 0
        for route in iter_route_contexts(app.routes):
            if "GET" not in (route.methods or set()):
                continue
            urls = examples.get(route.path) or ([route.path] if "{" not in route.path else [])
            if not urls:
                problems.append(f"{route.path}: no example address; add one to _examples")
            for url in urls:
                anonymous.cookies.clear()
                r = anonymous.get(url)
                seen += 1
                problems += [f"GET {url} anonymous: {p}" for p in _problems(r, signed_in=False)]
                for who, client, headers in (
                    ("teacher token", anonymous, bearer["teacher"]),
                    ("editor token", anonymous, bearer["editor"]),
                    ("teacher session", teacher_page, {}),
                    ("editor session", editor_page, {}),
                ):
                    anonymous.cookies.clear()
                    r = client.get(url, headers=headers)
                    assert r.status_code < 500, (url, who, r.text)
                    problems += [f"GET {url} {who}: {p}" for p in _problems(r, signed_in=True)]
    assert seen > 60
    assert not problems, "\n".join(problems)


@pytest.mark.slow  # every public GET route
def test_anonymous_published_reads_stay_public(
    engine: Engine, session: Session, demo_copy: None
) -> None:
    """Only the answers to credentialed requests lose their shared cacheability."""
    session.commit()
    app = create_app(Settings(database_url="sqlite://"), engine=engine)
    with TestClient(app) as client:
        for path in (
            "/api/sites",
            f"/api/routes/{ROUTE}",
            "/maps/sites.json",
            "/api/map/clusters?z=3&x=6&y=3",
        ):
            r = client.get(path)
            assert r.headers["cache-control"].startswith("public"), path
            assert {"Authorization", "Cookie"} <= {v.strip() for v in r.headers["vary"].split(",")}
            signed = client.get(path, headers={"Authorization": "Bearer whatever"})
            assert "public" not in signed.headers["cache-control"], path


def test_static_files_are_the_same_for_everyone(engine: Engine) -> None:
    app = create_app(Settings(database_url="sqlite://"), engine=engine)
    with TestClient(app) as client:
        client.cookies.set("redres_session", "anything")
        r = client.get("/static/api/css/app.css")
    assert r.status_code == 200
    assert r.headers["cache-control"].startswith("public")


@pytest.mark.parametrize(
    ("given", "personal", "expected"),
    [
        ([], False, "no-cache"),
        ([(b"cache-control", b"public, max-age=60")], False, "public, max-age=60"),
        ([(b"cache-control", b"public, max-age=60")], True, "private, no-store"),
        ([(b"cache-control", b"private, no-cache")], True, "private, no-cache"),
        ([(b"cache-control", b"no-cache")], True, "private, no-store"),
        ([(b"set-cookie", b"lang=en")], False, "private, no-store"),
    ],
)
def test_policy(given: list[tuple[bytes, bytes]], personal: bool, expected: str) -> None:
    headers = dict(cache_policy(given, path="/x", method="GET", personal=personal))
    assert headers[b"cache-control"].decode() == expected
    assert headers[b"vary"] == b"Authorization, Cookie"


def test_vary_merges_with_what_a_handler_sent() -> None:
    given = [(b"vary", b"Accept-Encoding"), (b"content-type", b"text/html; charset=utf-8")]
    headers = dict(cache_policy(given, path="/x", method="GET", personal=False))
    assert headers[b"vary"] == b"Accept-Encoding, Authorization, Cookie, Accept-Language"
