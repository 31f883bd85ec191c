"""`GET /api/themes`: the themes of study with how many visible sites each has."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from redres.api.caching import cached_json
from redres.api.deps import SessionDep, VisibleDep
from redres.catalog.route_store import theme_counts
from redres.catalog.sites import PUBLIC

router = APIRouter(prefix="/api/themes", tags=["themes"])


@router.get("", response_model=None)
def read_themes(request: Request, session: SessionDep, visible: VisibleDep) -> Response:
    """Every theme, by slug, with its site count."""
    data = [
        {
            "slug": c.theme.slug,
            "name": c.theme.name,
            "name_en": c.theme.name_en,
            "description": c.theme.description,
            "sites": c.sites,
        }
        for c in theme_counts(session, visible=visible)
    ]
    return cached_json(request, {"data": data, "total": len(data)}, public=visible == PUBLIC)
