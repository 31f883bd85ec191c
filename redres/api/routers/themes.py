"""`/api/themes`: the themes of study with how many visible sites each has; editors manage them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.catalog.audit import as_json, history
from redres.catalog.enums import PUBLIC, STAFF, Status
from redres.catalog.models import Theme, pk
from redres.catalog.route_store import theme_counts
from redres.catalog.themes import ThemeIn, ThemePatch, create_theme, get_theme, update_theme
from redres.catalog.versions import claim

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


@router.get("/{slug}", response_model=None, summary="One theme")
def read_theme(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
    """A theme with how many sites the caller may see under it."""
    theme = get_theme(session, slug)
    body = _with_count(session, theme, visible)
    return cached_json(request, body, public=visible == PUBLIC, version=theme.version)


@router.patch(
    "/{slug}",
    summary="Change a theme (editors)",
    responses={412: {"description": "changed since If-Match"}},
)
def change_theme(
    slug: str,
    body: ThemePatch,
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> dict[str, Any]:
    """Change a theme's names or description; the slug stays, since sites and routes use it.

    With `If-Match` (an ETag of a read), nothing is written if the theme changed since: 412.
    """
    theme = get_theme(session, slug)
    claim(session, theme, expected)
    update_theme(session, theme, body, actor=editor.username)
    written = _with_count(session, theme, STAFF)
    tag_write(response, written, theme.version)
    return written


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


def _with_count(session: Session, theme: Theme, visible: frozenset[Status]) -> dict[str, Any]:
    """A theme as one-theme reads show it: with how many sites the reader sees under it."""
    counts = {c.theme.id: c.sites for c in theme_counts(session, visible=visible)}
    return theme_dict(theme) | {"sites": counts.get(theme.id, 0)}
