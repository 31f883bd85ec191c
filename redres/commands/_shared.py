"""What every `redres` command shares: the --db option and how it becomes an engine."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine

from redres.config import Settings, get_settings
from redres.db import current_revision, make_engine
from redres.errors import RedresError

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default: REDRES_DATABASE_URL or sqlite:///redres.db)"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def settings_for(db: str | None) -> Settings:
    """The settings, with the database URL of --db when given."""
    settings = get_settings()
    return settings.model_copy(update={"database_url": db}) if db else settings


def engine_for(db: str | None) -> Engine:
    """An engine on the database the command should use."""
    settings = settings_for(db)
    return make_engine(settings.database_url, echo=settings.sql_echo)


def require_schema(engine: Engine) -> None:
    """Refuse to read a database that `redres init` has not set up, with what to do instead."""
    if current_revision(engine) is None:
        msg = "the database has no redres schema yet; run `redres init` (or `redres demo`)"
        raise RedresError(msg)
