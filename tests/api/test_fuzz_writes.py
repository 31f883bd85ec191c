"""Hypothesis fuzzing of the write paths as a signed-in editor and teacher: never a 500.

Schemathesis (test_fuzz_api.py) calls every operation anonymously, so writes stop at 401
before their bodies are read. Here the generated bodies reach validation and the database:
every answer must be a success or a clean 4xx, and whatever was stored must come back escaped
on the pages that show it. The page forms (the editor's site, route and story forms, the site
page's feedback form, sign-in) are fuzzed the same way on both engines: never a 500, every echo
of the input escaped.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from redres.api.app import create_app
from redres.api.site_form import SITE_FORM as EDITOR_SITE_FIELDS
from redres.catalog import site_fields
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.route_edits import create_route
from redres.config import Settings
from redres.db import init_db, make_engine
from redres.hours.opening import OpeningHoursError, parse_opening_hours
from tests.api.forms import csrf, sign_in
from tests.conftest import new_database
from tests.factories import add_toy_sites

pytestmark = pytest.mark.slow  # generated bodies for every form and write: CI runs them (--runslow)

PASSWORD = "correct horse battery"
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}", "'; --"]
CLEAN = {200, 201, 204, 400, 403, 404, 409, 413, 422}
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def _client() -> tuple[TestClient, dict[str, str], dict[str, str], list[str]]:
    """An app on a catalogue of its own (outside the repository), with an editor and a teacher."""
    engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp(prefix='redres-fuzzw-')) / 'f.db'}")
    init_db(engine)
    with Session(engine) as session:
        slugs = [s.slug for s in add_toy_sites(session)]
        create_user(session, "ed", PASSWORD, Role.editor)
        create_user(session, "te", PASSWORD, Role.teacher)
        session.commit()
    limits = {"login_attempts_per_minute": 10**6, "feedback_per_hour": 10**6}
    app = create_app(
        Settings(database_url="sqlite://", secret_key="f" * 40, **limits), engine=engine
    )
    client = TestClient(app, raise_server_exceptions=False)

    def auth(name: str) -> dict[str, str]:
        r = client.post("/api/auth/token", data={"username": name, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    return client, auth("ed"), auth("te"), slugs


CLIENT, EDITOR, TEACHER, SLUGS = _client()

text = st.one_of(
    st.text(max_size=300), st.sampled_from(PAYLOADS), st.text(min_size=500, max_size=3000)
)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
)
value = st.recursive(
    scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)
SITE_FIELDS = [*site_fields.SITE_FIELDS, "themes", "status", "slug", "parent", "footprint"]


@st.composite
def site_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly plausible sites with some fields replaced by anything at all."""
    body: dict[str, Any] = {
        "name": draw(st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=40), text)),
        "category": draw(st.sampled_from(["memorial_hall", "former_site", "monument", "nonsense"])),
        "lon": draw(st.one_of(st.floats(100, 120), st.floats(-200, 200), scalar)),
        "lat": draw(st.one_of(st.floats(25, 35), st.floats(-100, 100), scalar)),
    }
    wild = draw(st.lists(st.sampled_from(SITE_FIELDS), max_size=3, unique=True))
    for field in wild if draw(st.booleans()) else []:
        body[field] = draw(value)
    return body


def _clean(status: int, body: str) -> None:
    assert status in CLEAN, (status, body[:500])
    assert "Traceback" not in body


@FUZZ
@given(site_bodies())
def test_site_writes_never_fail_the_server(body: dict[str, Any]) -> None:
    r = CLIENT.post("/api/sites", json=body, headers=EDITOR)
    _clean(r.status_code, r.text)
    if r.status_code != 201:
        return
    slug = r.json()["properties"]["slug"]
    patch = CLIENT.patch(f"/api/sites/{slug}", json={"name": body["name"], **body}, headers=EDITOR)
    _clean(patch.status_code, patch.text)
    page = CLIENT.get(f"/editor/sites/{slug}/history")  # anonymous: never the raw payload
    assert "<script>alert(1)</script>" not in page.text
    published = CLIENT.patch(f"/api/sites/{slug}", json={"status": "published"}, headers=EDITOR)
    _clean(published.status_code, published.text)
    for path in (f"/sites/{slug}", "/maps/sites.json", f"/api/sites/{slug}"):
        shown = CLIENT.get(path)
        _clean(shown.status_code, shown.text)
        if path.startswith("/sites/"):  # a page: escaped (JSON feeds carry the text as data)
            assert "<script>alert(1)</script>" not in shown.text


