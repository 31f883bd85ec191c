"""ETags of JSON reads and If-Match of writes: phones and proxies revalidate cheaply, and two
editors cannot silently overwrite each other.

A single record's ETag is `"<version>-<digest>"`: the record's version (`catalog.versions`)
and a digest of the exact bytes sent. The digest makes the tag change whenever the answer
does (a linked story edited, a reader who sees drafts) and keeps it the same for everyone who
is sent the same bytes; the version is what `If-Match` compares, so a save fails only when the
record itself changed since it was read, not when something it links to did.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

PUBLIC_MAX_AGE = 60
"""Seconds a published read may be reused before revalidating."""

PUBLIC = f"public, max-age={PUBLIC_MAX_AGE}"
"""Cache-Control of what every anonymous reader is sent alike."""
PRIVATE = "private, no-store"
"""Cache-Control of anything that depends on who asks (drafts, owners' routes, share links)."""
VARY = "Authorization, Cookie, Accept-Encoding"

_VERSION_TAG = re.compile(r'"(\d{1,18})-[0-9a-f]{1,64}"')


def cached_json(
    request: Request, body: Any, *, public: bool, version: int | None = None
) -> Response:
    """JSON with a strong ETag of its bytes (and of the record's `version`); 304 when the
    client already has it.

    Staff and other personal responses are never stored by any cache.
    """
    raw = _json_bytes(body)
    tag = _etag(raw, version)
    headers = {"ETag": tag, "Cache-Control": PUBLIC if public else PRIVATE, "Vary": VARY}
    wanted = request.headers.get("if-none-match", "")
    if tag in {t.strip() for t in wanted.split(",")} or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(raw, media_type="application/json", headers=headers)


def tag_write(response: Response, body: Any, version: int) -> None:
    """Give a write's answer the ETag a read of the same record would carry, so a client can
    chain its next change on it."""
    response.headers["ETag"] = _etag(_json_bytes(body), version)


def if_match(request: Request) -> frozenset[int] | None:
    """The record versions an `If-Match` header accepts; None when there is no precondition.

    No header, or `*` (any existing record: the handler has found it), checks nothing. Tags
    that are not ours (weak `W/` tags, other servers' tags, garbage) match no version, so a
    header of only those answers 412, as a strong comparison would.
    """
    header = request.headers.get("if-match")
    if header is None:
        return None
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags:
        return None
    return frozenset(int(m.group(1)) for t in tags if (m := _VERSION_TAG.fullmatch(t)))


IfMatchDep = Annotated[frozenset[int] | None, Depends(if_match)]
"""The versions a PATCH or DELETE may overwrite (`catalog.versions.claim` checks them)."""


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _etag(raw: bytes, version: int | None) -> str:
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return f'"{digest}"' if version is None else f'"{version}-{digest}"'
