"""A serving worker's start-up objects are frozen, so full collections do not walk them."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from redres.api.long_lived import freeze_long_lived


class _Built:
    """A stand-in for what a warm-up builds (a road graph, a solver table)."""

    def __init__(self) -> None:
        self.me = self  # a cycle, as graph nodes have


@pytest.fixture(autouse=True)
def _unfreeze_after() -> Iterator[None]:
    yield
    gc.unfreeze()  # leave the test process's collector as it was


def _tracked(obj: object) -> bool:
    """Whether a collection would walk `obj` (frozen objects are in no generation)."""
    return any(candidate is obj for candidate in gc.get_objects())


def _join_freezer() -> None:
    for thread in threading.enumerate():
        if thread.name == "freeze-after-warm-up":
            thread.join(timeout=30)


def test_what_exists_at_start_up_is_frozen() -> None:
    kept = _Built()
    assert _tracked(kept)
    freeze_long_lived()
    assert not _tracked(kept)
    assert gc.get_freeze_count() > 0


def test_what_a_warm_up_builds_is_frozen_once_it_has_finished() -> None:
    built: list[_Built] = []
    release = threading.Event()

    def warm_up() -> None:
        release.wait(timeout=30)
        built.append(_Built())

    thread = threading.Thread(target=warm_up)
    thread.start()
    freeze_long_lived(after=[thread])
    release.set()
    thread.join(timeout=30)
    _join_freezer()
    assert len(built) == 1
    assert not _tracked(built[0])


def test_garbage_from_start_up_is_collected_not_frozen() -> None:
    """A cycle already unreachable at the freeze is freed, not kept for the worker's life."""
    gone = threading.Event()

    class _Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            gone.set()

    _Cycle()  # unreachable at once, freed only by a collection
    freeze_long_lived()
    assert gone.is_set()