@st.composite
def route_bodies(draw: st.DrawFn) -> Any:
    """Route bodies from plausible (real slugs, hostile names and notes) to plain nonsense."""
    name = st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=1, max_size=60), text)
    note = st.one_of(st.none(), st.sampled_from(PAYLOADS), st.text(max_size=200))
    good_stop = st.fixed_dictionaries({"site": st.sampled_from(SLUGS), "note": note})
    plausible = st.fixed_dictionaries(
        {
            "name": name,
            "days": st.lists(st.lists(good_stop, min_size=1, max_size=4), min_size=1, max_size=3),
        },
        optional={
            "mode": st.sampled_from(["walk", "bus", "coach"]),
            "theme": st.sampled_from(["great-revolution", "martyrs", "no-such-theme"]),
            "description": st.one_of(st.sampled_from(PAYLOADS), text),
        },
    )
    wild_stop = st.fixed_dictionaries(
        {"site": st.one_of(st.sampled_from(SLUGS), text)}, optional={"note": scalar}
    )
    wild = st.fixed_dictionaries(
        {
            "name": text,
            "days": st.one_of(st.lists(st.lists(wild_stop, max_size=4), max_size=3), value),
        },
        optional={"mode": text, "theme": text},
    )
    return draw(st.one_of(plausible, plausible, wild, value))


@FUZZ
@given(route_bodies(), st.sampled_from(["te", "ed"]))
def test_route_writes_never_fail_the_server(body: Any, who: str) -> None:
    headers = TEACHER if who == "te" else EDITOR
    r = CLIENT.post("/api/routes", json=body, headers=headers)
    _clean(r.status_code, r.text)
    if r.status_code != 201:
        return
    slug = r.json()["properties"]["slug"]
    patch = CLIENT.patch(f"/api/routes/{slug}", json=body, headers=headers)
    _clean(patch.status_code, patch.text)
    for path in (f"/routes/{slug}", f"/api/routes/{slug}.kml", f"/api/routes/{slug}.gpx"):
        shown = CLIENT.get(path, headers=headers)
        _clean(shown.status_code, shown.text)
        assert "<script>alert(1)</script>" not in shown.text


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["q", "bbox", "near", "radius_m", "limit", "offset", "theme"]), text
    )
)
def test_site_queries_never_fail_the_server(params: dict[str, str]) -> None:
    r = CLIENT.get("/api/sites", params=params)
    _clean(r.status_code, r.text)
    page = CLIENT.get("/", params=params)
    _clean(page.status_code, page.text)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80), st.text(alphabet="MoTuWeThFrSaSuPH0123456789:-,; /offn+", max_size=60)
    )
)
def test_opening_hours_parse_or_say_why(source: str) -> None:
    reason = ""
    try:
        parse_opening_hours(source)
    except OpeningHoursError as exc:  # the one error it may raise, and it says why
        reason = str(exc)
        assert reason


# --- the editor's page forms and the public feedback form, on both engines -----------------

FORM_CLEAN = {200, 303, 400, 401, 403, 404, 409, 413, 422, 429}
FORM_FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
form_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(PAYLOADS),
    st.builds(lambda p, t: p + t, st.sampled_from(PAYLOADS), st.text(max_size=40)),
    st.text(min_size=2001, max_size=4000),
    st.just("a\x00b"),
)


@dataclass(frozen=True)
class Forms:
    """A signed-in editor's client (with its form token), an anonymous one, and the slugs."""

    editor: TestClient
    token: str
    visitor: TestClient
    route: str
    slugs: list[str]


@pytest.fixture(scope="module")
def forms(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Forms]:
    """An app on a database of its own (either engine) with toy sites and a route."""
    with new_database(db_kind, tmp_path_factory.mktemp("fuzz-forms")) as url:
        engine = make_engine(url)
        init_db(engine)
        with Session(engine) as session:
            slugs = [s.slug for s in add_toy_sites(session)]
            create_user(session, "ed", PASSWORD, Role.editor)
            route = create_route(session, actor="ed", name="步行", stops=[[(slugs[0], None)]])
            session.commit()
            route_slug = route.slug
        limits = {"login_attempts_per_minute": 10**6, "feedback_per_hour": 10**6}
        app = create_app(
            Settings(database_url="sqlite://", secret_key="f" * 40, **limits), engine=engine
        )
        with (
            TestClient(app, raise_server_exceptions=False, follow_redirects=False) as editor,
            TestClient(app, raise_server_exceptions=False, follow_redirects=False) as visitor,
        ):
            sign_in(editor, "ed")
            token = csrf(editor.get("/editor/sites/new").text)
            yield Forms(editor, token, visitor, route_slug, slugs)
        engine.dispose()


def _clean_page(r: Any) -> None:
    """A clean answer to a form: a page (refused input comes back on it), escaped."""
    assert r.status_code in FORM_CLEAN, (r.status_code, r.text[:500])
    assert "Traceback" not in r.text
    assert "<script>alert(1)</script>" not in r.text  # every echo of the input is escaped
    if r.status_code in (200, 401, 422, 429):
        assert r.headers["content-type"].startswith("text/html"), r.text[:300]


def _shown(client: TestClient, *paths: str) -> None:
    for path in paths:
        _clean_page(client.get(path))


