"""`redres` commands for the plan room (registered by `redres.cli`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this room's commands to the `redres` app."""
