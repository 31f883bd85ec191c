"""HTTP hardening that applies to every request: body-size limits, no NUL in the address, and
security headers.

Written as plain ASGI middleware so an oversized body is refused while it streams in, before
the whole of it is read into memory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from redres.api.csp import STATE_KEY, allow_nonce

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


MEDIA_UPLOAD = re.compile(
    r"/api/(?:sites|stories|people|events|routes)/[^/]+/media/?"
    r"|/editor/(?:sites|stories|people|events|routes)/[^/]+/media/?"
    r"|/editor/media-bundle/?"
)
"""Media upload paths (`POST /api/sites/{slug}/media`, the editor's form, a media bundle)."""


def is_upload_path(path: str, prefix: str = "/api/import") -> bool:
    """Whether a request path takes file uploads (imports under `prefix`, and media)."""
    return path.startswith(prefix) or MEDIA_UPLOAD.fullmatch(path) is not None


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """The largest request body accepted: JSON and forms, and file uploads (imports under
    `upload_prefix`, media uploads)."""

    default: int = 1 << 20
    upload: int = 50 << 20
    upload_prefix: str = "/api/import"

    def for_path(self, path: str) -> int:
        """The limit for a request path."""
        return self.upload if is_upload_path(path, self.upload_prefix) else self.default


class BodyLimitMiddleware:
    """Answer 413 as soon as a body is declared or streamed past the limit."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length up front, then count the bytes that actually arrive."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope.get("path", ""))
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(send, limit)
            return
        seen = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not started:
                    # Answer now and tell the app the client went away, so it stops reading.
                    refused = True
                    await _too_large(send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)


_CSP = b"content-security-policy"


class SecurityHeadersMiddleware:
    """Add the security headers of every response, unless a route has set its own.

    A response whose handler took a script nonce (`redres.api.csp.script_nonce`) gets it in
    its script-src; no other response does.
    """

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Merge the headers into the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})  # shared with the handler's request.state

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                nonce = state.get(STATE_KEY)
                if nonce is not None:
                    extra = [
                        (k, allow_nonce(v.decode(), nonce).encode() if k == _CSP else v)
                        for k, v in extra
                    ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(*, frame_ancestors: str, tile_hosts: str = "") -> dict[str, str]:
    """The headers redres sends: a CSP as strict as Leaflet maps allow, and the usual set.

    Scripts come from this host only: no inline script runs unless its response carries a
    nonce for it (folium's map pages, `redres.api.csp`). Styles keep 'unsafe-inline': folium
    writes ``<style>`` blocks into map pages and our map legend uses ``style`` attributes.
    """
    csp = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob: {tile_hosts}".strip(),
            "connect-src 'self'",
            "font-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(self)",
    }


class NoNulMiddleware:
    """Refuse (400) a path or query holding a NUL character before any handler sees it.

    PostgreSQL cannot store or compare text with NUL, so such a slug or filter would otherwise
    fail deep in a query; no real address needs one.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"")
        if scope["type"] == "http" and (
            "\x00" in scope.get("path", "") or b"%00" in query or b"\x00" in query
        ):
            await _refuse(send, 400, "the address must not contain NUL characters")
            return
        await self.app(scope, receive, send)


async def _too_large(send: Send, limit: int) -> None:
    await _refuse(send, 413, f"request body larger than {limit} bytes")


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
