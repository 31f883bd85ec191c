"""Waiting on pages from the tests' side: every redres page has a CSP without 'unsafe-eval'.

Playwright's ``wait_for_function`` evaluates a *bare expression* with ``eval`` on every poll
after the first, which such a page refuses ("EvalError ... 'unsafe-eval'"), so the wait fails
whenever the first check is false (microsoft/playwright#36986). Pass it a function instead
(``"() => ..."``), as `MAP_READY` is, or poll with `until`.
"""

from __future__ import annotations

import time
from typing import Any

MAP_READY = "() => window.redres && redres.siteLayers && redres.siteLayers[0].redresReady"
"""True once the site map's first layer has drawn its sites."""


def until(page: Any, expression: str, timeout_s: float = 30.0) -> None:
    """Poll `expression` (or a function) with ``evaluate`` until it is true."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            msg = f"timed out waiting for {expression}"
            raise TimeoutError(msg)
        time.sleep(0.05)
