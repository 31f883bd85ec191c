"""Cache-Control and Vary by audience, for every response in one place.

What a signed-in reader is sent (drafts, their own routes, editor pages) must never be kept by
a shared cache or served to someone else, and a cache must not answer a signed-in reader with
what an anonymous one was sent. Handlers may set their own Cache-Control (published reads are
`public, max-age=60`, `caching.cached_json`); this middleware then makes it safe:

- a request that carries a credential (an `Authorization` header, the session or sign-in
  cookie, a share link or a share or class token in the query) or a response that sets a
  cookie is personal:
  anything not already `private` or `no-store` becomes `private, no-store`;
- any other response without a Cache-Control gets `no-cache` (`no-store` for writes), so a
  cache revalidates instead of guessing a lifetime;
- every response but the static files carries `Vary: Authorization, Cookie` (and
  `Accept-Language` for pages, whose language follows it).

Static files (`/static/...`) are the same for everyone and are left public.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl

from starlette.requests import cookie_parser

from redres.api.middleware import ASGIApp, Message, Receive, Scope, Send
from redres.api.session import PRELOGIN_COOKIE, SESSION_COOKIE

PERSONAL = "private, no-store"
"""What a response that depends on who asks gets unless its handler chose something private."""
REVALIDATE = "no-cache"
"""The default of an anonymous read whose handler chose nothing."""
STATIC = "public, max-age=3600"
"""Static files (vendored libraries, styles, scripts): the same for everyone."""
STATIC_PREFIX = "/static/"

CREDENTIAL_COOKIES = frozenset({SESSION_COOKIE, PRELOGIN_COOKIE})
CREDENTIAL_PARAMS = frozenset({"share", "token"})
"""Query parameters that are capabilities: whoever holds the link may read what it opens."""
CAPABILITY_PATHS = ("/shared/",)
"""Path parts of share links (`/routes/shared/{token}`), capabilities too."""
AUDIENCE_HEADERS = ("Authorization", "Cookie")


class CacheHeadersMiddleware:
    """Set Cache-Control and Vary on every HTTP response by who asked (see the module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite the headers of the response start; the body passes untouched."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        personal_request = carries_credentials(scope)
        method = str(scope.get("method", "GET"))

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = cache_policy(
                    list(message.get("headers", [])),
                    path=path,
                    method=method,
                    personal=personal_request,
                )
            await send(message)

        await self.app(scope, receive, send_with_policy)


def carries_credentials(scope: Scope) -> bool:
    """Whether a request says who is asking: a bearer token, a session, or a capability link.

    Cookies are read with the parser the app reads them with, so both agree on who is signed in.
    """
    path = str(scope.get("path", ""))
    if any(part in path for part in CAPABILITY_PATHS):
        return True
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            return True
        if name == b"cookie" and CREDENTIAL_COOKIES & cookie_parser(value.decode("latin-1")).keys():
            return True
    query = scope.get("query_string", b"").decode("latin-1")
    return any(k in CREDENTIAL_PARAMS and v for k, v in parse_qsl(query, keep_blank_values=True))


def cache_policy(
    headers: list[tuple[bytes, bytes]], *, path: str, method: str, personal: bool
) -> list[tuple[bytes, bytes]]:
    """The response headers with Cache-Control and Vary set for the request's audience."""
    control = _get(headers, b"cache-control")
    if path.startswith(STATIC_PREFIX):
        return headers if control is not None else [*headers, (b"cache-control", STATIC.encode())]
    personal = personal or _get(headers, b"set-cookie") is not None
    if personal:
        if control is None or not _is_private(control):
            control = PERSONAL
    elif control is None:
        control = REVALIDATE if method in ("GET", "HEAD") else "no-store"
    vary = list(AUDIENCE_HEADERS)
    if (_get(headers, b"content-type") or "").startswith("text/html"):
        vary.append("Accept-Language")
    kept = [(k, v) for k, v in headers if k.lower() not in (b"cache-control", b"vary")]
    merged = _merge_vary(_all(headers, b"vary"), vary)
    return [*kept, (b"cache-control", control.encode()), (b"vary", merged.encode())]


def _is_private(control: str) -> bool:
    directives = {d.strip().split("=", 1)[0].lower() for d in control.split(",")}
    return "public" not in directives and bool({"private", "no-store"} & directives)


def _merge_vary(existing: Iterable[str], wanted: Iterable[str]) -> str:
    names: list[str] = []
    for value in [*existing, *wanted]:
        for name in (n.strip() for n in value.split(",")):
            if name and name.lower() not in {n.lower() for n in names}:
                names.append(name)
    return ", ".join(names)


def _get(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    found = _all(headers, name)
    return found[0] if found else None


def _all(headers: list[tuple[bytes, bytes]], name: bytes) -> list[str]:
    return [v.decode("latin-1") for k, v in headers if k.lower() == name]
