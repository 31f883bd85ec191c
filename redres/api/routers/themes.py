"""`/api/themes`: the themes of study with how many visible sites each has; editors manage them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from redres.api.audit_bodies import ThemeHistory, history_entries
from redres.api.caching import IfMatchDep, cached_json, tag_write
from redres.api.deps import EditorDep, SessionDep, VisibleDep
from redres.api.responses import PRECONDITION, ok
from redres.api.theme_bodies import (
    ThemeBody,
    ThemeList,
    ThemeWithSites,
    theme_body,
    theme_list,
    theme_with_sites,
)
from redres.catalog.audit import history
from redres.catalog.enums import PUBLIC, STAFF
from redres.catalog.models import pk
from redres.catalog.themes import ThemeIn, ThemePatch, create_theme, get_theme, update_theme
from redres.catalog.versions import claim

router = APIRouter(prefix="/api/themes", tags=["themes"])


@router.get("", response_model=None, responses=ok(ThemeList))
def read_themes(request: Request, session: SessionDep, visible: VisibleDep) -> Response:
    """Every theme, by slug, with its site count."""
    body = theme_list(session, visible).model_dump(mode="json")
    return cached_json(request, body, public=visible == PUBLIC)


@router.post("", status_code=201, summary="Add a theme (editors)")
def add_theme(body: ThemeIn, session: SessionDep, editor: EditorDep) -> ThemeBody:
    """Add a theme of study; a taken slug is a 409."""
    return theme_body(create_theme(session, body, actor=editor.username))


@router.get("/{slug}", response_model=None, summary="One theme", responses=ok(ThemeWithSites))
def read_theme(request: Request, slug: str, session: SessionDep, visible: VisibleDep) -> Response:
    """A theme with how many sites the caller may see under it."""
    theme = get_theme(session, slug)
    body = theme_with_sites(session, theme, visible).model_dump(mode="json")
    return cached_json(request, body, public=visible == PUBLIC, version=theme.version)


@router.patch("/{slug}", summary="Change a theme (editors)", responses=PRECONDITION)
def change_theme(
    slug: str,
    body: ThemePatch,
    session: SessionDep,
    editor: EditorDep,
    expected: IfMatchDep,
    response: Response,
) -> ThemeWithSites:
    """Change a theme's names or description; the slug stays, since sites and routes use it.

    With `If-Match` (an ETag of a read), nothing is written if the theme changed since: 412.
    """
    theme = get_theme(session, slug)
    claim(session, theme, expected)
    update_theme(session, theme, body, actor=editor.username)
    written = theme_with_sites(session, theme, STAFF)
    tag_write(response, written.model_dump(mode="json"), theme.version)
    return written


@router.get("/{slug}/history", summary="The theme's audit history (editors)")
def theme_history(slug: str, session: SessionDep, _editor: EditorDep) -> ThemeHistory:
    """Who changed the theme, when, and the values before and after, oldest first."""
    theme = get_theme(session, slug)
    entries = history(session, entity="theme", entity_id=pk(theme))
    return ThemeHistory(theme=theme.slug, entries=history_entries(entries))
