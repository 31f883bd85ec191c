"""How the web app runs plan solves: who may ask for how long, how often, and how many at once.

A solve is the one expensive thing an anonymous visitor can ask for, so every plan request
(the API, the planner page, its map and downloads, hand checks) goes through one `PlanGate`:

- anonymous clients get at most `plan_requests_per_minute` plan requests a minute (429 with
  Retry-After beyond) and at most `plan_time_limit_anonymous` solver seconds; signed-in
  accounts (bearer token or page session) are not counted and may ask up to
  `plan_time_limit_max`;
- at most `plan_concurrency` solves run at once in the process, each in a worker thread, off
  the event loop; a request waits for a free slot at most `plan_queue_seconds` (without holding
  a thread while it waits) and is then answered 503 with Retry-After instead of piling up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from redres.api.deps import SessionDep, UserDep
from redres.api.i18n import Translate
from redres.api.ratelimit import RateLimiter, client_address, retry_after
from redres.api.session import session_user
from redres.config import Settings
from redres.routes.solver.api import SolveParams

T = TypeVar("T")

_POLL_SECONDS = 0.02
"""How often a waiting request looks for a free slot (it sleeps on the event loop between)."""


class PlanRefused(Exception):
    """A plan request that is not solved now; `key` names its sentence in the page locales."""

    status_code = 503
    key = "plan_busy"

    def __init__(self, detail: str, *, retry_after: int, limit: int = 0) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after
        self.limit = limit

    def sentence(self, _: Translate) -> str:
        """What a page tells the reader, in `_`'s language."""
        return _(self.key, seconds=self.retry_after, limit=self.limit)

    def http(self) -> HTTPException:
        """The API's answer: the status, a `{"detail": ...}` and Retry-After."""
        return HTTPException(
            self.status_code, self.detail, headers={"Retry-After": str(self.retry_after)}
        )


class TooManyPlans(PlanRefused):
    """An anonymous client over its plan requests per minute."""

    status_code = 429
    key = "plan_rate_limited"


class SolverBusy(PlanRefused):
    """Every solve slot stayed taken for the whole wait."""

    status_code = 503
    key = "plan_busy"


class SolveSlots:
    """At most `size` solves at once in this process.

    A threading semaphore, so a slot can be held from any thread (a test holds one to see the
    503); waiters poll it from the event loop, so a waiting request holds no worker thread.
    """

    def __init__(self, size: int) -> None:
        if size < 1:
            msg = f"solve slots {size!r} must be at least 1"
            raise ValueError(msg)
        self.size = size
        self._free = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.waiting = 0
        """Requests waiting for a slot right now."""

    def try_acquire(self) -> bool:
        """Take a slot if one is free, without waiting."""
        return self._free.acquire(blocking=False)

    def release(self) -> None:
        """Give a slot back."""
        self._free.release()

    async def acquire(self, wait: float) -> bool:
        """Take a slot, waiting at most `wait` seconds on the event loop; False when none freed."""
        if self.try_acquire():
            return True
        deadline = time.monotonic() + wait
        with self._lock:
            self.waiting += 1
        try:
            while time.monotonic() < deadline:
                await anyio.sleep(min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
                if self.try_acquire():
                    return True
            return False
        finally:
            with self._lock:
                self.waiting -= 1


@dataclass(slots=True)
class PlanGate:
    """The plan limits of one app (see the module docstring)."""

    limiter: RateLimiter
    slots: SolveSlots
    anonymous_seconds: float
    max_seconds: float
    queue_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine) -> PlanGate:
        """The gate the settings describe; plan requests are counted in `engine`'s database."""
        return cls(
            limiter=RateLimiter(engine, settings.plan_requests_per_minute, 60.0),
            slots=SolveSlots(settings.plan_concurrency),
            anonymous_seconds=settings.plan_time_limit_anonymous,
            max_seconds=settings.plan_time_limit_max,
            queue_seconds=settings.plan_queue_seconds,
        )

    def admit(self, request: Request, *, signed_in: bool) -> None:
        """Count an anonymous request against its client's limit.

        Raises
        ------
        TooManyPlans
            When the client has used up its plan requests for the minute.
        """
        if signed_in:
            return
        wait = self.limiter.check(f"plan|{client_address(request)}")
        if wait is not None:
            seconds = retry_after(wait)
            msg = (
                f"too many plan requests: {self.limiter.limit} a minute for visitors who are "
                f"not signed in; try again in {seconds} s or sign in"
            )
            raise TooManyPlans(msg, retry_after=seconds, limit=self.limiter.limit)

    def time_limit(self, asked: float, *, signed_in: bool) -> float:
        """The solver seconds granted: what was asked, lowered to the caller's allowance."""
        allowance = self.max_seconds if signed_in else self.anonymous_seconds
        return min(asked, allowance, self.max_seconds)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a solve slot for the block.

        Raises
        ------
        SolverBusy
            When no slot freed within `queue_seconds`.
        """
        if not await self.slots.acquire(self.queue_seconds):
            seconds = retry_after(self.anonymous_seconds)
            msg = f"the planner is busy with other plans; try again in {seconds} s"
            raise SolverBusy(msg, retry_after=seconds)
        try:
            yield
        finally:
            self.slots.release()

    async def run(self, work: Callable[[], T]) -> T:
        """Run `work` (a solve) in a worker thread once a slot is free.

        Raises
        ------
        SolverBusy
            When no slot freed within `queue_seconds`.
        """
        async with self.slot():
            return await run_in_threadpool(work)


INTERACTIVE_NO_IMPROVE = 20_000
"""A plan asked from the web stops after this many search iterations without a better one.

A catalogue's plans are small: on the Wuhan demo every theme's best plan is found within about
2,000 iterations, the first few milliseconds, while a full second runs 150,000-460,000 (same
stops in all 22 theme/day cases). Stopping early answers in tens of milliseconds and makes the
answer the same on a busy machine as on an idle one; a large plan (hundreds of candidates)
runs far fewer iterations a second and still gets its whole time limit.
"""


def interactive_params(seconds: float, seed: int) -> SolveParams:
    """The solver's knobs for a plan a person waits for (see `INTERACTIVE_NO_IMPROVE`)."""
    return SolveParams(time_limit=seconds, seed=seed, max_no_improve=INTERACTIVE_NO_IMPROVE)


def plan_gate(request: Request) -> PlanGate:
    """The app's plan gate (a dependency)."""
    found: PlanGate = request.app.state.plan_gate
    return found


def signed_in(request: Request, session: SessionDep, user: UserDep) -> bool:
    """Whether the caller has an account: a bearer token's user, or a page session's (any method).

    The cookie counts here only to spare a signed-in teacher the visitors' limit; what the
    caller may read is still decided by `deps.current_user`.
    """
    if user is not None:
        return True
    # for GET and HEAD `current_user` has already looked at the session cookie
    return request.method not in ("GET", "HEAD") and session_user(request, session) is not None


def seconds_header(seconds: float) -> dict[str, str]:
    """The header that tells a client how many solver seconds its plan was given."""
    return {"X-Plan-Time-Limit": f"{seconds:g}"}


GateDep = Annotated[PlanGate, Depends(plan_gate)]
SignedInDep = Annotated[bool, Depends(signed_in)]
