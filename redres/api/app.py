"""The FastAPI application: composes the rooms; holds no business logic."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text

from redres import __version__
from redres.api import cache_headers, errors, invalid_input
from redres.api.client_timeouts import ClientTimeoutMiddleware, ClientTimeouts
from redres.api.job_runner import runner_for
from redres.api.links import DEFAULT_PUBLIC_URL
from redres.api.long_lived import freeze_long_lived
from redres.api.middleware import (
    BodyLimitMiddleware,
    BodyLimits,
    NoNulMiddleware,
    SecurityHeadersMiddleware,
    security_headers,
)
from redres.api.page_cache import PageCache, PageCacheMiddleware
from redres.api.plan_cache import ItineraryCache
from redres.api.ratelimit import RateLimiter
from redres.api.routers import (
    auth,
    calendar,
    class_new,
    class_pages,
    classes,
    dashboard,
    dashboard_pages,
    editor_accounts,
    editor_bundle,
    editor_import,
    editor_media,
    editor_moderation,
    editor_records,
    editor_routes,
    editor_signin,
    editor_sites,
    editor_stories,
    events,
    feedback,
    interchange,
    library,
    library_pages,
    map_tiles,
    maps,
    media,
    offline,
    pages,
    people,
    plan,
    planner_pages,
    plaques,
    poll_pages,
    polls,
    record_pages,
    route_sharing,
    routes,
    sites,
    stories,
    themes,
)
from redres.api.solving import PlanGate
from redres.api.templating import TEMPLATES, compile_templates
from redres.config import Settings, get_settings
from redres.db import make_engine
from redres.secrets_file import load_or_create_secret

VENDOR_DIR = Path(__file__).resolve().parent.parent / "maps" / "static" / "vendor"
API_STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """An app bound to one database; tests build one per configuration.

    Routes are resolved on first use here; a server's worker resolves them all before it
    accepts (`start_serving`), so its first visitor does not wait for that."""
    app = FastAPI(
        lifespan=_one_request_per_connection,
        docs_url=None,
        redoc_url=None,
        title="redres",
        version=__version__,
        description="Red resources: a catalogue of revolutionary heritage and study routes.",
    )
    app.state.settings = settings
    app.state.public_url = settings.public_url or DEFAULT_PUBLIC_URL
    app.state.secret_key = load_or_create_secret(settings.secret_key, settings.secret_file)
    app.state.plan_cache = ItineraryCache.from_settings(settings)
    app.state.engine = engine or make_engine(
        settings.database_url, echo=settings.sql_echo, connections=settings.db_connections
    )
    app.state.page_cache = PageCache(settings.page_cache_mb << 20)
    # innermost: kept answers are the app's own bytes, compressed and given headers outside
    app.add_middleware(PageCacheMiddleware, cache=app.state.page_cache, engine=app.state.engine)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(NoNulMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware,
        headers=security_headers(
            frame_ancestors=settings.frame_ancestors, tile_hosts=settings.csp_img_src
        ),
    )
    app.add_middleware(
        BodyLimitMiddleware,
        limits=BodyLimits(default=settings.max_body_bytes, upload=settings.max_upload_bytes),
    )
    app.add_middleware(cache_headers.CacheHeadersMiddleware)  # sees every answer of the app
    app.add_middleware(  # outermost of ours: it must see the client's own pace
        ClientTimeoutMiddleware,
        timeouts=ClientTimeouts(
            body_idle=settings.client_idle_seconds,
            body_total=settings.client_body_seconds,
            send_idle=settings.client_idle_seconds,
        ),
    )
    app.state.plan_gate = PlanGate.from_settings(settings, app.state.engine)
    app.state.login_limiter = RateLimiter(app.state.engine, settings.login_attempts_per_minute, 60)
    app.state.feedback_limiter = RateLimiter(app.state.engine, settings.feedback_per_hour, 3600)
    app.state.import_limiter = RateLimiter(app.state.engine, settings.imports_per_hour, 3600)
    app.state.import_jobs = runner_for(app.state.engine, settings.job_dir)
    errors.install(app)
    invalid_input.document(app)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, Any]:
        """Liveness and database reachability, for load balancers."""
        with app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    routers: tuple[ModuleType, ...] = (
        auth,
        sites,
        themes,
        routes,
        route_sharing,
        plan,
        maps,
        map_tiles,
        library,
    )
    routers += (feedback, dashboard, calendar, interchange, dashboard_pages)
    routers += (editor_signin, editor_media, editor_sites, editor_moderation, editor_import)
    routers += (editor_accounts,)
    routers += (editor_stories, editor_routes, editor_records, editor_bundle)
    routers += (stories, people, events)
    routers += (media,)
    routers += (classes, polls, class_new, class_pages, poll_pages)
    routers += (library_pages,)
    routers += (
        planner_pages,
        plaques,
        offline,
        record_pages,
        pages,
    )  # pages last: `/` and its catch-alls
    for module in routers:
        app.include_router(module.router)
    app.mount("/static/vendor", StaticFiles(directory=VENDOR_DIR), name="vendor")
    app.mount("/static/api", StaticFiles(directory=API_STATIC_DIR), name="api-static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        """Swagger UI served from our own host (works offline), started by a script file."""
        return TEMPLATES.TemplateResponse(
            request=request,
            name="docs.html",
            context={"title": "redres API", "openapi_url": app.openapi_url or "/openapi.json"},
        )

    return app


@asynccontextmanager
async def _one_request_per_connection(app: FastAPI) -> AsyncIterator[None]:
    """Run at most as many handlers at once as the worker has database connections.

    Handlers run in anyio's thread pool (40 threads by default): with fewer connections, a
    thread holding a request waited for a connection, and not in turn (16 concurrent requests
    on 15 connections left one waiting for seconds, bench/SERVING.md). Waiting for a thread
    instead is first come, first served."""
    limiter = to_thread.current_default_thread_limiter()
    limiter.total_tokens = app.state.settings.db_connections
    yield


def start_serving(app: FastAPI) -> None:
    """Make a server's worker ready before it accepts: every route resolved and every template
    compiled (about a second of CPU that its first visitor would otherwise wait for), the
    planner warming up and background imports running, and what all that built frozen out of
    the collector's full passes (redres/api/long_lived.py). Both `redres serve` paths call it."""
    build_routes(app)
    compile_templates()
    app.state.import_jobs.start()  # background imports (docs/imports.md)
    freeze_long_lived(after=start_warm_up(app))


