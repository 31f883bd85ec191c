"""Hypothesis fuzzing of the write paths as a signed-in editor and teacher: never a 500.

Schemathesis (test_fuzz_api.py) calls every operation anonymously, so writes stop at 401
before their bodies are read. Here the generated bodies reach validation and the database:
every answer must be a success or a clean 4xx, and whatever was stored must come back escaped
on the pages that show it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from redres.api.app import create_app
from redres.catalog.accounts import create_user
from redres.catalog.enums import Role
from redres.catalog.hours import OpeningHoursError, parse_opening_hours
from redres.config import Settings
from redres.db import init_db, make_engine
from tests.factories import add_toy_sites

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
SITE_FIELDS = [
    "name", "name_en", "aliases", "code", "category", "period", "protection", "district",
    "address", "lon", "lat", "opening_hours", "last_entry_minutes", "reservation",
    "reservation_days", "capacity", "visit_minutes", "themes", "status", "slug", "parent",
    "footprint", "years", "admission", "contact",
]  # fmt: skip


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
