"""Per-client rate limits for the expensive or sensitive endpoints (login, plan, import).

A sliding window kept in memory, so each worker process counts on its own; behind several
workers the effective limit is the per-worker limit times the number of workers.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from fastapi import HTTPException, Request, status


class RateLimiter:
    """At most `limit` calls per `window` seconds for each client address."""

    def __init__(
        self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1 or window <= 0:
            msg = f"rate limit {limit!r} per {window!r} s must be positive"
            raise ValueError(msg)
        self.limit = limit
        self.window = window
        self._clock = clock
        self._calls: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        """Record a call; None when allowed, else the seconds until the next one is."""
        now = self._clock()
        with self._lock:
            calls = self._calls[key]
            while calls and calls[0] <= now - self.window:
                calls.popleft()
            if len(calls) >= self.limit:
                return calls[0] + self.window - now
            calls.append(now)
            if len(self._calls) > 10_000:  # forget idle clients so memory stays bounded
                for stale in [k for k, v in self._calls.items() if not v]:
                    del self._calls[stale]
            return None

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
