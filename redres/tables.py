"""Every module that declares tables, imported so `SQLModel.metadata` knows them all: the
migrations and the schema check compare against this one list."""

from __future__ import annotations

import redres.catalog.models
import redres.rate_window  # noqa: F401
