"""Script nonces: the one way an inline script runs under our Content-Security-Policy.

The policy (`middleware.security_headers`) lets scripts come from this host only. folium writes
each map as inline scripts, so a map page asks for this response's nonce with
:func:`script_nonce`, writes it on each of its own ``<script>`` tags, and
`middleware.SecurityHeadersMiddleware` adds it to the script-src of that response alone.
Responses that never asked have no nonce at all; no nonce is ever sent twice.
"""

from __future__ import annotations

import re
import secrets

from starlette.requests import Request

STATE_KEY = "csp_nonce"
"""Where a request keeps its nonce (``scope["state"]``), for the middleware to find."""

_NONCE = re.compile(r"[A-Za-z0-9_-]{16,}")


def script_nonce(request: Request) -> str:
    """This response's nonce: 128 random bits, made on first use and kept for the request."""
    nonce = getattr(request.state, STATE_KEY, None)
    if not isinstance(nonce, str):
        nonce = secrets.token_urlsafe(16)
        setattr(request.state, STATE_KEY, nonce)
    return nonce


def allow_nonce(policy: str, nonce: str) -> str:
    """`policy` with ``'nonce-…'`` added to its script-src directive.

    Examples
    --------
    >>> allow_nonce("default-src 'self'; script-src 'self'", "AAAAAAAAAAAAAAAAAAAAAA")
    "default-src 'self'; script-src 'self' 'nonce-AAAAAAAAAAAAAAAAAAAAAA'"
    """
    if not _NONCE.fullmatch(nonce):
        msg = f"not a nonce we make: {nonce!r}"
        raise ValueError(msg)
    directives = [d.strip() for d in policy.split(";")]
    if not any(d.split(" ", 1)[0] == "script-src" for d in directives):
        msg = "the policy has no script-src directive to add a nonce to"
        raise ValueError(msg)
    return "; ".join(
        f"{d} 'nonce-{nonce}'" if d.split(" ", 1)[0] == "script-src" else d for d in directives
    )
