"""Keep a serving worker's long-lived objects out of the garbage collector's full passes.

A worker holds some 780,000 objects that live as long as it does: routes and their parameter
models, compiled templates, the road network and the planner's tables. CPython's full (oldest
generation) collection walks every one of them with the interpreter lock held: 0.14-0.8 s per
pass measured on the demo catalogue, a pass every few thousand requests, and each one stalled
every request the worker had in flight (the p99 of every page, `/healthz` included, in
bench/SERVING.md). Frozen after start-up they are never walked again; a full pass then walks only
what was made since, and in 3,000 requests there was none.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Sequence


def freeze_long_lived(after: Sequence[threading.Thread] = ()) -> None:
    """Collect what start-up left as garbage, then freeze the rest; once the `after` threads
    (the warm-ups, which build the road network and the solver's tables) have finished, do it
    again in the background for what they built."""
    _collect_and_freeze()
    if after:
        threading.Thread(
            target=_freeze_when_done, args=(tuple(after),), name="freeze-after-warm-up", daemon=True
        ).start()


def _freeze_when_done(threads: tuple[threading.Thread, ...]) -> None:
    for thread in threads:
        thread.join()
    _collect_and_freeze()


def _collect_and_freeze() -> None:
    # Collecting first keeps start-up's cyclic garbage from being frozen with the rest (a frozen
    # object is freed when its count drops to zero, but never by the collector).
    gc.collect()
    gc.freeze()