@FORM_FUZZ
@given(st.dictionaries(st.sampled_from(EDITOR_SITE_FIELDS), form_text, max_size=6), form_text)
def test_the_site_form_never_fails_the_server(
    forms: Forms, fields: dict[str, str], name: str
) -> None:
    data = {"name": name, "category": "museum"} | fields | {"csrf": forms.token}
    r = forms.editor.post("/editor/sites/new", data=data)
    _clean_page(r)
    if r.status_code == 303:
        edit = r.headers["location"]
        again = forms.editor.post(edit, data=data)
        _clean_page(again)
        _shown(forms.editor, edit, f"{edit}/history", "/editor")


@FORM_FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "name": form_text,
            "description": form_text,
            "mode": st.one_of(st.sampled_from(["walk", "bus"]), form_text),
            "theme": st.one_of(st.sampled_from(["great-revolution", ""]), form_text),
            "status": st.one_of(st.sampled_from(["draft", "published"]), form_text),
        },
    ),
    st.lists(
        st.tuples(st.one_of(st.sampled_from(SLUGS), form_text), st.one_of(st.none(), form_text)),
        max_size=4,
    ),
)
def test_the_route_form_never_fails_the_server(
    forms: Forms, fields: dict[str, str], stops: list[tuple[str, str | None]]
) -> None:
    lines = [site if note is None else f"{site} | {note}" for site, note in stops]
    data = {"name": "步行"} | fields | {"stops": "\n".join(lines), "csrf": forms.token}
    path = f"/editor/routes/{forms.route}"
    r = forms.editor.post(path, data=data)
    _clean_page(r)
    _shown(forms.editor, path, f"{path}/history", f"/routes/{forms.route}")
    _shown(forms.visitor, "/routes", f"/routes/{forms.route}")


@FORM_FUZZ
@given(
    st.dictionaries(
        st.sampled_from(
            ["title", "title_en", "summary", "body", "sites", "people", "events", "audience"]
        ),
        form_text,
        max_size=5,
    ),
    st.sampled_from(["save", "preview"]),
)
def test_the_story_form_never_fails_the_server(
    forms: Forms, fields: dict[str, str], action: str
) -> None:
    data = {"title": "故事", "status": "published"} | fields
    r = forms.editor.post(
        "/editor/stories/new", data=data | {"action": action, "csrf": forms.token}
    )
    _clean_page(r)
    if r.status_code == 303:
        _shown(forms.editor, r.headers["location"], "/editor/stories")
        _shown(forms.visitor, r.headers["location"].replace("/editor", ""), "/")


@FORM_FUZZ
@given(st.one_of(st.sampled_from(["1", "5"]), form_text), form_text, st.booleans())
def test_the_feedback_form_never_fails_the_server(
    forms: Forms, rating: str, comment: str, signed_in: bool
) -> None:
    client = forms.editor if signed_in else forms.visitor
    page = f"/sites/{forms.slugs[0]}"
    token = csrf(client.get(page).text)
    r = client.post(f"{page}/feedback", data={"rating": rating, "comment": comment, "csrf": token})
    _clean_page(r)
    assert r.status_code in (303, 422), r.text[:300]  # on the page, never a JSON error


@FORM_FUZZ
@given(form_text, form_text)
def test_the_sign_in_form_never_fails_the_server(
    forms: Forms, username: str, password: str
) -> None:
    token = csrf(forms.visitor.get("/login").text)
    data = {"username": username, "password": password, "csrf": token}
    r = forms.visitor.post("/login", data=data)
    _clean_page(r)


@FORM_FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "title": form_text,
            "outline": form_text,
            "audience": form_text,
            "duration_minutes": st.one_of(st.sampled_from(["45", "0", "-1", "1e9"]), form_text),
            "format": st.one_of(st.sampled_from(["situational", ""]), form_text),
            "status": st.one_of(st.sampled_from(["draft", "published"]), form_text),
        },
    ),
    st.one_of(st.sampled_from(SLUGS), form_text),
    st.one_of(st.just(""), form_text),
    st.lists(st.one_of(st.sampled_from(["1", "2"]), form_text), max_size=3),
)
def test_the_course_form_never_fails_the_server(
    forms: Forms, fields: dict[str, str], site: str, route: str, instructors: list[str]
) -> None:
    data: dict[str, Any] = {"site": site, "route": route} | fields | {"csrf": forms.token}
    data["instructors"] = instructors
    r = forms.editor.post("/editor/courses/new", data=data)
    _clean_page(r)
    if r.status_code == 303:
        edit = r.headers["location"].split("?")[0]
        _clean_page(forms.editor.post(edit, data=data))
        _shown(forms.editor, edit, "/editor/courses")
        _shown(forms.visitor, f"/sites/{site}")


@FORM_FUZZ
@given(
    st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(("name", "unit", "title", "topics", "phone", "email"), form_text),
    )
)
def test_the_instructor_form_never_fails_the_server(forms: Forms, fields: dict[str, str]) -> None:
    r = forms.editor.post("/editor/instructors/new", data=fields | {"csrf": forms.token})
    _clean_page(r)
    if r.status_code == 303:
        edit = r.headers["location"].split("?")[0]
        _clean_page(forms.editor.post(edit, data=fields | {"csrf": forms.token}))
        _shown(forms.editor, edit, "/editor/instructors")
