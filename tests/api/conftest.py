"""Fixtures of the API tests: one app per database and settings for the whole run, a fresh
client per test.

A module says what its `client` starts from by overriding `catalogue` (rows it adds to the
emptied test database) and, when it needs them, `app_settings` and `follow_redirects`; the
`client` fixture itself is defined here only. A module that only reads the demo catalogue uses
`demo`, one client for the module (its settings: `demo_settings`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from redres.api.app import create_app
from redres.api.job_runner import QueueRunner, ThreadRunner, runner_for
from redres.api.page_cache import PageCache
from redres.api.plan_cache import ItineraryCache
from redres.api.ratelimit import RateLimiter
from redres.api.solving import PlanGate
from redres.config import Settings

MakeClient = Callable[..., TestClient]
"""`make_client(engine, settings=None, **testclient_options)`: an open client for this test."""

_PER_TEST = {"media_dir", "job_dir"}
"""Settings that name a test's own folders (under its tmp_path): an app made for other folders
is reused with these, as it reads them from `app.state.settings` on each request."""

_KEPT = (Settings, Engine, str, bytes, int, float, bool, type(None))
"""Values create_app puts on `app.state` that no request changes: a reused app keeps them."""


@pytest.fixture
def app_settings() -> Settings:
    """The settings of the module's app; override it in a module to change them."""
    return Settings(database_url="sqlite://")


@pytest.fixture
def follow_redirects() -> bool:
    """Whether the module's `client` follows redirects; page-form modules override it to False,
    to see the 303s themselves."""
    return True


@pytest.fixture
def catalogue(session: Session) -> None:
    """The rows the module's `client` starts from: none; override it in a module to add (and
    commit) some."""


@pytest.fixture
def client(
    engine: Engine,
    session: Session,
    catalogue: Any,
    app_settings: Settings,
    follow_redirects: bool,
    make_client: MakeClient,
) -> TestClient:
    """A client of an app on the emptied test database holding the module's `catalogue`."""
    return make_client(engine, app_settings, follow_redirects=follow_redirects)


@pytest.fixture(scope="module")
def demo_settings() -> Settings:
    """The settings of the module's `demo` app; override it in a module to change them."""
    return Settings(database_url="sqlite://")


@pytest.fixture(scope="module")
def demo(demo_engine: Engine, demo_settings: Settings) -> Iterator[TestClient]:
    """A client of one app on the demo catalogue for the whole module, which only reads it (a
    test that writes uses `client` on the emptied test database)."""
    with TestClient(create_app(demo_settings, engine=demo_engine)) as c:
        yield c


@pytest.fixture(scope="session")
def _shared_apps() -> dict[tuple[Engine, str], tuple[FastAPI, dict[str, Any]]]:
    """Apps by engine and settings, each with the state create_app gave it."""
    return {}


@pytest.fixture
def make_client(
    _shared_apps: dict[tuple[Engine, str], tuple[FastAPI, dict[str, Any]]],
) -> Iterator[MakeClient]:
    """Open clients on shared apps; each is closed when the test ends.

    Making an app costs little, but its first requests resolve its routes (FastAPI does that
    lazily; about a second of CPU to reach the last router) and build its middleware; a test
    instead gets the app an earlier test made on the same engine with equal settings (its own
    folders apart: `_PER_TEST`), set back to its state as made (a fresh plan gate and plan cache, no caches made
    on first use; rate limits count in the database), so no
    test sees what another one did except through the database, which `session` empties.
    Use it only with session-scoped engines (`engine`, `demo_engine`): the apps live as long.
    """
    opened: list[TestClient] = []

    def make(engine: Engine, settings: Settings | None = None, **options: Any) -> TestClient:
        settings = settings or Settings(database_url="sqlite://")
        key = (engine, settings.model_dump_json(exclude=_PER_TEST))
        if key in _shared_apps:
            app, made = _shared_apps[key]
            _as_made(app, {**made, "settings": settings})
        else:
            app = create_app(settings, engine=engine)
            _shared_apps[key] = (app, dict(_state(app)))
        client = TestClient(app, **options)
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


def _state(app: FastAPI) -> dict[str, Any]:
    """The attributes of `app.state`, as a dict that writes through."""
    state: dict[str, Any] = app.state._state
    return state


def _as_made(app: FastAPI, made: dict[str, Any]) -> None:
    """Put `app.state` back as create_app made it.

    Raises TypeError for a kind of state this fixture does not know how to renew, so a new
    limiter or cache in create_app fails here, loudly, instead of leaking between tests.
    """
    state = _state(app)
    state["settings"] = made["settings"]  # first: the renewed gates and caches read it
    for name in set(state) - set(made):  # caches made on first use (map data, media store)
        del state[name]
    for name, value in made.items():
        if isinstance(value, RateLimiter):
            state[name] = value  # its counts live in the database, emptied for each test
        elif isinstance(value, PlanGate):
            state[name] = PlanGate.from_settings(app.state.settings, app.state.engine)
        elif isinstance(value, ItineraryCache):
            state[name] = ItineraryCache.from_settings(app.state.settings)
        elif isinstance(value, ThreadRunner | QueueRunner):
            value.stop()  # a test that started it has had its jobs run
            state[name] = runner_for(app.state.engine, app.state.settings.job_dir)
        elif isinstance(value, PageCache):
            value.clear()  # the middleware holds this one
            state[name] = value
        elif isinstance(value, _KEPT):
            state[name] = value
        else:
            msg = (
                f"app.state.{name} is a {type(value).__name__}: tests/api/conftest.py does not"
                " know how to renew it between tests; teach _as_made"
            )
            raise TypeError(msg)
