"""Bounds on how long one client may take to send a request body or to read a response.

A client that trickles its body, or asks for a large export and never reads it, would
otherwise keep a worker's task (and whatever it holds) busy for as long as it likes. A few
such clients must not take the site down, so each wait on the client has a deadline.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass

from redres.api.middleware import ASGIApp, Message, Receive, Scope, Send, is_upload_path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClientTimeouts:
    """Seconds a client is given; the defaults suit people on phones, not scripts that stall."""

    body_idle: float = 20.0
    """The longest wait for the next piece of a request body."""
    body_total: float = 60.0
    """The whole body of an ordinary request (JSON, a form)."""
    upload_total: float = 900.0
    """The whole body of a file upload (imports under `upload_prefix`, media uploads)."""
    send_idle: float = 30.0
    """The longest a client may leave a piece of the response unread."""
    upload_prefix: str = "/api/import"


class _ClientTooSlow(Exception):
    """The client stopped reading the response; the connection is dropped."""


class ClientTimeoutMiddleware:
    """Answer 408 to a body that arrives too slowly; drop a connection that stops reading."""

    def __init__(self, app: ASGIApp, timeouts: ClientTimeouts) -> None:
        self.app = app
        self.timeouts = timeouts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap the two directions of the exchange with their deadlines."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t = self.timeouts
        upload = is_upload_path(scope.get("path", ""), t.upload_prefix)
        total = t.upload_total if upload else t.body_total
        deadline = time.monotonic() + total
        body_done = started = timed_out = False

        async def timed_receive() -> Message:
            nonlocal body_done, timed_out
            if body_done:  # after the body, the app only listens for a disconnect
                return await receive()
            wait = min(t.body_idle, deadline - time.monotonic())
            try:
                message = await asyncio.wait_for(receive(), timeout=max(wait, 0.0))
            except TimeoutError:
                timed_out = True
                if not started:
                    await _request_timeout(send)
                return {"type": "http.disconnect"}
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def timed_send(message: Message) -> None:
            nonlocal started
            if timed_out:
                return  # the 408 has gone out; whatever the app answers next is dropped
            if message["type"] == "http.response.start":
                started = True
            try:
                await asyncio.wait_for(send(message), timeout=t.send_idle)
            except TimeoutError as exc:
                raise _ClientTooSlow from exc

        try:
            await self.app(scope, timed_receive, timed_send)
        except _ClientTooSlow:
            client = scope.get("client") or ("?", 0)
            log.info("dropped %s %s: %s stopped reading", scope["method"], scope["path"], client[0])


async def _request_timeout(send: Send) -> None:
    body = json.dumps({"detail": "the request body arrived too slowly"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 408,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
