"""Anonymous public pages and reads, kept rendered per catalogue version and revalidated by ETag.

A visitor's page costs a dozen queries and a template; the same page for the next visitor is
the same bytes until the catalogue changes. So this middleware keeps each answer it may share,
in process, under everything that decides its bytes:

- the path and the query string, as sent;
- the reader's language (`i18n.pick_language`) and whether the page is opened in WeChat;
- the catalogue's version (`redres.catalogue_version`), read from the database on every
  request, so a read after any committed write, by any worker, is built afresh;
- and it serves the minute it was built in (China time and UTC agree on minutes): pages say
  whether a site is open now.

Only what everyone is sent alike is kept: GET requests to the public paths (`PREFIXES`) without
a credential (bearer token, session cookie, share link or class token), answered 200 with no
script nonce, no `private`/`no-store` Cache-Control and no cookie but the language and the
pre-sign-in CSRF cookie. A page whose form carries that CSRF token is kept with a hole where the
token was, and each visitor is sent their own token (and the cookie when they have none), so
no token is ever sent to two visitors. Answers without such a hole carry an ETag (the handler's
own, else a digest of the bytes) and an `If-None-Match` with it is answered 304 from here.

Requests for a page that is being built wait for that build rather than building it again, so
a burst costs one build, not one per connection; at the turn of the minute one request builds
the new copy while the others are still sent the last minute's (never a copy from an older
catalogue version: those are dropped when the version moves).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass

from anyio import to_thread
from fastapi.responses import Response
from sqlalchemy import Engine
from starlette.requests import Request

from redres import catalogue_version
from redres.api.csp import STATE_KEY
from redres.api.i18n import pick_language
from redres.api.middleware import ASGIApp, Message, Receive, Scope, Send
from redres.api.session import PRELOGIN_COOKIE, SESSION_COOKIE, remember_prelogin
from redres.api.templating import in_wechat

PREFIXES = (
    "/sites/",
    "/themes",
    "/routes",
    "/calendar",
    "/people",
    "/events",
    "/api/sites",
    "/api/themes",
    "/api/stories",
    "/api/people",
    "/api/events",
    "/api/routes",
    "/api/calendar",
    "/api/map/",
)
"""Public pages and reads; the home page `/` too. Maps pages carry script nonces and are not
kept; `/maps/sites.json` keeps its own ETag."""

KEPT_COOKIES = frozenset({"lang", PRELOGIN_COOKIE})
"""Cookies an answer may set and still be kept: the language follows the query (`?lang=`), the
CSRF cookie is made afresh for each visitor."""

MAX_ENTRY_BYTES = 1 << 20
"""Larger answers are sent and not kept."""
ENTRY_OVERHEAD = 1024
"""Bytes a kept answer holds beyond its body (its key, headers and objects: about 1.1 KiB
each, by tracemalloc over 1,100 kept API answers), counted so that `REDRES_PAGE_CACHE_MB`
bounds the memory and not only the bodies: small answers cost more in overhead than in body."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One kept answer: its headers (without Content-Length) and body, or body template."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: str | None
    csrf_hole: bool
    minute: int
    """When it was built: pages say whether a site is open now, so a copy serves its minute."""


def _size(entry: Entry) -> int:
    return len(entry.body) + ENTRY_OVERHEAD


