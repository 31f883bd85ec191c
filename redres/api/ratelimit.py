"""Per-client rate limits for the expensive or sensitive endpoints (login, plan, import).

The calls are counted in the database (`redres.rate_window`), so behind several workers a
client gets each limit once, not once per worker.
"""

from __future__ import annotations

import math

from fastapi import HTTPException, Request, status

from redres.rate_window import RateWindow


class RateLimiter(RateWindow):
    """At most `limit` calls per `window` seconds for each client address, in every worker."""

    def __call__(self, request: Request) -> None:
        """A FastAPI dependency: 429 with Retry-After when the client is over its limit."""
        wait = self.check(f"{request.url.path}|{client_address(request)}")
        if wait is not None:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                "too many requests; try again later",
                headers={"Retry-After": str(retry_after(wait))},
            )


def client_address(request: Request) -> str:
    """Who a limit counts for: the client's network address."""
    return request.client.host if request.client else "unknown"


def retry_after(seconds: float) -> int:
    """A Retry-After value: whole seconds, at least one."""
    return max(1, math.ceil(seconds))


def feedback_wait(request: Request) -> int | None:
    """Count one submission from the caller's address; the seconds to wait when over the limit.

    One count per client address over the API and every site page's form together, so
    spreading submissions over many sites or both doors gains nothing.
    """
    wait = request.app.state.feedback_limiter.check(f"feedback|{client_address(request)}")
    return None if wait is None else retry_after(wait)
