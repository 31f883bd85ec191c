"""Every module that declares tables, imported so `SQLModel.metadata` knows them all: the
migrations, backups and the schema check count and compare against this one list."""

from __future__ import annotations

from redres import catalogue_version, rate_window
from redres.catalog import (
    account_tables,
    attachment_tables,
    class_tables,
    import_jobs,
    models,
    poll_tables,
    state_tables,
)

TABLE_MODULES = (
    models,
    account_tables,
    attachment_tables,
    state_tables,
    class_tables,
    poll_tables,
    import_jobs,
    rate_window,
    catalogue_version,
)
"""Add a module here when it declares a table."""
