"""A new worker is ready when it starts: routes resolved, templates compiled, each route once."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from redres.api.app import create_app, start_serving
from redres.api.templating import TEMPLATES, compile_templates
from redres.config import Settings


def _api_routes(routes: list[BaseRoute]) -> list[APIRoute]:
    """Every APIRoute of the app, through its included routers."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        original = getattr(route, "original_router", None)
        if original is not None:
            found += _api_routes(original.routes)
    return found


@pytest.fixture(scope="module")
def app() -> Iterator[FastAPI]:
    """An app made ready as `redres serve` makes each worker's (the planner's warm-up off)."""
    made = create_app(Settings(database_url="sqlite://", solver_warm_up=False))
    start_serving(made)
    yield made
    made.state.import_jobs.stop()
    gc.unfreeze()  # start_serving froze this process's objects; leave the collector as it was


def test_every_route_is_included_once(app: FastAPI) -> None:
    """A router included twice doubles the start-up work and hides which handler answers."""
    seen = Counter(
        (method, route.path) for route in _api_routes(app.router.routes) for method in route.methods
    )
    assert seen, "the app has no routes"
    twice = sorted(key for key, count in seen.items() if count > 1)
    assert twice == []


def test_the_first_request_resolves_no_route(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """A serving worker's routes are resolved before it accepts (`start_serving` calls
    build_routes), not by its first visitor (who waited seconds for it on a busy machine)."""
    built: list[str] = []
    original = fastapi_routing._EffectiveRouteContext.from_api_route

    def counting(*args: object, **kwargs: object) -> object:
        built.append(str(kwargs.get("original_route")))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fastapi_routing._EffectiveRouteContext, "from_api_route", counting)
    with TestClient(app) as client:
        # /about is served by the last router (pages), so matching walks past every other one
        assert client.get("/about").status_code in {200, 404}
        assert client.get("/healthz").status_code == 200
    assert built == []


def test_every_template_compiles() -> None:
    """A syntax error in a rarely used template fails here, not in front of its first reader."""
    compile_templates()
    names = TEMPLATES.env.list_templates(extensions=["html"])
    assert "base.html" in names
    assert len(names) > 20


def test_start_up_objects_are_out_of_full_collections(app: FastAPI) -> None:
    """A full collection walking the app's routes and templates stalled every request in
    flight (bench/SERVING.md); `start_serving` freezes them (redres/api/long_lived.py)."""
    assert gc.get_freeze_count() > 10_000
    assert not any(obj is app.router for obj in gc.get_objects())


def test_a_worker_runs_as_many_handlers_at_once_as_it_has_connections() -> None:
    """More handler threads than connections left a thread holding a request waiting for a
    connection, out of turn, for seconds (bench/SERVING.md); the app's lifespan sets the thread
    pool to the connections."""
    from anyio import to_thread

    made = create_app(Settings(database_url="sqlite://", solver_warm_up=False, db_connections=7))
    with TestClient(made) as client:
        assert client.portal is not None
        tokens = client.portal.call(lambda: to_thread.current_default_thread_limiter().total_tokens)
    made.state.import_jobs.stop()
    assert tokens == 7
