"""A new worker is ready when it starts: routes resolved, templates compiled, each route once."""

from __future__ import annotations

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
