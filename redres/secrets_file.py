"""The app's secret key: from settings, or generated once and kept in a file outside the repo."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create_secret(configured: str | None, path: Path) -> str:
    """The configured secret, else the one in `path`, else a new one written there (mode 0600).

    A generated secret survives restarts, so sessions and CSRF tokens stay valid.
    """
    if configured:
        return configured
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= 32:
            return value
    value = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value
