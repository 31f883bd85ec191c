"""ETag and Cache-Control for published reads, so phones and proxies revalidate cheaply."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request
from fastapi.responses import Response

PUBLIC_MAX_AGE = 60
"""Seconds a published read may be reused before revalidating."""


def cached_json(request: Request, body: Any, *, public: bool) -> Response:
    """JSON with a strong ETag of its bytes; 304 when the client already has it.

    Staff responses (drafts included) are never stored by shared caches.
    """
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    tag = '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'
    headers = {
        "ETag": tag,
        "Cache-Control": f"public, max-age={PUBLIC_MAX_AGE}" if public else "private, no-cache",
        "Vary": "Authorization, Cookie, Accept-Encoding",
    }
    wanted = request.headers.get("if-none-match", "")
    if tag in {t.strip() for t in wanted.split(",")} or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(raw, media_type="application/json", headers=headers)
