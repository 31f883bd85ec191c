"""Absolute links the app hands out: QR codes, share links, embed snippets, feeds.

They start from REDRES_PUBLIC_URL and never from the request's Host header, which the client
chooses: a QR code printed on a plaque must point at the deployment, not at whatever name a
request happened to use.
"""

from __future__ import annotations

from fastapi import Request

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
"""Where `redres serve` listens by default; what links carry when nothing else is known."""


def absolute(request: Request, path: str) -> str:
    """`path` (starting with /) under the deployment's public address."""
    base: str = request.app.state.public_url
    return base + path