class PageCache:
    """Kept answers, least recently used out first, at most `max_bytes` in all (bodies and
    `ENTRY_OVERHEAD` each)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[tuple[object, ...], Entry] = OrderedDict()
        self._bytes = 0
        self._version = -1
        self.hole = secrets.token_urlsafe(24).encode()
        """What stands for the visitor's CSRF token in a kept page (as long as a token)."""

    def get(self, key: tuple[object, ...]) -> Entry | None:
        """The entry under `key`, now the most recently used."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[object, ...], entry: Entry) -> None:
        """Keep `entry`, dropping the least recently used until the bodies fit."""
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= _size(old)
        self._entries[key] = entry
        self._bytes += _size(entry)
        while self._bytes > self.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= _size(dropped)

    def saw_version(self, version: int) -> None:
        """Forget everything kept under older versions once a newer one is seen."""
        if version > self._version:
            if self._version >= 0:
                self._entries.clear()
                self._bytes = 0
            self._version = version

    def clear(self) -> None:
        """Forget everything kept (tests reuse one app)."""
        self._entries.clear()
        self._bytes = 0
        self._version = -1
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


def is_public_path(path: str) -> bool:
    """Whether answers for `path` may be kept (credentials and status are checked apart)."""
    return path == "/" or (path.startswith(PREFIXES) and "/shared/" not in path)


def anonymous(request: Request) -> bool:
    """No bearer token, no session cookie (even a stale one), no share or class token."""
    if "authorization" in request.headers or SESSION_COOKIE in request.cookies:
        return False
    return not (request.query_params.get("share") or request.query_params.get("token"))


class PageCacheMiddleware:
    """Serve kept answers, keep the ones that qualify (see the module doc)."""

    def __init__(self, app: ASGIApp, cache: PageCache, engine: Engine) -> None:
        self.app = app
        self.cache = cache
        self.engine = engine
        self._building: dict[tuple[object, ...], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer from the cache, or run the app and perhaps keep what it answered."""
        if (
            scope["type"] != "http"
            or scope.get("method") != "GET"
            or self.cache.max_bytes <= 0
            or not is_public_path(str(scope.get("path", "")))
        ):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if not anonymous(request):
            await self.app(scope, receive, send)
            return
        version = await to_thread.run_sync(self._version)
        if version is None:
            await self.app(scope, receive, send)
            return
        self.cache.saw_version(version)
        key = (
            scope["path"],
            scope.get("query_string", b""),
            pick_language(request),
            in_wechat(request),
            version,
        )
        minute = int(time.time() // 60)
        entry = self.cache.get(key)
        building = self._building.get(key)
        if entry is None and building is not None:
            await building.wait()  # one build per key: the others wait for its answer
            entry = self.cache.get(key)
        if entry is not None and (entry.minute == minute or building is not None):
            self.cache.hits += 1  # (last minute's copy while this minute's is being built)
            await self._send(request, entry, send)
            return
        self.cache.misses += 1
        if building is not None:  # the first build was not kept: build our own
            await self._run_and_keep(scope, receive, send, request, key, minute)
            return
        self._building[key] = done = asyncio.Event()
        try:
            await self._run_and_keep(scope, receive, send, request, key, minute)
        finally:
            del self._building[key]
            done.set()

    def _version(self) -> int | None:
        with self.engine.connect() as conn:
            return catalogue_version.current(conn)

    async def _run_and_keep(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        request: Request,
        key: tuple[object, ...],
        minute: int,
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False  # too large or not keepable: everything goes straight through

        async def capture(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                if message["status"] != 200 or not _keepable_headers(message["headers"]):
                    passing = True
                    await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_ENTRY_BYTES and message.get("more_body", False):
                passing = True
                assert start is not None
                await send(start)
                await send(
                    {"type": "http.response.body", "body": b"".join(chunks), "more_body": True}
                )
                return
            if not message.get("more_body", False):
                assert start is not None
                body = b"".join(chunks)
                entry = self._entry(scope, request, start, body, minute)
                if entry is None:
                    await send(start)
                    await send({"type": "http.response.body", "body": body})
                    return
                self.cache.put(key, entry)
                await self._send(request, entry, send)

        await self.app(scope, receive, capture)

    def _entry(
        self, scope: Scope, request: Request, start: Message, body: bytes, minute: int
    ) -> Entry | None:
        """What to keep of a complete 200 answer, or None when it must not be shared."""
        if (scope.get("state") or {}).get(STATE_KEY) or len(body) > MAX_ENTRY_BYTES:
            return None  # a script nonce is never sent twice
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        token = request.cookies.get(PRELOGIN_COOKIE)
        kept: list[tuple[bytes, bytes]] = []
        sets_csrf = False
        for name, value in headers:
            if name.lower() == b"set-cookie":
                cookie_name, cookie_value = _cookie(value)
                if cookie_name == PRELOGIN_COOKIE:
                    token, sets_csrf = cookie_value, True
                    continue
            kept.append((name, value))
        hole = False
        if token and token.encode() in body:
            body, hole = body.replace(token.encode(), self.cache.hole), True
        hole = hole or sets_csrf
        etag = None
        if not hole:
            etag = _header(kept, b"etag")
            if etag is None:
                etag = f'"p{hashlib.sha256(body).hexdigest()[:32]}"'
                kept.append((b"etag", etag.encode()))
        return Entry(start["status"], tuple(kept), body, etag, hole, minute)

    async def _send(self, request: Request, entry: Entry, send: Send) -> None:
        headers = list(entry.headers)
        body = entry.body
        if entry.csrf_hole:
            token = request.cookies.get(PRELOGIN_COOKIE) or secrets.token_urlsafe(24)
            body = body.replace(self.cache.hole, token.encode())
            cookie = Response()
            remember_prelogin(request, cookie, token)
            headers += [(k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]
        elif entry.etag is not None and _matches(request.headers.get("if-none-match"), entry.etag):
            kept = [(k, v) for k, v in headers if k.lower() not in _NOT_ON_304]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


_NOT_ON_304 = frozenset({b"content-type", b"content-length", b"content-encoding", b"set-cookie"})


def _keepable_headers(headers: list[tuple[bytes, bytes]]) -> bool:
    """No private or no-store answer, no cookie but the language and the CSRF one."""
    control = (_header(headers, b"cache-control") or "").lower()
    if "private" in control or "no-store" in control:
        return False
    return all(
        _cookie(value)[0] in KEPT_COOKIES
        for name, value in headers
        if name.lower() == b"set-cookie"
    )


def _cookie(set_cookie: bytes) -> tuple[str, str]:
    """The name and value a Set-Cookie header sets."""
    name, _, value = set_cookie.decode("latin-1").split(";", 1)[0].partition("=")
    return name.strip(), value.strip().strip('"')


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for k, v in headers:
        if k.lower() == name:
            return v.decode("latin-1")
    return None


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether a client's If-None-Match names `etag` (weak comparison, as for GET)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == bare for t in if_none_match.split(","))
