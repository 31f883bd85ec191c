"""Saving a route to the phone: the service worker and a route's web app manifest.

The worker is served from the site's root so that its scope covers the route, its stop pages
and the map pages ("/"); it is a plain static file (`static/js/sw.js`), no inline script.
A route's manifest makes "add to home screen" open that route.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from redres.api.deps import ReaderDep, SessionDep
from redres.api.i18n import pick_language
from redres.catalog.route_access import find_route

router = APIRouter(tags=["pages"])

STATIC = Path(__file__).resolve().parent.parent / "static"
THEME_COLOUR = "#a61b1b"


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> Response:
    """The service worker, always revalidated (a changed worker must reach phones)."""
    return FileResponse(
        STATIC / "js" / "sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@router.get("/routes/{slug}/manifest.webmanifest", include_in_schema=False)
def route_manifest(
    request: Request, slug: str, session: SessionDep, reader: ReaderDep
) -> JSONResponse:
    """The web app manifest of one route: its name, and the route page to start at."""
    route = find_route(session, slug, reader)
    lang = pick_language(request)
    name = route.name_en or route.name if lang == "en" else route.name
    start = f"/routes/{quote(route.slug, safe='')}" + ("?lang=en" if lang == "en" else "")
    body: dict[str, Any] = {
        "name": name,
        "short_name": name if len(name) <= 12 else name[:11] + "…",
        "lang": "en" if lang == "en" else "zh-CN",
        "start_url": start,
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [{"src": "/static/api/img/icon.svg", "sizes": "any", "type": "image/svg+xml"}],
    }
    return JSONResponse(body, media_type="application/manifest+json")
