"""Alembic environment: migrates the connection or engine handed over by `redres.db`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import redres.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from redres.db import schema_filter

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run against the connection redres passed in (never a URL from a config file)."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = config.attributes["engine"]
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=schema_filter(connection.dialect.name),
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
