"""`GET /api/themes`: the themes of study with how many visible sites each has."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from redres.api.deps import SessionDep, VisibleDep
from redres.catalog.route_store import theme_counts

router = APIRouter(prefix="/api/themes", tags=["themes"])


@router.get("")
def read_themes(session: SessionDep, visible: VisibleDep) -> dict[str, Any]:
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
    return {"data": data, "total": len(data)}
