"""Themes of study, managed by editors: a new theme, or a change to one, audited like any write."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, StringConstraints
from sqlmodel import Session, select

from redres.catalog import audit
from redres.catalog.errors import Conflict, NotFound
from redres.catalog.models import Theme, pk
from redres.messages import Message
from redres.plain_text import PlainTextModel

ThemeSlug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
ThemeName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
EnglishName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class ThemePatch(PlainTextModel):
    """A change to a theme: only the fields given change (the slug never does: links use it)."""

    model_config = ConfigDict(extra="forbid")

    name: ThemeName | None = None
    name_en: EnglishName | None = None
    description: Description | None = None


class ThemeIn(ThemePatch):
    """A new theme: its slug and Chinese name are required."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"slug": "flood-fighting", "name": "抗洪精神", "name_en": "Flood fighting"}
            ]
        },
    )

    slug: ThemeSlug
    name: ThemeName


def get_theme(session: Session, slug: str) -> Theme:
    """A theme by slug (NotFound otherwise)."""
    theme = session.exec(select(Theme).where(Theme.slug == slug)).first()
    if theme is None:
        raise NotFound("theme", slug)  # noqa: EM101 (an entity name)
    return theme


def create_theme(session: Session, data: ThemeIn, *, actor: str) -> Theme:
    """Add a theme; a taken slug is a Conflict."""
    if session.exec(select(Theme.id).where(Theme.slug == data.slug)).first() is not None:
        msg = Message("e_slug_used", entity=Message("entity_theme"), slug=data.slug)
        raise Conflict(msg)
    theme = Theme(**data.model_dump())
    session.add(theme)
    session.flush()
    audit.record(
        session,
        entity="theme",
        entity_id=pk(theme),
        action="create",
        actor=actor,
        before=None,
        after=audit.snapshot(theme),
    )
    return theme


def update_theme(session: Session, theme: Theme, data: ThemePatch, *, actor: str) -> Theme:
    """Change a theme's names or description; only changed fields are audited."""
    before = audit.snapshot(theme)
    for name, value in data.model_dump(exclude_unset=True).items():
        if name == "name" and value is None:
            continue  # a theme keeps its Chinese name
        setattr(theme, name, value)
    session.add(theme)
    session.flush()
    after = audit.snapshot(theme)
    if after != before:
        audit.record(
            session,
            entity="theme",
            entity_id=pk(theme),
            action="update",
            actor=actor,
            before=before,
            after=after,
        )
    return theme
