"""The FastAPI application: composes the rooms; holds no business logic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text

from redres import __version__
from redres.api import errors
from redres.api.routers import auth, maps, plan, routes, sites, themes
from redres.config import Settings
from redres.db import make_engine

VENDOR_DIR = Path(__file__).resolve().parent.parent / "maps" / "static" / "vendor"


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    """An app bound to one database; tests build one per configuration."""
    app = FastAPI(
        title="redres",
        version=__version__,
        description="Red resources: a catalogue of revolutionary heritage and study routes.",
    )
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url, echo=settings.sql_echo)
    errors.install(app)

    @app.get("/healthz", tags=["meta"])
    def healthz() -> dict[str, Any]:
        """Liveness and database reachability, for load balancers."""
        with app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    for module in (auth, sites, themes, routes, plan, maps):
        app.include_router(module.router)
    app.mount("/static/vendor", StaticFiles(directory=VENDOR_DIR), name="vendor")
    return app