def build_routes(app: FastAPI) -> None:
    """Resolve every route's parameters now rather than on its first match.

    FastAPI (0.165 on) builds an included router's routes, their parameter models among them,
    the first time a request walks past them: the first page a new worker answered took about
    a second of CPU (several seconds of wall on a busy machine), enough for a load balancer or
    a client to time out right after every start or restart. Older FastAPI builds them eagerly
    and has nothing to do here."""
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for _ in contexts():
                pass


def app_from_environment() -> FastAPI:
    """The app of one worker of `redres serve --workers N`: settings from REDRES_*."""
    app = create_app(get_settings())
    start_serving(app)
    return app


def start_warm_up(app: FastAPI) -> list[threading.Thread]:
    """Load (or, on a first install, compile) the planner's kernels and read the road network
    in the background, so the first plan after a start is not late; off with
    REDRES_SOLVER_WARM_UP=false. Returns the threads doing it."""
    from redres.routes import road_source
    from redres.routes.solver import warm_up

    settings: Settings = app.state.settings
    if not settings.solver_warm_up:
        return []
    roads = (settings, app.state.engine)
    threads = [
        threading.Thread(target=warm_up, name="solver-warm-up", daemon=True),
        threading.Thread(target=road_source.warm_up, args=roads, name="roads-warm-up", daemon=True),
    ]
    for thread in threads:
        thread.start()
    return threads
