"""`/api/themes`: the themes of study with how many visible sites each has; editors manage them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from redres.api.caching import cached_json
from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.catalog.audit import as_json, history
from redres.catalog.models import Theme, pk
from redres.catalog.route_store import theme_counts
from redres.catalog.sites import PUBLIC
from redres.catalog.themes import ThemeIn, ThemePatch, create_theme, get_theme, update_theme

router = APIRouter(prefix="/api/themes", tags=["themes"])


@router.get("", response_model=None)
def read_themes(request: Request, session: SessionDep, visible: VisibleDep) -> Response:
    """Every theme, by slug, with its site count."""
    data = [
        theme_dict(c.theme) | {"sites": c.sites} for c in theme_counts(session, visible=visible)
    ]
    return cached_json(request, {"data": data, "total": len(data)}, public=visible == PUBLIC)


@router.post("", status_code=201, summary="Add a theme (editors)")
def add_theme(body: ThemeIn, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    """Add a theme of study; a taken slug is a 409."""
    return theme_dict(create_theme(session, body, actor=editor.username))


@router.patch("/{slug}", summary="Change a theme (editors)")
def change_theme(
    slug: str, body: ThemePatch, session: SessionDep, editor: EditorDep
) -> dict[str, Any]:
    """Change a theme's names or description; the slug stays, since sites and routes use it."""
    return theme_dict(update_theme(session, get_theme(session, slug), body, actor=editor.username))


@router.get("/{slug}/history", summary="The theme's audit history (editors)")
def theme_history(slug: str, session: SessionDep, _editor: EditorDep) -> dict[str, Any]:
    """Who changed the theme, when, and the values before and after, oldest first."""
    theme = get_theme(session, slug)
    return {
        "theme": theme.slug,
        "entries": as_json(history(session, entity="theme", entity_id=pk(theme))),
    }


def theme_dict(theme: Theme) -> dict[str, Any]:
    """A theme as the API shows it."""
    return {
        "slug": theme.slug,
        "name": theme.name,
        "name_en": theme.name_en,
        "description": theme.description,
    }
