"""Every module that declares tables, imported so `SQLModel.metadata` knows them all: the
migrations, backups and the schema check count and compare against this one list."""

from __future__ import annotations

from redres import rate_window
from redres.catalog import account_tables, class_tables, models, poll_tables

TABLE_MODULES = (models, class_tables, poll_tables, account_tables, rate_window)
"""Add a module here when it declares a table."""
